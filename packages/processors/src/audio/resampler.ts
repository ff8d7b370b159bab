/**
 * Streaming resampling: the public API. {@link createResampler} gives a stateful resampler for one stream (a
 * polyphase windowed-sinc filter bank, see `polyphase-resampler.ts` for how it is made fast and
 * `polyphase-filter.ts` for the filter), {@link resample} converts a whole buffer.
 *
 * @packageDocumentation
 */
import { AudioConfigError } from './errors';
import { checkResampleRates, designPolyphaseFilter, type ResamplerQuality } from './polyphase-filter';
import { checkRoom, checkSamples, PolyphaseResampler } from './polyphase-resampler';
import { allocInt16 } from './sample-slab';

/** Options of {@link createResampler}. */
export interface ResamplerOptions {
  /** Rate of the input, Hz (integer). */
  readonly fromRate: number;
  /** Rate of the output, Hz (integer). */
  readonly toRate: number;
  /**
   * Filter preset; see `resamplerQualitySpecs`.
   * @defaultValue `'default'`
   */
  readonly quality?: ResamplerQuality;
}

/** Defaults of {@link ResamplerOptions}. */
export const resamplerDefaults = {
  quality: 'default',
} as const satisfies Omit<ResamplerOptions, 'fromRate' | 'toRate'>;

/**
 * A stateful resampler for one mono PCM16 stream.
 *
 * Output timing: after a total of `n` input samples, exactly `floor(n * toRate / fromRate)` samples have come out,
 * so 20 ms in is 20 ms out (rounded down to a sample, the remainder carried). The output lags the input by the
 * filter's group delay, {@link delaySamples} output samples; {@link flush} releases that tail at the end.
 */
export interface StreamResampler {
  readonly fromRate: number;
  readonly toRate: number;
  readonly quality: ResamplerQuality;
  /** Group delay in output samples (an integer). 0 for an identity resampler. */
  readonly delaySamples: number;
  /** Group delay in milliseconds (`delaySamples / toRate * 1000`). */
  readonly delayMs: number;
  /**
   * Resamples the next chunk of the stream. Returns a fresh array the caller owns: safe to keep and queue in
   * frames, never overwritten. It is carved from a shared slab (see `allocInt16`), which costs ~60 ns instead of
   * the ~1 us of a new typed array, so the convenience is nearly free. {@link processInto} writes into a buffer of
   * yours instead.
   */
  process(chunk: Int16Array): Int16Array;
  /**
   * Like {@link process}, writing into `out` (which must hold at least `outputLength(chunk.length)` samples).
   * Returns the number of samples written.
   */
  processInto(chunk: Int16Array, out: Int16Array): number;
  /** How many samples the next {@link process} call will return for a chunk of `inputLength` samples. */
  outputLength(inputLength: number): number;
  /**
   * Ends the stream: returns the tail still inside the filter (the delay, plus the last fractional sample rounded),
   * then resets. Everything emitted since the start or the last reset, with the first `delaySamples` dropped,
   * equals `resample()` of the whole input: `round(n * toRate / fromRate)` samples, time-aligned.
   */
  flush(): Int16Array;
  /** Forgets the stream (history, phase, counters), e.g. after an interruption. */
  reset(): void;
}

/**
 * Creates a streaming resampler.
 *
 * @example
 * ```ts
 * const up = createResampler({ fromRate: 16000, toRate: 24000 });
 * const out = up.process(chunk320); // exactly 480 samples for every 320 in
 * ```
 * @throws {@link AudioConfigError} for a non-integer, non-positive or out-of-range rate, an unknown quality, or a
 *   ratio that needs more than 4096 filter phases.
 */
export function createResampler(options: ResamplerOptions): StreamResampler {
  const quality = options.quality ?? resamplerDefaults.quality;
  if (quality !== 'default' && quality !== 'hq') {
    throw new AudioConfigError(`Unknown resampler quality '${String(quality)}'. Use 'default' or 'hq'.`);
  }
  checkResampleRates(options.fromRate, options.toRate);
  if (options.fromRate === options.toRate) return new IdentityResampler(options.fromRate, quality);
  return new PolyphaseResampler(designPolyphaseFilter(options.fromRate, options.toRate, quality), quality);
}

/**
 * Resamples a whole buffer, delay-compensated: output sample `j` is the input at time `j / toRate`, and the output
 * holds `round(input.length * toRate / fromRate)` samples. Same filter as the streaming resampler.
 */
export function resample(input: Int16Array, fromRate: number, toRate: number, options: { readonly quality?: ResamplerQuality } = {}): Int16Array {
  const resampler = createResampler({ fromRate, toRate, ...(options.quality === undefined ? {} : { quality: options.quality }) });
  if (fromRate === toRate || input.length === 0) return input.slice();
  const head = resampler.process(input);
  const tail = resampler.flush();
  const delay = resampler.delaySamples;
  const out = new Int16Array(head.length + tail.length - delay);
  if (head.length > delay) {
    out.set(head.subarray(delay), 0);
    out.set(tail, head.length - delay);
  } else {
    out.set(tail.subarray(delay - head.length), 0);
  }
  return out;
}

class IdentityResampler implements StreamResampler {
  readonly fromRate: number;
  readonly toRate: number;
  readonly quality: ResamplerQuality;
  readonly delaySamples = 0;
  readonly delayMs = 0;

  constructor(rate: number, quality: ResamplerQuality) {
    this.fromRate = rate;
    this.toRate = rate;
    this.quality = quality;
  }

  process(chunk: Int16Array): Int16Array {
    checkSamples(chunk);
    const out = allocInt16(chunk.length);
    out.set(chunk);
    return out;
  }

  processInto(chunk: Int16Array, out: Int16Array): number {
    checkSamples(chunk);
    checkRoom(out, chunk.length);
    out.set(chunk);
    return chunk.length;
  }

  outputLength(inputLength: number): number {
    return inputLength;
  }

  flush(): Int16Array {
    return new Int16Array(0);
  }

  reset(): void {}
}

