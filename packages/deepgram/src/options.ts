/**
 * Options of the Deepgram STT service, their defaults, and the `/v1/listen` URL they make.
 *
 * @packageDocumentation
 */
import type { ClientOptions } from 'ws';
import { DeepgramError } from './errors';

/** Options of {@link createDeepgramStt}. */
export interface DeepgramSttOptions {
  /** API key, sent as `Authorization: Token <key>`. @defaultValue `process.env.DEEPGRAM_API_KEY` */
  readonly apiKey?: string;
  /** A temporary access token instead of a key, sent as `Authorization: Bearer <token>`. @defaultValue none */
  readonly accessToken?: string;
  /** Service origin (`ws:`/`wss:`); the emulator's `url` in tests. @defaultValue `'wss://api.deepgram.com'` */
  readonly baseUrl?: string;
  /** Model. @defaultValue `'nova-3'` */
  readonly model?: string;
  /** Language (BCP-47), or `'multi'` for code-switching. @defaultValue `'en'` */
  readonly language?: string;
  /** Rate of the PCM16 audio sent; the processor resamples to it. @defaultValue `16000` */
  readonly sampleRate?: number;
  /** Interim (partial) results while the user speaks. @defaultValue `true` */
  readonly interimResults?: boolean;
  /**
   * Deepgram's own endpointing: silence (ms) after which it marks a result `speech_final`; `false` turns it off and
   * leaves turn ends to the local VAD, which calls `finalize()`. @defaultValue `300`
   */
  readonly endpointingMs?: number | false;
  /** Send `UtteranceEnd` after this much silence between words (needs interim results, at least 1000). @defaultValue `false` */
  readonly utteranceEndMs?: number | false;
  /** `SpeechStarted` events from Deepgram's VAD. @defaultValue `true` */
  readonly vadEvents?: boolean;
  /** Punctuation and capitalization. @defaultValue `true` */
  readonly punctuate?: boolean;
  /** Smart formatting (numbers, dates, ...). @defaultValue `true` */
  readonly smartFormat?: boolean;
  /** Key terms to boost (nova-3). @defaultValue none */
  readonly keyterms?: readonly string[];
  /** Further query parameters, passed as they are (e.g. `{ diarize: 'true' }`). @defaultValue none */
  readonly query?: Readonly<Record<string, string>>;
  /** Send `KeepAlive` when no audio was sent for this long; Deepgram closes idle streams after 10 s. @defaultValue `4000` */
  readonly keepAliveIntervalMs?: number;
  /** Reconnect attempts after the stream drops (`0` disables reconnecting). @defaultValue `3` */
  readonly maxReconnectAttempts?: number;
  /** Delay before the first reconnect attempt; doubles per attempt. @defaultValue `250` */
  readonly reconnectBackoffMs?: number;
  /**
   * Audio kept since the last final result, replayed to the new connection after a drop so no speech is lost.
   * Longer outages drop the oldest audio and report it. @defaultValue `30000`
   */
  readonly replayBufferMs?: number;
  /** Time allowed for the handshake. @defaultValue `10000` */
  readonly connectTimeoutMs?: number;
  /**
   * Deepgram answers `Finalize` with a `from_finalize` result only when it has audio buffered; after this long
   * without one the session emits an empty final with `fromFinalize` so the turn never waits forever. @defaultValue `2000`
   */
  readonly finalizeTimeoutMs?: number;
  /** Time allowed for `CloseStream` to be answered before the socket is dropped. @defaultValue `2000` */
  readonly closeTimeoutMs?: number;
  /** Options for the `ws` client (`ca` for a test certificate, `agent` for a proxy). permessage-deflate is off. */
  readonly ws?: ClientOptions;
}

/** Defaults of {@link DeepgramSttOptions}. */
export const deepgramSttDefaults = {
  baseUrl: 'wss://api.deepgram.com',
  model: 'nova-3',
  language: 'en',
  sampleRate: 16_000,
  interimResults: true,
  endpointingMs: 300,
  utteranceEndMs: false,
  vadEvents: true,
  punctuate: true,
  smartFormat: true,
  keepAliveIntervalMs: 4000,
  maxReconnectAttempts: 3,
  reconnectBackoffMs: 250,
  replayBufferMs: 30_000,
  connectTimeoutMs: 10_000,
  finalizeTimeoutMs: 2000,
  closeTimeoutMs: 2000,
} as const satisfies DeepgramSttOptions;

/** Options with every default applied. */
export type ResolvedDeepgramSttOptions = Required<Omit<DeepgramSttOptions, 'apiKey' | 'accessToken' | 'keyterms' | 'query' | 'ws'>> &
  Pick<DeepgramSttOptions, 'keyterms' | 'query' | 'ws'> & { readonly authorization: string };

/** Applies defaults and checks the options; throws a {@link DeepgramError} (`invalid_config`) on a mistake. */
export function resolveDeepgramOptions(options: DeepgramSttOptions): ResolvedDeepgramSttOptions {
  const apiKey = options.apiKey ?? process.env.DEEPGRAM_API_KEY;
  if (options.accessToken === undefined && !apiKey) {
    throw new DeepgramError('missing_api_key', 'no API key. Set DEEPGRAM_API_KEY in the environment or pass apiKey (or accessToken).', {
      recoverable: false,
    });
  }
  const merged = { ...deepgramSttDefaults, ...stripUndefined(options) };
  const positive = (name: string, value: number): void => {
    if (!Number.isFinite(value) || value <= 0) {
      throw new DeepgramError('invalid_config', `${name} must be a positive number, got ${value}.`, { recoverable: false });
    }
  };
  positive('sampleRate', merged.sampleRate);
  positive('keepAliveIntervalMs', merged.keepAliveIntervalMs);
  positive('replayBufferMs', merged.replayBufferMs);
  if (merged.utteranceEndMs !== false && merged.utteranceEndMs < 1000) {
    throw new DeepgramError('invalid_config', `utteranceEndMs must be at least 1000 (Deepgram's minimum), got ${merged.utteranceEndMs}.`, {
      recoverable: false,
    });
  }
  if (!/^wss?:\/\//.test(merged.baseUrl)) {
    throw new DeepgramError('invalid_config', `baseUrl must start with ws:// or wss://, got '${merged.baseUrl}'.`, { recoverable: false });
  }
  const authorization = options.accessToken !== undefined ? `Bearer ${options.accessToken}` : `Token ${apiKey}`;
  return { ...merged, authorization };
}

/** The `/v1/listen` URL for the options: raw PCM16 mono (`encoding=linear16`) at `sampleRate`. */
export function listenUrl(options: ResolvedDeepgramSttOptions): string {
  const query = new URLSearchParams({
    model: options.model,
    language: options.language,
    encoding: 'linear16',
    sample_rate: String(options.sampleRate),
    channels: '1',
    interim_results: String(options.interimResults),
    endpointing: options.endpointingMs === false ? 'false' : String(options.endpointingMs),
    vad_events: String(options.vadEvents),
    punctuate: String(options.punctuate),
    smart_format: String(options.smartFormat),
  });
  if (options.utteranceEndMs !== false) query.set('utterance_end_ms', String(options.utteranceEndMs));
  for (const term of options.keyterms ?? []) query.append('keyterm', term);
  for (const [key, value] of Object.entries(options.query ?? {})) query.set(key, value);
  return `${options.baseUrl.replace(/\/+$/, '')}/v1/listen?${query.toString()}`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
