/**
 * PCM16 samples <-> the base64 audio of the wire, for the session's format (protocol note §4): little-endian PCM16
 * at 24 kHz, or G.711 μ-law / A-law at 8 kHz. Callers always see Int16Array PCM.
 *
 * @packageDocumentation
 */
import { decodeG711, encodeG711, type G711Law } from './g711';
import type { OpenAIAudioFormat } from './config';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes user audio for `input_audio_buffer.append` and decodes `response.output_audio.delta`. */
export class AudioCodec {
  /** Wire format. */
  readonly format: OpenAIAudioFormat;
  /** Samples per second, 24000 for PCM16 and 8000 for G.711. */
  readonly sampleRate: number;
  /** Bytes per millisecond on the wire (48 or 8), for duration math. */
  readonly bytesPerMs: number;
  readonly #law: G711Law | undefined;
  /** Reused encode scratch: one allocation per size increase, not per frame. */
  #scratch = new Uint8Array(0);
  /** A trailing odd byte of a PCM16 delta, completed by the next delta. */
  #pendingByte = -1;

  constructor(format: OpenAIAudioFormat) {
    this.format = format;
    this.#law = format === 'g711_ulaw' ? 'mulaw' : format === 'g711_alaw' ? 'alaw' : undefined;
    this.sampleRate = this.#law === undefined ? 24000 : 8000;
    this.bytesPerMs = this.#law === undefined ? 48 : 8;
  }

  /** PCM16 samples -> base64 wire audio. */
  encode(samples: Int16Array): string {
    if (this.#law !== undefined) {
      if (this.#scratch.length < samples.length) this.#scratch = new Uint8Array(samples.length);
      encodeG711(this.#law, samples, this.#scratch);
      return Buffer.from(this.#scratch.buffer, 0, samples.length).toString('base64');
    }
    if (LITTLE_ENDIAN) return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
    const bytes = Buffer.alloc(samples.byteLength);
    for (let i = 0; i < samples.length; i++) bytes.writeInt16LE(samples[i], i * 2);
    return bytes.toString('base64');
  }

  /** Base64 wire audio -> PCM16 samples (a fresh array the caller may keep). */
  decode(base64: string): Int16Array {
    const bytes = Buffer.from(base64, 'base64');
    if (this.#law !== undefined) return decodeG711(this.#law, bytes);
    const carry = this.#pendingByte >= 0 ? 1 : 0;
    const total = bytes.length + carry;
    const samples = new Int16Array(total >> 1);
    const view = new Uint8Array(samples.buffer);
    const used = samples.length * 2;
    if (carry === 1 && used > 0) {
      view[0] = this.#pendingByte;
      view.set(bytes.subarray(0, used - 1), 1);
    } else if (carry === 0) {
      view.set(bytes.subarray(0, used), 0);
    }
    if ((total & 1) === 1) this.#pendingByte = bytes.length > 0 ? bytes[bytes.length - 1] : this.#pendingByte;
    else this.#pendingByte = -1;
    if (!LITTLE_ENDIAN) swapBytes(view);
    return samples;
  }

  /** Duration in ms of `byteLength` wire bytes. */
  durationMs(byteLength: number): number {
    return byteLength / this.bytesPerMs;
  }

  /** Forgets a pending odd byte (a new response starts). */
  reset(): void {
    this.#pendingByte = -1;
  }
}

function swapBytes(view: Uint8Array): void {
  for (let i = 0; i + 1 < view.length; i += 2) {
    const low = view[i];
    view[i] = view[i + 1];
    view[i + 1] = low;
  }
}

/** Base64 length of `n` bytes, to compute wire durations without decoding. */
export function base64ByteLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length * 3) / 4 - padding;
}
