/**
 * Provider settings of `gemini_live` (the keys of `config.extra`), their defaults, and validation into a
 * {@link ResolvedGeminiConfig} with errors that say what to fix.
 *
 * @packageDocumentation
 */
import { MissingApiKeyError, S2SConfigError, type S2SConfig, type ToolDefinition } from '@voxframe/core';
import type { SchedulerLike } from 'rxjs';
import { DEFAULT_GEMINI_LIVE_MODEL, RETIRED_GEMINI_LIVE_MODELS } from './models';
import { GEMINI_LIVE_PROVIDER } from './names';
import type { WebSocketFactory } from './socket';

/** Who ends the user's turn: the service's activity detection, or a local VAD through `commitUserTurn()`. */
export type GeminiTurnDetection = 'server_vad' | 'manual';

/**
 * Settings of the `gemini_live` provider, given in `config.extra` (snake_case, like `api_key`). Every field is
 * optional; defaults are in {@link geminiLiveDefaults}. Typed for `createS2S('gemini_live', …)` by declaration
 * merging, so a misspelt key fails to compile; it is also checked at run time.
 */
export interface GeminiLiveOptions {
  /** API key. @defaultValue `process.env.GEMINI_API_KEY`, then `process.env.GOOGLE_API_KEY` */
  readonly api_key?: string;
  /**
   * Service origin, the same value as `@google/genai`'s `httpOptions.baseUrl`: `http(s)://host[:port][/path]`;
   * `http:` becomes `ws:`, `https:` becomes `wss:`, and `/ws/google.ai.generativelanguage.{api_version}.GenerativeService.BidiGenerateContent`
   * is appended. @defaultValue `'https://generativelanguage.googleapis.com'`
   */
  readonly base_url?: string;
  /** API version in the endpoint path. @defaultValue `'v1beta'` */
  readonly api_version?: 'v1beta' | 'v1alpha' | 'v1';
  /** Speech language (BCP-47, `speechConfig.languageCode`). @defaultValue the model's choice */
  readonly language?: string;
  /** What the model answers with (one modality per session). @defaultValue `'audio'` */
  readonly response_modality?: 'audio' | 'text';
  /** Output token cap per turn. @defaultValue the service's */
  readonly max_output_tokens?: number;
  /** `'server_vad'`: the service detects turns; `'manual'`: `activityStart`/`activityEnd` from a local VAD. @defaultValue `'server_vad'` */
  readonly turn_detection?: GeminiTurnDetection;
  /** Server VAD start-of-speech sensitivity. @defaultValue the service's (`'high'`) */
  readonly vad_start_sensitivity?: 'high' | 'low';
  /** Server VAD end-of-speech sensitivity. @defaultValue the service's (`'high'`) */
  readonly vad_end_sensitivity?: 'high' | 'low';
  /** Server VAD: detected speech needed before start-of-speech commits, ms (not audio padding). @defaultValue the service's */
  readonly vad_prefix_padding_ms?: number;
  /** Server VAD: silence that ends the user's turn, ms. @defaultValue the service's */
  readonly vad_silence_duration_ms?: number;
  /** Whether the user's speech interrupts the model (`activityHandling`). @defaultValue `true` */
  readonly interrupt_on_speech?: boolean;
  /** Transcribe the user's speech (`inputAudioTranscription`). @defaultValue `true` */
  readonly input_transcription?: boolean;
  /** Transcribe the model's speech (`outputAudioTranscription`); needed for the conversation mirror. @defaultValue `true` */
  readonly output_transcription?: boolean;
  /** Ask for resumption handles and resume with them after a `goAway` or a dropped connection. @defaultValue `true` */
  readonly session_resumption?: boolean;
  /** Context-window compression (sliding window), which lifts the 15-minute session cap. @defaultValue `true` */
  readonly context_compression?: boolean;
  /** Tokens that trigger compression. @defaultValue the service's (80% of the context window) */
  readonly compression_trigger_tokens?: number;
  /** Tokens kept after compression. @defaultValue the service's (half the trigger) */
  readonly compression_target_tokens?: number;
  /** `behavior` of every function declaration. @defaultValue the model's (3.8: non-blocking; 3.1: blocking) */
  readonly tool_behavior?: 'blocking' | 'non_blocking';
  /** When the model voices a non-blocking result (`scheduling`). @defaultValue `'when_idle'` */
  readonly tool_scheduling?: 'when_idle' | 'silent' | 'interrupt';
  /**
   * After a `goAway`, the reconnect waits for a pause, but starts no later than this long before the connection
   * ends. @defaultValue `3000`
   */
  readonly go_away_margin_ms?: number;
  /**
   * Quiet time that makes a pause for a `goAway` reconnect, ms; also how long a `respond: false` tool result waits
   * for a possible `toolCallCancellation`. @defaultValue `300`
   */
  readonly pause_quiet_ms?: number;
  /** Reconnect attempts after an unexpected close (1011, a drop) before the session fails. @defaultValue `5` */
  readonly reconnect_attempts?: number;
  /** First reconnect delay, doubled per attempt. @defaultValue `250` */
  readonly reconnect_backoff_ms?: number;
  /** Longest reconnect delay. @defaultValue `5000` */
  readonly reconnect_backoff_max_ms?: number;
  /** Time allowed for the handshake and `setupComplete`. @defaultValue `10000` */
  readonly connect_timeout_ms?: number;
  /** User audio held while reconnecting (oldest dropped beyond, with a warning). @defaultValue `20000` */
  readonly backlog_ms?: number;
  /** Conversation entries mirrored locally to re-seed a fresh session. @defaultValue `100` */
  readonly history_max_items?: number;
  /** Clock and timers (rotation, backoff, timeouts); a virtual clock in tests. @defaultValue rxjs `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
  /** Opens sockets. @defaultValue `ws` with permessage-deflate off */
  readonly socket_factory?: WebSocketFactory;
}

/** Defaults of {@link GeminiLiveOptions}. */
export const geminiLiveDefaults = {
  base_url: 'https://generativelanguage.googleapis.com',
  api_version: 'v1beta',
  response_modality: 'audio',
  turn_detection: 'server_vad',
  interrupt_on_speech: true,
  input_transcription: true,
  output_transcription: true,
  session_resumption: true,
  context_compression: true,
  tool_scheduling: 'when_idle',
  go_away_margin_ms: 3000,
  pause_quiet_ms: 300,
  reconnect_attempts: 5,
  reconnect_backoff_ms: 250,
  reconnect_backoff_max_ms: 5000,
  connect_timeout_ms: 10_000,
  backlog_ms: 20_000,
  history_max_items: 100,
} as const satisfies GeminiLiveOptions;

/** A validated configuration, every setting filled in. */
export interface ResolvedGeminiConfig {
  readonly apiKey: string;
  /** Full `ws(s):` URL including `?key=`. Never log it. */
  readonly url: string;
  readonly model: string;
  readonly voice?: string;
  readonly language?: string;
  readonly instructions?: string;
  readonly tools: readonly ToolDefinition[];
  readonly temperature?: number;
  readonly responseModality: 'audio' | 'text';
  readonly maxOutputTokens?: number;
  readonly turnDetection: GeminiTurnDetection;
  readonly vadStartSensitivity?: 'high' | 'low';
  readonly vadEndSensitivity?: 'high' | 'low';
  readonly vadPrefixPaddingMs?: number;
  readonly vadSilenceDurationMs?: number;
  readonly interruptOnSpeech: boolean;
  readonly inputTranscription: boolean;
  readonly outputTranscription: boolean;
  readonly sessionResumption: boolean;
  readonly contextCompression: boolean;
  readonly compressionTriggerTokens?: number;
  readonly compressionTargetTokens?: number;
  readonly toolBehavior?: 'blocking' | 'non_blocking';
  readonly toolScheduling: 'when_idle' | 'silent' | 'interrupt';
  readonly goAwayMarginMs: number;
  readonly pauseQuietMs: number;
  readonly reconnectAttempts: number;
  readonly reconnectBackoffMs: number;
  readonly reconnectBackoffMaxMs: number;
  readonly connectTimeoutMs: number;
  readonly backlogMs: number;
  readonly historyMaxItems: number;
  readonly scheduler?: SchedulerLike;
  readonly socketFactory?: WebSocketFactory;
}

const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'api_key',
  'language',
  'max_output_tokens',
  'vad_start_sensitivity',
  'vad_end_sensitivity',
  'vad_prefix_padding_ms',
  'vad_silence_duration_ms',
  'compression_trigger_tokens',
  'compression_target_tokens',
  'tool_behavior',
  'scheduler',
  'socket_factory',
  ...Object.keys(geminiLiveDefaults),
]);

/**
 * Validates a config and fills in defaults.
 *
 * @throws `MissingApiKeyError` without a key; `S2SConfigError` naming the bad field.
 */
export function resolveGeminiConfig(config: S2SConfig, env: Readonly<Record<string, string | undefined>> = process.env): ResolvedGeminiConfig {
  const extra = (config.extra ?? {}) as Readonly<Record<string, unknown>>;
  const fail = (message: string): never => {
    throw new S2SConfigError(GEMINI_LIVE_PROVIDER, message);
  };
  for (const key of Object.keys(extra)) {
    if (!KNOWN_KEYS.has(key)) fail(`unknown setting extra.${key}. Known: ${[...KNOWN_KEYS].sort().join(', ')}.`);
  }
  const model = (config.model ?? DEFAULT_GEMINI_LIVE_MODEL).replace(/^models\//, '');
  if (model.trim() === '') fail('config.model must not be empty.');
  if (RETIRED_GEMINI_LIVE_MODELS.includes(model)) fail(`model '${model}' is retired. Use '${DEFAULT_GEMINI_LIVE_MODEL}'.`);
  const read = new ExtraReader(extra, fail);
  const apiKey = resolveKey(read.string('api_key'), env);
  const apiVersion = read.oneOf('api_version', ['v1beta', 'v1alpha', 'v1'] as const, geminiLiveDefaults.api_version);
  const baseUrl = read.string('base_url') ?? geminiLiveDefaults.base_url;
  const socketFactory = extra.socket_factory;
  if (socketFactory !== undefined && typeof socketFactory !== 'function') fail('extra.socket_factory must be a function.');
  const scheduler = extra.scheduler as SchedulerLike | undefined;
  if (scheduler !== undefined && (typeof scheduler !== 'object' || typeof scheduler.now !== 'function' || typeof scheduler.schedule !== 'function')) {
    fail('extra.scheduler must be an rxjs SchedulerLike (now() and schedule()).');
  }
  if (config.temperature !== undefined && (config.temperature < 0 || config.temperature > 2)) fail(`config.temperature must be within 0-2, got ${config.temperature}.`);
  const optional = <T>(key: string, value: T | undefined): Record<string, T> => (value === undefined ? {} : { [key]: value });
  return {
    apiKey,
    url: liveUrl(baseUrl, apiVersion, apiKey, fail),
    model,
    tools: config.tools ?? [],
    ...optional('voice', config.voice),
    ...optional('instructions', config.instructions),
    ...optional('temperature', config.temperature),
    ...optional('language', read.string('language')),
    ...optional('maxOutputTokens', read.optionalNumber('max_output_tokens', 1, 65_536)),
    ...optional('vadStartSensitivity', read.optionalOneOf('vad_start_sensitivity', ['high', 'low'] as const)),
    ...optional('vadEndSensitivity', read.optionalOneOf('vad_end_sensitivity', ['high', 'low'] as const)),
    ...optional('vadPrefixPaddingMs', read.optionalNumber('vad_prefix_padding_ms', 0, 10_000)),
    ...optional('vadSilenceDurationMs', read.optionalNumber('vad_silence_duration_ms', 0, 10_000)),
    ...optional('compressionTriggerTokens', read.optionalNumber('compression_trigger_tokens', 1, 10_000_000)),
    ...optional('compressionTargetTokens', read.optionalNumber('compression_target_tokens', 1, 10_000_000)),
    ...optional('toolBehavior', read.optionalOneOf('tool_behavior', ['blocking', 'non_blocking'] as const)),
    ...optional('scheduler', scheduler),
    ...optional('socketFactory', socketFactory as WebSocketFactory | undefined),
    responseModality: read.oneOf('response_modality', ['audio', 'text'] as const, geminiLiveDefaults.response_modality),
    turnDetection: read.oneOf('turn_detection', ['server_vad', 'manual'] as const, geminiLiveDefaults.turn_detection),
    interruptOnSpeech: read.boolean('interrupt_on_speech', geminiLiveDefaults.interrupt_on_speech),
    inputTranscription: read.boolean('input_transcription', geminiLiveDefaults.input_transcription),
    outputTranscription: read.boolean('output_transcription', geminiLiveDefaults.output_transcription),
    sessionResumption: read.boolean('session_resumption', geminiLiveDefaults.session_resumption),
    contextCompression: read.boolean('context_compression', geminiLiveDefaults.context_compression),
    toolScheduling: read.oneOf('tool_scheduling', ['when_idle', 'silent', 'interrupt'] as const, geminiLiveDefaults.tool_scheduling),
    goAwayMarginMs: read.number('go_away_margin_ms', 0, 60_000, geminiLiveDefaults.go_away_margin_ms),
    pauseQuietMs: read.number('pause_quiet_ms', 0, 60_000, geminiLiveDefaults.pause_quiet_ms),
    reconnectAttempts: read.number('reconnect_attempts', 0, 100, geminiLiveDefaults.reconnect_attempts),
    reconnectBackoffMs: read.number('reconnect_backoff_ms', 0, 60_000, geminiLiveDefaults.reconnect_backoff_ms),
    reconnectBackoffMaxMs: read.number('reconnect_backoff_max_ms', 0, 600_000, geminiLiveDefaults.reconnect_backoff_max_ms),
    connectTimeoutMs: read.number('connect_timeout_ms', 1, 600_000, geminiLiveDefaults.connect_timeout_ms),
    backlogMs: read.number('backlog_ms', 0, 600_000, geminiLiveDefaults.backlog_ms),
    historyMaxItems: read.number('history_max_items', 1, 100_000, geminiLiveDefaults.history_max_items),
  };
}

/** `extra.api_key`, else `GEMINI_API_KEY`, else `GOOGLE_API_KEY` (the order `@google/genai` documents). */
function resolveKey(fromConfig: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const key = [fromConfig, env.GEMINI_API_KEY, env.GOOGLE_API_KEY].find((k) => k !== undefined && k.trim() !== '');
  if (key === undefined) {
    throw new MissingApiKeyError(GEMINI_LIVE_PROVIDER, 'GEMINI_API_KEY (or GOOGLE_API_KEY)');
  }
  return key;
}

/** The Live endpoint for a base URL, derived the way `@google/genai` derives it (http -> ws, https -> wss). */
export function liveUrl(baseUrl: string, apiVersion: string, apiKey: string, fail: (message: string) => never): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    return fail(`extra.base_url '${baseUrl}' is not a URL; give an origin like 'https://generativelanguage.googleapis.com'.`);
  }
  const protocols: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
  const protocol = protocols[parsed.protocol];
  if (protocol === undefined) return fail(`extra.base_url must be http(s) (or ws(s)), got '${parsed.protocol}'.`);
  if (parsed.search !== '' || parsed.hash !== '') fail('extra.base_url must not carry a query or fragment.');
  const path = parsed.pathname.replace(/\/+$/, '');
  const method = apiKey.startsWith('auth_tokens/') ? 'BidiGenerateContentConstrained' : 'BidiGenerateContent';
  const keyName = method === 'BidiGenerateContent' ? 'key' : 'access_token';
  return `${protocol}//${parsed.host}${path}/ws/google.ai.generativelanguage.${apiVersion}.GenerativeService.${method}?${keyName}=${encodeURIComponent(apiKey)}`;
}

/** Typed reads of `extra` fields with messages that name the field. */
class ExtraReader {
  constructor(
    private readonly extra: Readonly<Record<string, unknown>>,
    private readonly fail: (message: string) => never,
  ) {}

  string(key: string): string | undefined {
    const value = this.extra[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') return this.fail(`extra.${key} must be a non-empty string.`);
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.extra[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') return this.fail(`extra.${key} must be true or false, got ${JSON.stringify(value)}.`);
    return value;
  }

  optionalNumber(key: string, min: number, max: number): number | undefined {
    const value = this.extra[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return this.fail(`extra.${key} must be an integer within ${min}-${max}, got ${JSON.stringify(value)}.`);
    }
    return value;
  }

  number(key: string, min: number, max: number, fallback: number): number {
    return this.optionalNumber(key, min, max) ?? fallback;
  }

  optionalOneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.extra[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      return this.fail(`extra.${key} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}.`);
    }
    return value as T;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    return this.optionalOneOf(key, allowed) ?? fallback;
  }
}
