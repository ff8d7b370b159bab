/**
 * Mixing two PCM16 streams with saturation (a sum that overflows int16 clips at the rails instead of wrapping to
 * the opposite sign, which would be a loud click).
 *
 * @packageDocumentation
 */
import { AudioConfigError } from './errors';
import { SampleRingBuffer } from './ring-buffer';
import { allocInt16 } from './sample-slab';

/** Gains of a mix, linear (1 = unchanged). */
export interface MixGains {
  /** @defaultValue 1 */
  readonly gainA?: number;
  /** @defaultValue 1 */
  readonly gainB?: number;
}

function checkGain(name: string, gain: number): void {
  if (!Number.isFinite(gain)) throw new AudioConfigError(`mix: ${name} must be a finite number, got ${String(gain)}.`);
}

/**
 * Mixes `a` and `b` into `dst`, sample by sample: `round(a * gainA + b * gainB)`, saturated to int16. The shorter
 * input counts as silence past its end. `dst` must hold `max(a.length, b.length)` samples; it may be `a` or `b`.
 * Returns the number of samples written.
 */
export function mixInto(a: Int16Array, b: Int16Array, dst: Int16Array, gains: MixGains = {}): number {
  const gainA = gains.gainA ?? 1;
  const gainB = gains.gainB ?? 1;
  checkGain('gainA', gainA);
  checkGain('gainB', gainB);
  const length = Math.max(a.length, b.length);
  if (dst.length < length) throw new RangeError(`mixInto: the destination holds ${dst.length} samples, ${length} are needed.`);
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i += 1) dst[i] = saturate(a[i] * gainA + b[i] * gainB);
  for (let i = common; i < a.length; i += 1) dst[i] = saturate(a[i] * gainA);
  for (let i = common; i < b.length; i += 1) dst[i] = saturate(b[i] * gainB);
  return length;
}

/** Mixes two buffers into a fresh one of `max(a.length, b.length)` samples (see {@link mixInto}). */
export function mix(a: Int16Array, b: Int16Array, gains: MixGains = {}): Int16Array {
  const out = allocInt16(Math.max(a.length, b.length));
  mixInto(a, b, out, gains);
  return out;
}

/** Rounds and clips to int16 (halves up), without `Math.round`'s cost (see `toInt16` in the resampler). */
function saturate(value: number): number {
  const shifted = value + 32768.5;
  return ((shifted <= 0 ? 0 : shifted >= 65535 ? 65535 : shifted) | 0) - 32768;
}

/** Options of {@link StreamMixer}. */
export interface StreamMixerOptions extends MixGains {
  /**
   * Most samples buffered per input while waiting for the other one; older audio is dropped (and counted) beyond it.
   * @defaultValue 48000 (1 s at 48 kHz)
   */
  readonly capacity?: number;
}

/** Defaults of {@link StreamMixerOptions}. */
export const streamMixerDefaults = {
  capacity: 48000,
  gainA: 1,
  gainB: 1,
} as const satisfies StreamMixerOptions;

/**
 * Mixes two live streams of the same rate and channel count that arrive in different chunk sizes and at different
 * times: each input is buffered in a ring, and {@link read} returns as much mixed audio as both inputs cover.
 * {@link readAll} also mixes the audio only one side has (the other counts as silence), for the end of a stream
 * or when one side went quiet.
 */
export class StreamMixer {
  readonly #a: SampleRingBuffer;
  readonly #b: SampleRingBuffer;
  readonly #gains: Required<MixGains>;
  #scratchA = new Int16Array(0);
  #scratchB = new Int16Array(0);

  constructor(options: StreamMixerOptions = {}) {
    const capacity = options.capacity ?? streamMixerDefaults.capacity;
    this.#a = new SampleRingBuffer({ capacity });
    this.#b = new SampleRingBuffer({ capacity });
    this.#gains = { gainA: options.gainA ?? streamMixerDefaults.gainA, gainB: options.gainB ?? streamMixerDefaults.gainB };
    checkGain('gainA', this.#gains.gainA);
    checkGain('gainB', this.#gains.gainB);
  }

  /** Adds audio to input A. */
  writeA(samples: Int16Array): void {
    this.#a.write(samples);
  }

  /** Adds audio to input B. */
  writeB(samples: Int16Array): void {
    this.#b.write(samples);
  }

  /** Samples buffered on each side. */
  get buffered(): { readonly a: number; readonly b: number } {
    return { a: this.#a.size, b: this.#b.size };
  }

  /** Samples dropped because one side was not read in time. */
  get droppedSamples(): number {
    return this.#a.droppedSamples + this.#b.droppedSamples;
  }

  /** Mixed audio for the span both inputs cover (possibly empty). */
  read(): Int16Array {
    return this.#mix(Math.min(this.#a.size, this.#b.size));
  }

  /** Mixed audio for everything buffered on either side; the shorter side is padded with silence. */
  readAll(): Int16Array {
    return this.#mix(Math.max(this.#a.size, this.#b.size));
  }

  /** Drops everything buffered. */
  clear(): void {
    this.#a.clear();
    this.#b.clear();
  }

  #mix(count: number): Int16Array {
    if (this.#scratchA.length < count) {
      this.#scratchA = new Int16Array(count);
      this.#scratchB = new Int16Array(count);
    }
    const a = this.#scratchA.subarray(0, this.#a.read(this.#scratchA.subarray(0, count)));
    const b = this.#scratchB.subarray(0, this.#b.read(this.#scratchB.subarray(0, count)));
    return mix(a, b, this.#gains);
  }
}
