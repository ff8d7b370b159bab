/**
 * Byte-stream conversion between any two {@link AudioFormat}s: decode -> down-mix -> resample -> up-mix -> encode,
 * with state carried across chunks (filter history, and a PCM16 sample or frame split across two messages).
 *
 * @packageDocumentation
 */
import { decodeAlawInto, decodeMulawInto, encodeAlawInto, encodeMulawInto } from './g711';
import { checkAudioFormat, sameAudioFormat, type AudioEncoding, type AudioFormat } from './formats';
import { Pcm16ByteAligner, pcm16ToBytes } from './pcm16';
import { PcmStreamConverter } from './pcm-stream-converter';
import type { ResamplerQuality } from './polyphase-filter';
import { allocInt16, allocUint8 } from './sample-slab';

/** Options of {@link createFormatConverter}. */
export interface FormatConverterOptions {
  /**
   * Resampler quality, when the rates differ.
   * @defaultValue `'default'`
   */
  readonly quality?: ResamplerQuality;
}

/** Defaults of {@link FormatConverterOptions}. */
export const formatConverterDefaults = {
  quality: 'default',
} as const satisfies FormatConverterOptions;

/** A stateful converter for one audio stream. */
export interface FormatConverter {
  readonly from: AudioFormat;
  readonly to: AudioFormat;
  /** Delay added by resampling, ms (0 when the rates are equal). */
  readonly delayMs: number;
  /**
   * Converts the next chunk of bytes in `from` format to bytes in `to` format (a fresh array). A PCM16 chunk may end
   * mid-sample or mid-frame: the leftover bytes are carried to the next call, never dropped.
   */
  convert(bytes: Uint8Array): Uint8Array;
  /** Converts samples already decoded to PCM16 (interleaved, in `from`'s rate and channels) to `to`'s bytes. */
  convertSamples(samples: Int16Array): Uint8Array;
  /**
   * Converts bytes in `from` format to PCM16 samples in `to`'s rate and channels (no encoding step): for code that
   * wants samples, e.g. to build audio frames.
   */
  decode(bytes: Uint8Array): Int16Array;
  /** Ends the stream: the resampler tail in `to` format. Carried partial bytes (less than a frame) are dropped. */
  flush(): Uint8Array;
  /** Forgets the stream's state. */
  reset(): void;
}

/**
 * Creates a converter between two formats, e.g. Twilio's mu-law 8 kHz to Gemini's PCM16 16 kHz.
 *
 * @example
 * ```ts
 * const toGemini = createFormatConverter(audioFormats.twilio, audioFormats.geminiInput);
 * const pcm = toGemini.convert(mulawPayload); // 160 bytes in -> 640 bytes out
 * ```
 * @throws {@link AudioConfigError} for an invalid format or an unsupported channel mapping.
 */
export function createFormatConverter(from: AudioFormat, to: AudioFormat, options: FormatConverterOptions = {}): FormatConverter {
  checkAudioFormat(from, 'from format');
  checkAudioFormat(to, 'to format');
  return new StreamFormatConverter({ ...from }, { ...to }, options.quality ?? formatConverterDefaults.quality);
}

class StreamFormatConverter implements FormatConverter {
  readonly from: AudioFormat;
  readonly to: AudioFormat;
  readonly delayMs: number;
  readonly #pcm: PcmStreamConverter;
  readonly #aligner: Pcm16ByteAligner | undefined;
  readonly #passThrough: boolean;
  /** For a G.711 input split mid-frame (multichannel): bytes waiting for the rest of their frame. */
  #g711Carry = new Uint8Array(0);

  constructor(from: AudioFormat, to: AudioFormat, quality: ResamplerQuality) {
    this.from = from;
    this.to = to;
    this.#pcm = new PcmStreamConverter(from, to, quality);
    this.delayMs = this.#pcm.delayMs;
    this.#aligner = from.encoding === 'pcm16' ? new Pcm16ByteAligner({ channels: from.channels }) : undefined;
    this.#passThrough = sameAudioFormat(from, to);
  }

  convert(bytes: Uint8Array): Uint8Array {
    // Same format: bytes are copied through (still frame-aligned, so a split sample is never forwarded alone).
    if (this.#passThrough && this.#aligner === undefined && this.from.channels === 1) return bytes.slice();
    return this.convertSamples(this.#decodeInput(bytes));
  }

  convertSamples(samples: Int16Array): Uint8Array {
    return encode(this.#pcm.process(samples), this.to.encoding);
  }

  decode(bytes: Uint8Array): Int16Array {
    // Decoded input is always a fresh array, so even an identity conversion hands out memory the caller owns.
    return this.#pcm.process(this.#decodeInput(bytes));
  }

  flush(): Uint8Array {
    const tail = encode(this.#pcm.flush(), this.to.encoding);
    this.reset();
    return tail;
  }

  reset(): void {
    this.#pcm.reset();
    this.#aligner?.reset();
    this.#g711Carry = new Uint8Array(0);
  }

  #decodeInput(bytes: Uint8Array): Int16Array {
    if (this.#aligner !== undefined) return this.#aligner.push(bytes);
    let input = bytes;
    const channels = this.from.channels;
    if (channels > 1) {
      // Keep whole frames only; carry the rest.
      if (this.#g711Carry.length > 0) {
        const joined = new Uint8Array(this.#g711Carry.length + bytes.length);
        joined.set(this.#g711Carry, 0);
        joined.set(bytes, this.#g711Carry.length);
        input = joined;
      }
      const whole = input.length - (input.length % channels);
      this.#g711Carry = input.slice(whole);
      input = input.subarray(0, whole);
    }
    const samples = allocInt16(input.length);
    if (this.from.encoding === 'mulaw') decodeMulawInto(input, samples);
    else decodeAlawInto(input, samples);
    return samples;
  }
}

function encode(samples: Int16Array, encoding: AudioEncoding): Uint8Array {
  if (encoding === 'pcm16') return pcm16ToBytes(samples);
  const out = allocUint8(samples.length);
  if (encoding === 'mulaw') encodeMulawInto(samples, out);
  else encodeAlawInto(samples, out);
  return out;
}
