/**
 * Provider settings of `openai_realtime` (the keys of `config.extra`), their defaults, and validation into a
 * {@link ResolvedOpenAIConfig} with errors that say what to fix.
 *
 * @packageDocumentation
 */
import { S2SConfigError, resolveApiKey, type S2SConfig, type ToolDefinition } from '@voxframe/core';
import {
  DEFAULT_OPENAI_REALTIME_MODEL,
  DEFAULT_OPENAI_REALTIME_VOICE,
  OPENAI_REALTIME_MINI_MODEL,
  OPENAI_REALTIME_VOICES,
  isBuiltInVoice,
  isCustomVoiceId,
  modelStatus,
} from './models';
import type { WebSocketFactory } from './socket';

/** The registered provider name. */
export const OPENAI_REALTIME_PROVIDER = 'openai_realtime';

/** The service's cap on one session (protocol note §13): 60 minutes. */
export const OPENAI_MAX_SESSION_MS = 60 * 60 * 1000;

/** Audio format on the wire. `pcm16` is 24 kHz; the G.711 formats are 8 kHz. */
export type OpenAIAudioFormat = 'pcm16' | 'g711_ulaw' | 'g711_alaw';

/** Who detects the end of the user's turn. */
export type OpenAITurnDetection = 'server_vad' | 'semantic_vad' | 'none';

/**
 * Settings of the `openai_realtime` provider, given in `config.extra` (snake_case, like `api_key`).
 * Every field is optional; defaults are in {@link openAIRealtimeDefaults}.
 */
export interface OpenAIRealtimeOptions {
  /** API key (or an ephemeral `ek_…` client secret). @defaultValue `process.env.OPENAI_API_KEY` */
  readonly api_key?: string;
  /**
   * Service base URL; `/realtime?model=…` is appended. `http(s)` is turned into `ws(s)`. Azure:
   * `https://<resource>.openai.azure.com/openai/v1`. @defaultValue `'wss://api.openai.com/v1'`
   */
  readonly base_url?: string;
  /** Send the key as Azure's `api-key` header instead of `Authorization: Bearer`. @defaultValue `true` for `*.azure.com` hosts */
  readonly azure?: boolean;
  /** Turn detection. `'none'`: a local VAD drives turns through `commitUserTurn()`. @defaultValue `'server_vad'` */
  readonly turn_detection?: OpenAITurnDetection;
  /** Server VAD activation threshold, 0-1. @defaultValue `0.5` */
  readonly vad_threshold?: number;
  /** Server VAD audio kept before detected speech, ms. @defaultValue `300` */
  readonly vad_prefix_padding_ms?: number;
  /** Server VAD silence that ends a turn, ms. @defaultValue `500` */
  readonly vad_silence_duration_ms?: number;
  /** Semantic VAD eagerness. @defaultValue `'auto'` */
  readonly vad_eagerness?: 'low' | 'medium' | 'high' | 'auto';
  /** Let the service cancel its response when the user starts speaking. @defaultValue `true` */
  readonly interrupt_response?: boolean;
  /** Audio on the wire; the session's audio rates follow it (24000 or 8000). @defaultValue `'pcm16'` */
  readonly audio_format?: OpenAIAudioFormat;
  /** Model transcribing the user's speech, or `'none'`. @defaultValue `'gpt-4o-mini-transcribe'` */
  readonly input_transcription_model?: string;
  /** Language hint (ISO-639-1) for input transcription. */
  readonly input_transcription_language?: string;
  /** Prompt for input transcription. */
  readonly input_transcription_prompt?: string;
  /** Input noise reduction. @defaultValue `'none'` */
  readonly noise_reduction?: 'near_field' | 'far_field' | 'none';
  /** `'auto'`, `'none'`, `'required'`, or the name of one of the tools to force. @defaultValue `'auto'` */
  readonly tool_choice?: string;
  /** What the model answers with: audio (with its transcript) or text only. @defaultValue `'audio'` */
  readonly output_modalities?: 'audio' | 'text';
  /** Output token cap per response, 1-4096, or `'inf'`. @defaultValue `'inf'` */
  readonly max_output_tokens?: number | 'inf';
  /** Output speech speed, 0.25-1.5. @defaultValue `1` */
  readonly speed?: number;
  /**
   * Age at which a session is rotated to a fresh one at the next pause, ms. The service ends sessions at 60 minutes;
   * the default leaves 5 minutes to find a pause. @defaultValue `3_300_000` (55 min)
   */
  readonly max_session_ms?: number;
  /** Reconnect attempts after an unexpected close before the session fails. @defaultValue `5` */
  readonly reconnect_attempts?: number;
  /** First reconnect delay, doubled per attempt. @defaultValue `250` */
  readonly reconnect_backoff_ms?: number;
  /** Longest reconnect delay. @defaultValue `5000` */
  readonly reconnect_backoff_max_ms?: number;
  /** Time allowed for the handshake and the first `session.updated`. @defaultValue `10000` */
  readonly connect_timeout_ms?: number;
  /**
   * WebSocket ping interval of an open connection, ms; `0` turns keepalive off. A connection that answers neither
   * the ping nor with any message within `keepalive_timeout_ms` is half-open: it is dropped and the session
   * reconnects. @defaultValue `15000`
   */
  readonly keepalive_interval_ms?: number;
  /** Time a ping may wait for its pong (or any message) before the connection counts as dead, ms. @defaultValue `10000` */
  readonly keepalive_timeout_ms?: number;
  /** User audio kept while a session reconnects or rotates (oldest dropped beyond, with a warning). @defaultValue `20000` */
  readonly backlog_ms?: number;
  /** Recent audio re-sent to a fresh session or buffer so the first syllable is not lost. @defaultValue `500` */
  readonly pre_roll_ms?: number;
  /** With `turn_detection: 'none'`: uncommitted audio after which the service buffer is cleared (keeping the pre-roll). @defaultValue `30000` */
  readonly manual_buffer_max_ms?: number;
  /** Conversation items mirrored locally to re-seed a fresh session. @defaultValue `100` */
  readonly history_max_items?: number;
  /** Stable end-user id sent as `OpenAI-Safety-Identifier`. */
  readonly safety_identifier?: string;
  /** Opens sockets. @defaultValue `ws` with permessage-deflate off */
  readonly socket_factory?: WebSocketFactory;
}

declare module '@voxframe/core' {
  /** `createS2S('openai_realtime', { extra })` checks `extra` against {@link OpenAIRealtimeOptions} at compile time. */
  interface S2SProviderExtras {
    openai_realtime: OpenAIRealtimeOptions;
  }
}

/** Defaults of {@link OpenAIRealtimeOptions}. */
export const openAIRealtimeDefaults = {
  base_url: 'wss://api.openai.com/v1',
  turn_detection: 'server_vad',
  vad_threshold: 0.5,
  vad_prefix_padding_ms: 300,
  vad_silence_duration_ms: 500,
  vad_eagerness: 'auto',
  interrupt_response: true,
  audio_format: 'pcm16',
  input_transcription_model: 'gpt-4o-mini-transcribe',
  noise_reduction: 'none',
  tool_choice: 'auto',
  output_modalities: 'audio',
  max_output_tokens: 'inf',
  speed: 1,
  max_session_ms: OPENAI_MAX_SESSION_MS - 5 * 60 * 1000,
  reconnect_attempts: 5,
  reconnect_backoff_ms: 250,
  reconnect_backoff_max_ms: 5000,
  connect_timeout_ms: 10_000,
  keepalive_interval_ms: 15_000,
  keepalive_timeout_ms: 10_000,
  backlog_ms: 20_000,
  pre_roll_ms: 500,
  manual_buffer_max_ms: 30_000,
  history_max_items: 100,
} as const satisfies OpenAIRealtimeOptions;

/** A validated configuration, every setting filled in. */
export interface ResolvedOpenAIConfig {
  readonly apiKey: string;
  readonly url: string;
  readonly azure: boolean;
  readonly model: string;
  readonly deprecatedModel: boolean;
  /** `config.temperature` was given; the GA interface has no temperature (§9), so it is ignored with a warning. */
  readonly temperatureIgnored: boolean;
  readonly voice: string;
  readonly instructions?: string;
  readonly tools: readonly ToolDefinition[];
  readonly turnDetection: OpenAITurnDetection;
  readonly vadThreshold: number;
  readonly vadPrefixPaddingMs: number;
  readonly vadSilenceDurationMs: number;
  readonly vadEagerness: 'low' | 'medium' | 'high' | 'auto';
  readonly interruptResponse: boolean;
  readonly audioFormat: OpenAIAudioFormat;
  /** 24000 for PCM, 8000 for G.711. */
  readonly sampleRate: number;
  readonly transcription?: { readonly model: string; readonly language?: string; readonly prompt?: string };
  readonly noiseReduction: 'near_field' | 'far_field' | 'none';
  readonly toolChoice: string;
  readonly outputModality: 'audio' | 'text';
  readonly maxOutputTokens: number | 'inf';
  readonly speed: number;
  readonly maxSessionMs: number;
  readonly reconnectAttempts: number;
  readonly reconnectBackoffMs: number;
  readonly reconnectBackoffMaxMs: number;
  readonly connectTimeoutMs: number;
  readonly keepalive: { readonly intervalMs: number; readonly timeoutMs: number };
  readonly backlogMs: number;
  readonly preRollMs: number;
  readonly manualBufferMaxMs: number;
  readonly historyMaxItems: number;
  readonly safetyIdentifier?: string;
  readonly socketFactory?: WebSocketFactory;
}

const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'api_key',
  'base_url',
  'azure',
  'input_transcription_language',
  'input_transcription_prompt',
  'safety_identifier',
  'socket_factory',
  ...Object.keys(openAIRealtimeDefaults),
]);

/**
 * Validates a config and fills in defaults.
 *
 * @throws `MissingApiKeyError` without a key; `S2SConfigError` naming the bad field (unknown `extra` keys, retired
 * beta models, out-of-range numbers, ...).
 */
export function resolveOpenAIConfig(config: S2SConfig, env: Readonly<Record<string, string | undefined>> = process.env): ResolvedOpenAIConfig {
  const extra = (config.extra ?? {}) as Readonly<Record<string, unknown>>;
  const fail = (message: string): never => {
    throw new S2SConfigError(OPENAI_REALTIME_PROVIDER, message);
  };
  for (const key of Object.keys(extra)) {
    if (!KNOWN_KEYS.has(key)) fail(`unknown setting extra.${key}. Known: ${[...KNOWN_KEYS].sort().join(', ')}.`);
  }
  const model = config.model ?? DEFAULT_OPENAI_REALTIME_MODEL;
  const status = modelStatus(model);
  if (status === 'retired-beta') {
    fail(
      `model '${model}' belongs to the retired beta Realtime interface, which OpenAI shut down on 2026-05-07. ` +
        `Use '${DEFAULT_OPENAI_REALTIME_MODEL}' (or '${OPENAI_REALTIME_MINI_MODEL}').`,
    );
  }
  const voice = config.voice ?? DEFAULT_OPENAI_REALTIME_VOICE;
  if (!isBuiltInVoice(voice) && !isCustomVoiceId(voice)) {
    fail(`voice '${voice}' is not a built-in voice (${OPENAI_REALTIME_VOICES.join(', ')}) nor a custom voice id 'voice_…'.`);
  }
  const apiKey = resolveApiKey(config, { provider: OPENAI_REALTIME_PROVIDER, envVar: 'OPENAI_API_KEY', env });
  // A key pasted with a trailing newline is the usual case: `ws` would refuse the header at connect time.
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(apiKey)) fail('the API key contains spaces, line breaks or control characters; trim it (extra.api_key or OPENAI_API_KEY).');
  const reader = new ExtraReader(extra, fail);
  const baseUrl = reader.string('base_url') ?? openAIRealtimeDefaults.base_url;
  const url = realtimeUrl(baseUrl, model, fail);
  const tools = config.tools ?? [];
  const toolChoice = reader.string('tool_choice') ?? openAIRealtimeDefaults.tool_choice;
  if (!['auto', 'none', 'required'].includes(toolChoice) && !tools.some((t) => t.name === toolChoice)) {
    fail(`extra.tool_choice must be 'auto', 'none', 'required' or the name of a configured tool, got '${toolChoice}'.`);
  }
  const audioFormat = reader.oneOf('audio_format', ['pcm16', 'g711_ulaw', 'g711_alaw'] as const);
  const transcriptionModel = reader.string('input_transcription_model') ?? openAIRealtimeDefaults.input_transcription_model;
  const language = reader.string('input_transcription_language');
  const prompt = reader.string('input_transcription_prompt');
  const socketFactory = extra.socket_factory;
  if (socketFactory !== undefined && typeof socketFactory !== 'function') fail('extra.socket_factory must be a function.');
  const maxOutputTokens =
    extra.max_output_tokens === undefined || extra.max_output_tokens === 'inf' ? 'inf' : reader.number('max_output_tokens', 1, 4096, true);
  const host = safeHost(url);
  return {
    apiKey,
    url,
    azure: reader.boolean('azure') ?? /\.azure\.com$/i.test(host),
    model,
    deprecatedModel: status === 'deprecated',
    temperatureIgnored: config.temperature !== undefined,
    voice,
    ...(config.instructions === undefined ? {} : { instructions: config.instructions }),
    tools,
    turnDetection: reader.oneOf('turn_detection', ['server_vad', 'semantic_vad', 'none'] as const),
    vadThreshold: reader.number('vad_threshold', 0, 1),
    vadPrefixPaddingMs: reader.number('vad_prefix_padding_ms', 0, 10_000, true),
    vadSilenceDurationMs: reader.number('vad_silence_duration_ms', 0, 10_000, true),
    vadEagerness: reader.oneOf('vad_eagerness', ['low', 'medium', 'high', 'auto'] as const),
    interruptResponse: reader.boolean('interrupt_response') ?? openAIRealtimeDefaults.interrupt_response,
    audioFormat,
    sampleRate: audioFormat === 'pcm16' ? 24000 : 8000,
    ...(transcriptionModel === 'none'
      ? {}
      : {
          transcription: {
            model: transcriptionModel,
            ...(language === undefined ? {} : { language }),
            ...(prompt === undefined ? {} : { prompt }),
          },
        }),
    noiseReduction: reader.oneOf('noise_reduction', ['near_field', 'far_field', 'none'] as const),
    toolChoice,
    outputModality: reader.oneOf('output_modalities', ['audio', 'text'] as const),
    maxOutputTokens,
    speed: reader.number('speed', 0.25, 1.5),
    maxSessionMs: reader.number('max_session_ms', 1, OPENAI_MAX_SESSION_MS, true),
    reconnectAttempts: reader.number('reconnect_attempts', 0, 100, true),
    reconnectBackoffMs: reader.number('reconnect_backoff_ms', 0, 60_000, true),
    reconnectBackoffMaxMs: reader.number('reconnect_backoff_max_ms', 0, 300_000, true),
    connectTimeoutMs: reader.number('connect_timeout_ms', 1, 300_000, true),
    keepalive: {
      intervalMs: reader.number('keepalive_interval_ms', 0, 300_000, true),
      timeoutMs: reader.number('keepalive_timeout_ms', 1, 300_000, true),
    },
    backlogMs: reader.number('backlog_ms', 0, 600_000, true),
    preRollMs: reader.number('pre_roll_ms', 0, 10_000, true),
    manualBufferMaxMs: reader.number('manual_buffer_max_ms', 1000, 3_600_000, true),
    historyMaxItems: reader.number('history_max_items', 0, 10_000, true),
    ...optional('safetyIdentifier', reader.string('safety_identifier')),
    ...optional('socketFactory', socketFactory as WebSocketFactory | undefined),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Builds `…/realtime?model=…` from a base URL, accepting http(s) and ws(s). */
function realtimeUrl(baseUrl: string, model: string, fail: (message: string) => never): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return fail(`extra.base_url '${baseUrl}' is not a URL.`);
  }
  const schemes: Record<string, string> = { 'https:': 'wss:', 'http:': 'ws:', 'wss:': 'wss:', 'ws:': 'ws:' };
  const scheme = schemes[url.protocol];
  if (scheme === undefined) fail(`extra.base_url must use wss, ws, https or http, got '${url.protocol}'.`);
  url.protocol = scheme;
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/realtime') ? path : `${path}/realtime`;
  url.searchParams.set('model', model);
  return url.toString();
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

type Defaults = typeof openAIRealtimeDefaults;

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

  boolean(key: string): boolean | undefined {
    const value = this.#extra[key];
    if (value !== undefined && typeof value !== 'boolean') this.#fail(`extra.${key} must be true or false.`);
    return value as boolean | undefined;
  }

  number<K extends keyof Defaults>(key: K, min: number, max: number, integer = false): number {
    const value = this.#extra[key] ?? openAIRealtimeDefaults[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      this.#fail(`extra.${key} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(value)}.`);
    }
    return value as number;
  }

  oneOf<K extends keyof Defaults, V extends string>(key: K, values: readonly V[]): V {
    const value = this.#extra[key] ?? openAIRealtimeDefaults[key];
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      this.#fail(`extra.${key} must be one of ${values.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(value)}.`);
    }
    return value as V;
  }
}
