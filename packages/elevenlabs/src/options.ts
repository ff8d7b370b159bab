/**
 * Options of the ElevenLabs TTS service, their defaults, and the `multi-stream-input` URL they make.
 *
 * @packageDocumentation
 */
import type { ClientOptions } from 'ws';
import { ElevenLabsTtsError } from './errors';

/** Output rates ElevenLabs offers as raw PCM16 (`output_format=pcm_<rate>`). */
export type ElevenLabsPcmRate = 16_000 | 22_050 | 24_000 | 44_100 | 48_000;

/** Voice settings sent when a context opens (`voice_settings`). */
export interface ElevenLabsVoiceSettings {
  readonly stability?: number;
  readonly similarityBoost?: number;
  readonly style?: number;
  readonly useSpeakerBoost?: boolean;
  readonly speed?: number;
}

/** Options of {@link createElevenLabsTts}. */
export interface ElevenLabsTtsOptions {
  /** API key, sent as the `xi-api-key` handshake header. @defaultValue `process.env.ELEVENLABS_API_KEY` */
  readonly apiKey?: string;
  /** Service origin (`ws:`/`wss:`); the emulator's `url` in tests. @defaultValue `'wss://api.elevenlabs.io'` */
  readonly baseUrl?: string;
  /** Voice id (overridable per call with `voice`). @defaultValue `'21m00Tcm4TlvDq8ikWAM'` (a stock voice) */
  readonly voiceId?: string;
  /** Model. @defaultValue `'eleven_flash_v2_5'` (the lowest-latency model) */
  readonly modelId?: string;
  /** PCM16 output rate. @defaultValue `24000` */
  readonly sampleRate?: ElevenLabsPcmRate;
  /** Language code (ISO 639-1) for models that take one. @defaultValue none */
  readonly languageCode?: string;
  /** Voice settings for every context. @defaultValue the voice's own */
  readonly voiceSettings?: ElevenLabsVoiceSettings;
  /** `generation_config.chunk_length_schedule` (characters buffered before generating). @defaultValue the service's */
  readonly chunkLengthSchedule?: readonly number[];
  /**
   * Send each text with `flush: true`. The processor sends whole sentences; flushing each one starts its audio at
   * once instead of waiting for the chunk length schedule to fill (ElevenLabs' guide recommends a flush at sentence
   * ends). @defaultValue `true`
   */
  readonly flushEachText?: boolean;
  /** Seconds a context may wait for text before the service closes it (`inactivity_timeout`, at most 180). @defaultValue `180` */
  readonly inactivityTimeoutS?: number;
  /** Time allowed for the handshake. @defaultValue `10000` */
  readonly connectTimeoutMs?: number;
  /** Time allowed for the service to close after `close_socket`. @defaultValue `2000` */
  readonly closeTimeoutMs?: number;
  /** Options for the `ws` client (`ca`, `agent`). permessage-deflate is off. */
  readonly ws?: ClientOptions;
}

/** Defaults of {@link ElevenLabsTtsOptions}. */
export const elevenLabsTtsDefaults = {
  baseUrl: 'wss://api.elevenlabs.io',
  voiceId: '21m00Tcm4TlvDq8ikWAM',
  modelId: 'eleven_flash_v2_5',
  sampleRate: 24_000,
  flushEachText: true,
  inactivityTimeoutS: 180,
  connectTimeoutMs: 10_000,
  closeTimeoutMs: 2000,
} as const satisfies ElevenLabsTtsOptions;

/** Options with defaults applied and the key resolved. */
export type ResolvedElevenLabsTtsOptions = Required<Omit<ElevenLabsTtsOptions, 'apiKey' | 'languageCode' | 'voiceSettings' | 'chunkLengthSchedule' | 'ws'>> &
  Pick<ElevenLabsTtsOptions, 'languageCode' | 'voiceSettings' | 'chunkLengthSchedule' | 'ws'> & { readonly apiKey: string };

const RATES: ReadonlySet<number> = new Set([16_000, 22_050, 24_000, 44_100, 48_000]);

/** Applies defaults and checks the options; throws an {@link ElevenLabsTtsError} on a mistake. */
export function resolveElevenLabsOptions(options: ElevenLabsTtsOptions): ResolvedElevenLabsTtsOptions {
  const apiKey = options.apiKey ?? process.env.ELEVENLABS_API_KEY;
  if (!apiKey) {
    throw new ElevenLabsTtsError('missing_api_key', 'no API key. Set ELEVENLABS_API_KEY in the environment or pass apiKey.', { recoverable: false });
  }
  const merged = { ...elevenLabsTtsDefaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedElevenLabsTtsOptions;
  if (!RATES.has(merged.sampleRate)) {
    throw new ElevenLabsTtsError('invalid_config', `sampleRate must be one of ${[...RATES].join(', ')} (PCM output formats), got ${merged.sampleRate}.`, {
      recoverable: false,
    });
  }
  if (!(merged.inactivityTimeoutS > 0 && merged.inactivityTimeoutS <= 180)) {
    throw new ElevenLabsTtsError('invalid_config', `inactivityTimeoutS must be in (0, 180], got ${merged.inactivityTimeoutS}.`, { recoverable: false });
  }
  if (!/^wss?:\/\//.test(merged.baseUrl)) {
    throw new ElevenLabsTtsError('invalid_config', `baseUrl must start with ws:// or wss://, got '${merged.baseUrl}'.`, { recoverable: false });
  }
  return { ...merged, apiKey };
}

/** The multi-context URL for a voice. `sync_alignment` makes alignment arrive with the audio it describes. */
export function multiStreamUrl(options: ResolvedElevenLabsTtsOptions, voiceId: string): string {
  const query = new URLSearchParams({
    model_id: options.modelId,
    output_format: `pcm_${options.sampleRate}`,
    inactivity_timeout: String(options.inactivityTimeoutS),
    sync_alignment: 'true',
  });
  if (options.languageCode) query.set('language_code', options.languageCode);
  return `${options.baseUrl.replace(/\/+$/, '')}/v1/text-to-speech/${encodeURIComponent(voiceId)}/multi-stream-input?${query.toString()}`;
}
