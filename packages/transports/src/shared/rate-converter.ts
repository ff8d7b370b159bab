/**
 * Rate conversion for output transports: whatever rate `audio.output` arrives at, the wire gets its own rate.
 *
 * @packageDocumentation
 */
import { createResampler } from '@voxframe/processors';

/** A streaming PCM16 resampler for one rate pair (state carried between chunks). */
export interface StreamingResampler {
  /** Converts one chunk; the result may be a view over an internal buffer reused by the next call. */
  process(input: Int16Array): Int16Array;
}

/** Makes a streaming resampler for a rate pair. */
export type ResamplerFactory = (inputRate: number, outputRate: number) => StreamingResampler;

/** The default: the polyphase sinc resampler of `@voxframe/processors` (>= 75 dB stopband, exact output counts). */
export const defaultResamplerFactory: ResamplerFactory = (inputRate, outputRate) => createResampler({ fromRate: inputRate, toRate: outputRate });

/** Converts frames of any rate to a target rate, keeping one streaming resampler per source rate. */
export class OutputRateConverter {
  readonly #factory: ResamplerFactory;
  #resampler: StreamingResampler | undefined;
  #fromRate = 0;
  #toRate = 0;

  /** @param factory - makes the resampler for a rate pair. @defaultValue {@link defaultResamplerFactory} */
  constructor(factory: ResamplerFactory = defaultResamplerFactory) {
    this.#factory = factory;
  }

  /** Converts `samples` from `fromRate` to `toRate` (the same array when the rates match). */
  convert(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
    if (fromRate === toRate) return samples;
    if (this.#resampler === undefined || fromRate !== this.#fromRate || toRate !== this.#toRate) {
      this.#resampler = this.#factory(fromRate, toRate);
      this.#fromRate = fromRate;
      this.#toRate = toRate;
    }
    return this.#resampler.process(samples);
  }

  /** Drops resampler state (after a flush, the next audio is unrelated to the last). */
  reset(): void {
    this.#resampler = undefined;
  }
}
