/**
 * Audio formats as they travel on the wire, and named presets for the services voxframe talks to.
 *
 * @packageDocumentation
 */
import { AudioConfigError } from './errors';
import { resamplerRateLimits } from './polyphase-filter';

/** Sample encoding on the wire: little-endian signed 16-bit PCM, or 8-bit G.711 mu-law / A-law. */
export type AudioEncoding = 'pcm16' | 'mulaw' | 'alaw';

/** An audio format: encoding, rate and interleaved channel count. */
export interface AudioFormat {
  readonly encoding: AudioEncoding;
  /** Samples per second per channel, Hz. */
  readonly sampleRate: number;
  /** Interleaved channels. */
  readonly channels: number;
}

/**
 * Formats of the services voxframe bridges (see `docs/protocols`): what each side sends and expects.
 * - `twilio`, `telnyx`: G.711 mu-law 8 kHz mono (Twilio Media Streams; Telnyx's default PCMU codec).
 * - `telnyxAlaw`: Telnyx with `PCMA`.
 * - `openaiPcm16`: OpenAI Realtime `audio/pcm` (24 kHz only), both directions.
 * - `openaiPcmu`, `openaiPcma`: OpenAI Realtime `audio/pcmu` / `audio/pcma`, 8 kHz, for telephony pass-through.
 * - `geminiInput` / `geminiOutput`: Gemini Live, PCM16 16 kHz in (`audio/pcm;rate=16000`), 24 kHz out.
 * - `novaInput` / `novaOutput`: Nova Sonic LPCM, 16 kHz in, 24 kHz out (the defaults).
 */
export const audioFormats = {
  twilio: { encoding: 'mulaw', sampleRate: 8000, channels: 1 },
  telnyx: { encoding: 'mulaw', sampleRate: 8000, channels: 1 },
  telnyxAlaw: { encoding: 'alaw', sampleRate: 8000, channels: 1 },
  openaiPcm16: { encoding: 'pcm16', sampleRate: 24000, channels: 1 },
  openaiPcmu: { encoding: 'mulaw', sampleRate: 8000, channels: 1 },
  openaiPcma: { encoding: 'alaw', sampleRate: 8000, channels: 1 },
  geminiInput: { encoding: 'pcm16', sampleRate: 16000, channels: 1 },
  geminiOutput: { encoding: 'pcm16', sampleRate: 24000, channels: 1 },
  novaInput: { encoding: 'pcm16', sampleRate: 16000, channels: 1 },
  novaOutput: { encoding: 'pcm16', sampleRate: 24000, channels: 1 },
} as const satisfies Record<string, AudioFormat>;

/** Name of a preset in {@link audioFormats}. */
export type AudioFormatName = keyof typeof audioFormats;

/** Bytes per sample of one channel. */
export function bytesPerSample(encoding: AudioEncoding): number {
  return encoding === 'pcm16' ? 2 : 1;
}

/** Bytes per frame (one sample of every channel). */
export function bytesPerFrame(format: AudioFormat): number {
  return bytesPerSample(format.encoding) * format.channels;
}

/** Duration in ms of `byteLength` bytes of `format` (whole frames only). */
export function durationMsOfBytes(format: AudioFormat, byteLength: number): number {
  return (Math.floor(byteLength / bytesPerFrame(format)) / format.sampleRate) * 1000;
}

/** Bytes holding `durationMs` of `format`, rounded to whole frames. */
export function bytesForDuration(format: AudioFormat, durationMs: number): number {
  return Math.round((durationMs * format.sampleRate) / 1000) * bytesPerFrame(format);
}

/** Whether two formats are the same. */
export function sameAudioFormat(a: AudioFormat, b: AudioFormat): boolean {
  return a.encoding === b.encoding && a.sampleRate === b.sampleRate && a.channels === b.channels;
}

/** Most interleaved channels the converters handle. */
export const maxAudioChannels = 8;

/**
 * Checks a format and returns it. G.711 is defined at 8 kHz but carried at other rates by some services, so any
 * supported rate is accepted for every encoding.
 * @throws {@link AudioConfigError} naming the bad field and the accepted values.
 */
export function checkAudioFormat(format: AudioFormat, what = 'audio format'): AudioFormat {
  const encoding = format?.encoding;
  if (encoding !== 'pcm16' && encoding !== 'mulaw' && encoding !== 'alaw') {
    throw new AudioConfigError(`${what}: encoding must be 'pcm16', 'mulaw' or 'alaw', got ${String(encoding)}.`);
  }
  const rate = format.sampleRate;
  if (!Number.isInteger(rate) || rate < resamplerRateLimits.min || rate > resamplerRateLimits.max) {
    throw new AudioConfigError(
      `${what}: sampleRate must be an integer between ${resamplerRateLimits.min} and ${resamplerRateLimits.max} Hz, got ${String(rate)}.`,
    );
  }
  const channels = format.channels;
  if (!Number.isInteger(channels) || channels < 1 || channels > maxAudioChannels) {
    throw new AudioConfigError(`${what}: channels must be an integer from 1 to ${maxAudioChannels}, got ${String(channels)}.`);
  }
  return format;
}

/** A short description for logs and errors, e.g. `mulaw/8000/1`. */
export function describeAudioFormat(format: AudioFormat): string {
  return `${format.encoding}/${format.sampleRate}/${format.channels}`;
}
