/**
 * Provider settings of `nova` (the keys of `config.extra`), their defaults, and validation into a
 * {@link ResolvedNovaConfig} with errors that say what to fix. The settings are typed for `createS2S('nova', …)`
 * through the core's `S2SProviderExtras` (declared at the bottom).
 *
 * @packageDocumentation
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { S2SConfigError, type S2SConfig, type ToolDefinition } from '@voxframe/core';
import { NOVA_SONIC_PROVIDER } from './errors';
import { DEFAULT_NOVA_SONIC_MODEL, DEFAULT_NOVA_SONIC_VOICE, NOVA_SONIC_MODELS, type NovaModelInfo } from './models';
import type { EndpointingSensitivity } from './protocol';

/** The service's cap on one bidirectional stream (protocol note §1): 8 minutes. */
export const NOVA_MAX_STREAM_MS = 8 * 60 * 1000;

/** User audio rate on the wire (16 kHz LPCM, §3.2). */
export const NOVA_INPUT_SAMPLE_RATE = 16000;

/**
 * Settings of the `nova` provider, given in `config.extra`. Every field is optional; defaults are in
 * {@link novaSonicDefaults}.
 */
export interface NovaSonicOptions {
  /** AWS region. @defaultValue `process.env.AWS_REGION`, else `'us-east-1'` */
  readonly region?: string;
  /** AWS credentials or a credential provider. @defaultValue the AWS SDK's default provider chain */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Endpoint override, `http://` (cleartext HTTP/2) or `https://`: emulators, VPC endpoints. @defaultValue the regional Bedrock endpoint */
  readonly base_url?: string;
  /** Extra trusted CA certificates (PEM) for an `https` `base_url` (a private endpoint, the emulator). @defaultValue Node's CA store */
  readonly ca?: string;
  /** Nova 2 only: how long a pause ends the user's turn (`HIGH` ends it soonest). @defaultValue `'MEDIUM'` */
  readonly endpointing_sensitivity?: EndpointingSensitivity;
  /** Output token cap per response, 1-10000. @defaultValue `1024` */
  readonly max_tokens?: number;
  /** Nucleus sampling, 0-1. @defaultValue `0.9` */
  readonly top_p?: number;
  /** `'auto'`, `'any'`, or the name of one configured tool to force. @defaultValue `'auto'` */
  readonly tool_choice?: string;
  /** Assistant audio rate: 24000, 16000 or 8000. @defaultValue `24000` */
  readonly output_sample_rate?: 24000 | 16000 | 8000;
  /**
   * Age at which the stream is replaced by a new one at the next pause, ms. The service ends streams at 8 minutes;
   * the default leaves 30 s to find a pause. @defaultValue `450_000` (7.5 min)
   */
  readonly max_stream_ms?: number;
  /** Quiet time (no model output, no turn in progress) that counts as a pause for rotation, ms. @defaultValue `1000` */
  readonly rotation_quiet_ms?: number;
  /** New-stream attempts after a failure before the session fails. @defaultValue `5` */
  readonly reconnect_attempts?: number;
  /** First reconnect delay, doubled per attempt. @defaultValue `250` */
  readonly reconnect_backoff_ms?: number;
  /** Longest reconnect delay. @defaultValue `5000` */
  readonly reconnect_backoff_max_ms?: number;
  /** User audio held while no stream takes it (oldest dropped beyond, with one error event). @defaultValue `20000` */
  readonly backlog_ms?: number;
  /** Conversation messages replayed into a new stream (newest kept). @defaultValue `40` */
  readonly history_max_messages?: number;
  /** Characters of one replayed message (longer ones keep their end). @defaultValue `1000` */
  readonly history_message_max_chars?: number;
  /** Clock and timers for rotation and reconnect delays (a virtual clock in tests). @defaultValue rxjs `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
}

/** Defaults of {@link NovaSonicOptions}. */
export const novaSonicDefaults = {
  endpointing_sensitivity: 'MEDIUM',
  max_tokens: 1024,
  top_p: 0.9,
  tool_choice: 'auto',
  output_sample_rate: 24000,
  max_stream_ms: NOVA_MAX_STREAM_MS - 30_000,
  rotation_quiet_ms: 1000,
  reconnect_attempts: 5,
  reconnect_backoff_ms: 250,
  reconnect_backoff_max_ms: 5000,
  backlog_ms: 20_000,
  history_max_messages: 40,
  history_message_max_chars: 1000,
} as const satisfies NovaSonicOptions;

/** Sampling temperature when `config.temperature` is not given. */
export const DEFAULT_NOVA_TEMPERATURE = 0.7;

/** A validated configuration, every setting filled in. */
export interface ResolvedNovaConfig {
  readonly region: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly endpoint?: string;
  readonly ca?: string;
  readonly model: string;
  readonly modelInfo: NovaModelInfo;
  readonly voice: string;
  readonly instructions?: string;
  readonly tools: readonly ToolDefinition[];
  readonly toolChoice: string;
  readonly temperature: number;
  readonly topP: number;
  readonly maxTokens: number;
  /** `undefined` for models without turn detection settings. */
  readonly endpointingSensitivity?: EndpointingSensitivity;
  readonly outputSampleRate: number;
  readonly maxStreamMs: number;
  readonly rotationQuietMs: number;
  readonly reconnectAttempts: number;
  readonly reconnectBackoffMs: number;
  readonly reconnectBackoffMaxMs: number;
  readonly backlogMs: number;
  readonly historyMaxMessages: number;
  readonly historyMessageMaxChars: number;
  readonly scheduler: SchedulerLike;
}

const KNOWN_KEYS: ReadonlySet<string> = new Set(['region', 'credentials', 'base_url', 'ca', 'scheduler', ...Object.keys(novaSonicDefaults)]);

/**
 * Validates a config and fills in defaults.
 *
 * @throws `S2SConfigError` naming the bad field (unknown `extra` keys, unknown model or voice, out-of-range numbers, ...).
 */
export function resolveNovaConfig(config: S2SConfig, env: Readonly<Record<string, string | undefined>> = process.env): ResolvedNovaConfig {
  const extra = (config.extra ?? {}) as Readonly<Record<string, unknown>>;
  const fail = (message: string): never => {
    throw new S2SConfigError(NOVA_SONIC_PROVIDER, message);
  };
  for (const key of Object.keys(extra)) {
    if (!KNOWN_KEYS.has(key)) fail(`unknown setting extra.${key}. Known: ${[...KNOWN_KEYS].sort().join(', ')}.`);
  }
  const model = config.model ?? DEFAULT_NOVA_SONIC_MODEL;
  const modelInfo = NOVA_SONIC_MODELS[model];
  if (modelInfo === undefined) fail(`model '${model}' is not a Nova Sonic model. Use one of ${Object.keys(NOVA_SONIC_MODELS).join(', ')}.`);
  const info = modelInfo as NovaModelInfo;
  const voice = config.voice ?? DEFAULT_NOVA_SONIC_VOICE;
  if (!info.voices.includes(voice)) fail(`voice '${voice}' is not a voice of ${model}: ${info.voices.join(', ')}.`);
  const read = new ExtraReader(extra, fail);
  const region = read.string('region') ?? (env.AWS_REGION || undefined) ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) fail(`extra.region '${region}' is not an AWS region name like 'us-east-1'.`);
  const credentials = extra.credentials;
  if (credentials !== undefined && typeof credentials !== 'function' && !isCredentialIdentity(credentials)) {
    fail('extra.credentials must be { accessKeyId, secretAccessKey, sessionToken? } or a credential provider function.');
  }
  const baseUrl = read.string('base_url');
  if (baseUrl !== undefined) checkEndpoint(baseUrl, fail);
  const ca = read.string('ca');
  if (extra.endpointing_sensitivity !== undefined && !info.endpointing) {
    fail(`extra.endpointing_sensitivity needs a model with turn detection settings (${DEFAULT_NOVA_SONIC_MODEL}); ${model} has none.`);
  }
  const tools = config.tools ?? [];
  const toolChoice = read.string('tool_choice') ?? novaSonicDefaults.tool_choice;
  if (toolChoice !== 'auto' && toolChoice !== 'any' && !tools.some((tool) => tool.name === toolChoice)) {
    fail(`extra.tool_choice must be 'auto', 'any' or the name of a configured tool, got '${toolChoice}'.`);
  }
  const temperature = config.temperature ?? DEFAULT_NOVA_TEMPERATURE;
  if (temperature < 0 || temperature > 1) fail(`config.temperature must be from 0 to 1 for Nova Sonic, got ${temperature}.`);
  const outputSampleRate = read.number('output_sample_rate', 8000, 24000, true);
  if (![8000, 16000, 24000].includes(outputSampleRate)) fail(`extra.output_sample_rate must be 24000, 16000 or 8000, got ${outputSampleRate}.`);
  const scheduler = extra.scheduler;
  if (scheduler !== undefined && (typeof (scheduler as SchedulerLike).schedule !== 'function' || typeof (scheduler as SchedulerLike).now !== 'function')) {
    fail('extra.scheduler must be an rxjs SchedulerLike (now() and schedule()).');
  }
  const sensitivity = read.oneOf('endpointing_sensitivity', ['HIGH', 'MEDIUM', 'LOW'] as const);
  return {
    region,
    ...(credentials === undefined ? {} : { credentials: credentials as AwsCredentialIdentity | AwsCredentialIdentityProvider }),
    ...(baseUrl === undefined ? {} : { endpoint: baseUrl }),
    ...(ca === undefined ? {} : { ca }),
    model,
    modelInfo: info,
    voice,
    ...(config.instructions === undefined ? {} : { instructions: config.instructions }),
    tools,
    toolChoice,
    temperature,
    topP: read.number('top_p', 0, 1),
    maxTokens: read.number('max_tokens', 1, 10_000, true),
    ...(info.endpointing ? { endpointingSensitivity: sensitivity } : {}),
    outputSampleRate,
    maxStreamMs: read.number('max_stream_ms', 1, NOVA_MAX_STREAM_MS, true),
    rotationQuietMs: read.number('rotation_quiet_ms', 0, 60_000, true),
    reconnectAttempts: read.number('reconnect_attempts', 0, 100, true),
    reconnectBackoffMs: read.number('reconnect_backoff_ms', 0, 60_000, true),
    reconnectBackoffMaxMs: read.number('reconnect_backoff_max_ms', 0, 300_000, true),
    backlogMs: read.number('backlog_ms', 100, 600_000, true),
    historyMaxMessages: read.number('history_max_messages', 0, 1000, true),
    historyMessageMaxChars: read.number('history_message_max_chars', 1, 100_000, true),
    scheduler: (scheduler as SchedulerLike | undefined) ?? asyncScheduler,
  };
}

function isCredentialIdentity(value: unknown): boolean {
  const identity = value as Partial<AwsCredentialIdentity> | null;
  return (
    identity !== null &&
    typeof identity === 'object' &&
    typeof identity.accessKeyId === 'string' &&
    identity.accessKeyId !== '' &&
    typeof identity.secretAccessKey === 'string' &&
    identity.secretAccessKey !== '' &&
    (identity.sessionToken === undefined || typeof identity.sessionToken === 'string')
  );
}

function checkEndpoint(baseUrl: string, fail: (message: string) => never): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return fail(`extra.base_url '${baseUrl}' is not a URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`extra.base_url must use https or http (cleartext HTTP/2), got '${url.protocol}'.`);
}

type Defaults = typeof novaSonicDefaults;

/** Reads typed settings from `extra`, falling back to the defaults. */
class ExtraReader {
  readonly #extra: Readonly<Record<string, unknown>>;
  readonly #fail: (message: string) => never;

  constructor(extra: Readonly<Record<string, unknown>>, fail: (message: string) => never) {
    this.#extra = extra;
    this.#fail = fail;
  }

  string(key: string): string | undefined {
    const value = this.#extra[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') this.#fail(`extra.${key} must be a non-empty string.`);
    return value as string;
  }

  number<K extends keyof Defaults>(key: K, min: number, max: number, integer = false): number {
    const value = this.#extra[key] ?? novaSonicDefaults[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      this.#fail(`extra.${key} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(value)}.`);
    }
    return value as number;
  }

  oneOf<K extends keyof Defaults, V extends string>(key: K, values: readonly V[]): V {
    const value = this.#extra[key] ?? novaSonicDefaults[key];
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      this.#fail(`extra.${key} must be one of ${values.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(value)}.`);
    }
    return value as V;
  }
}

declare module '@voxframe/core' {
  interface S2SProviderExtras {
    /** Amazon Nova Sonic (`@voxframe/s2s-nova`). */
    nova: NovaSonicOptions;
  }
}
