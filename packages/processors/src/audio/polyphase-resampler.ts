/**
 * The streaming polyphase resampler engine, in plain TypeScript: any pair of voice rates, state carried across
 * chunks, exactly `floor(totalIn * toRate / fromRate)` output samples emitted after each chunk (no bursts, no lag
 * that grows).
 *
 * How it is fast (about 0.6 ns per multiply-add on this kind of machine, see `bench/resampler.bench.ts`):
 * - the filter is an equiripple design with ~30% fewer taps than a Kaiser window of the same spec (see
 *   `polyphase-filter.ts`), shared read-only by all resamplers of a rate pair;
 * - input history and the new chunk sit contiguously in one array (the history is moved to the front once per
 *   chunk), so each dot product is a straight loop without wrap-around;
 * - the two arrays the inner loop reads are plain `number[]` of packed doubles, not Float64Arrays: once anything in
 *   the process has detached an ArrayBuffer (a `postMessage` transfer, web streams, tsx's loader), V8 adds a
 *   "was this buffer detached?" test to every typed-array access, which cost this loop 25% (measured); packed
 *   double arrays are as fast and have no such check;
 * - `| 0` on index sums lets TurboFan drop overflow checks; int16 rounding avoids `Math.round` (20% of the loop);
 * - coefficient rows are stored reversed so input and coefficients are walked in the same direction;
 * - outputs `k, k+L, ..., k+7L` use the same coefficient row over inputs `M` apart: computing those 8 at once loads
 *   each coefficient once for 8 multiply-adds and gives 8 independent accumulators (no add-latency chain);
 * - per-phase bookkeeping is integer adds, no division on the per-sample path.
 *
 * @packageDocumentation
 */
import { AudioDataError } from './errors';
import type { PolyphaseFilter, ResamplerQuality } from './polyphase-filter';
import type { StreamResampler } from './resampler';
import { allocInt16 } from './sample-slab';

/**
 * Rounds to the nearest integer (halves up) and saturates to the int16 range. Shifted into 0..65535 so `| 0` can
 * floor it: `Math.round` here cost 20% of the whole resampler (measured), the truncating `| 0` costs nothing.
 */
function toInt16(value: number): number {
  const shifted = value + 32768.5;
  return ((shifted <= 0 ? 0 : shifted >= 65535 ? 65535 : shifted) | 0) - 32768;
}

/**
 * Refuses anything but Int16Array samples: a Float32Array or a plain array from untyped JavaScript would be read
 * as doubles, and NaN or +-1.0 floats would come out as rail-to-rail clicks or silence.
 */
export function checkSamples(chunk: Int16Array): void {
  if (!(chunk instanceof Int16Array)) {
    const got = chunk === null || typeof chunk !== 'object' ? String(chunk) : (chunk as object).constructor.name;
    throw new AudioDataError(`The resampler takes PCM16 samples as an Int16Array, got ${got}. Convert float audio first (x * 32767, rounded).`);
  }
}

/** Throws a RangeError when `out` cannot hold `needed` samples. */
export function checkRoom(out: Int16Array, needed: number): void {
  if (out.length < needed) {
    throw new RangeError(`processInto: the output buffer holds ${out.length} samples but ${needed} are due; size it with outputLength().`);
  }
}

/**
 * A plain array of `length` zeros whose elements kind is PACKED_DOUBLE: filled with a non-integer first (so V8 picks
 * unboxed doubles), then zeroed. Zeros stored into a double array stay doubles, so the kind never changes.
 */
function packedZeros(length: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < length; i += 1) out.push(0.5);
  out.fill(0);
  return out;
}

/** Packed-double copies of the shared coefficient tables, one per filter bank. */
const packedTables = new WeakMap<PolyphaseFilter, number[]>();

function packedCoefficients(filter: PolyphaseFilter): number[] {
  let table = packedTables.get(filter);
  if (table === undefined) {
    table = packedZeros(filter.coefficients.length);
    for (let i = 0; i < table.length; i += 1) table[i] = filter.coefficients[i];
    packedTables.set(filter, table);
  }
  return table;
}

/** Initial history capacity beyond the filter length: a 20 ms chunk at 48 kHz fits without growing. */
const initialChunkCapacity = 1024;
/** Outputs computed together per coefficient row (see the file comment). */
const block = 8;

/** A stream resampler over a shared {@link PolyphaseFilter}; created by `createResampler`. */
export class PolyphaseResampler implements StreamResampler {
  readonly fromRate: number;
  readonly toRate: number;
  readonly quality: ResamplerQuality;
  readonly delaySamples: number;
  readonly delayMs: number;

  readonly #coefficients: number[];
  readonly #taps: number;
  readonly #up: number;
  readonly #down: number;
  /** floor(M / L) and M mod L: how one output step moves the input position and the phase. */
  readonly #stepWhole: number;
  readonly #stepPhase: number;
  /** History (`taps - 1` samples before `#pos`'s window) followed by the unconsumed input, as packed doubles. */
  #buffer: number[];
  /** Valid samples in `#buffer`. */
  #filled = 0;
  /** Buffer index of the newest input sample the next output depends on. */
  #pos = 0;
  /** Filter phase (0..L-1) of the next output. */
  #phase = 0;
  /** Input samples and output samples since the last reset, for the flush count. */
  #totalIn = 0;
  #emitted = 0;

  constructor(filter: PolyphaseFilter, quality: ResamplerQuality) {
    this.fromRate = filter.fromRate;
    this.toRate = filter.toRate;
    this.quality = quality;
    this.delaySamples = filter.delaySamples;
    this.delayMs = (filter.delaySamples / filter.toRate) * 1000;
    this.#coefficients = packedCoefficients(filter);
    this.#taps = filter.tapsPerPhase;
    this.#up = filter.upFactor;
    this.#down = filter.downFactor;
    this.#stepWhole = Math.floor(filter.downFactor / filter.upFactor);
    this.#stepPhase = filter.downFactor % filter.upFactor;
    this.#buffer = packedZeros(filter.tapsPerPhase + initialChunkCapacity);
    this.reset();
  }

  reset(): void {
    // The stream starts from silence: taps - 1 zeros of history. The first output sits at common-rate time M - 1,
    // which makes the output count after n inputs exactly floor(n * L / M).
    this.#buffer.fill(0, 0, this.#taps - 1);
    this.#filled = this.#taps - 1;
    const first = this.#down - 1;
    this.#pos = this.#taps - 1 + Math.floor(first / this.#up);
    this.#phase = first % this.#up;
    this.#totalIn = 0;
    this.#emitted = 0;
  }

  outputLength(inputLength: number): number {
    return this.#available(this.#filled + inputLength);
  }

  process(chunk: Int16Array): Int16Array {
    const out = allocInt16(this.outputLength(chunk.length));
    this.processInto(chunk, out);
    return out;
  }

  processInto(chunk: Int16Array, out: Int16Array): number {
    checkSamples(chunk);
    const length = chunk.length;
    const count = this.outputLength(length);
    checkRoom(out, count); // before touching the state: a refused call leaves the stream as it was
    this.#reserve(length);
    const buffer = this.#buffer;
    const start = this.#filled;
    for (let i = 0; i < length; i += 1) buffer[start + i] = chunk[i];
    this.#filled = start + length;
    this.#totalIn += length;
    this.#run(out, count);
    this.#compact();
    return count;
  }

  flush(): Int16Array {
    if (this.#totalIn === 0) return new Int16Array(0); // nothing went in: no tail (not even the warm-up)
    // Whole-stream length (rounded) plus the delay, minus what already came out.
    const target = Math.round((this.#totalIn * this.#up) / this.#down) + this.delaySamples;
    const due = Math.max(0, target - this.#emitted);
    const out = allocInt16(due);
    if (due > 0) {
      // Silence pushes the tail out of the filter.
      const zeros = Math.ceil(((due + 1) * this.#down) / this.#up) + 1;
      this.#reserve(zeros);
      this.#buffer.fill(0, this.#filled, this.#filled + zeros);
      this.#filled += zeros;
      this.#run(out, due);
    }
    this.reset();
    return out;
  }

  /** Outputs computable when the buffer holds `filled` samples. */
  #available(filled: number): number {
    const t = this.#pos * this.#up + this.#phase;
    const limit = filled * this.#up - 1;
    return t > limit ? 0 : Math.floor((limit - t) / this.#down) + 1;
  }

  #reserve(extra: number): void {
    const needed = this.#filled + extra;
    if (needed <= this.#buffer.length) return;
    const grown = packedZeros(Math.max(needed, this.#buffer.length * 2));
    const buffer = this.#buffer;
    for (let i = 0; i < this.#filled; i += 1) grown[i] = buffer[i];
    this.#buffer = grown;
  }

  /** Drops input no future output needs, moving the kept history to the front. */
  #compact(): void {
    const keepFrom = this.#pos - this.#taps + 1;
    if (keepFrom <= 0) return;
    // A plain loop: Array.prototype.copyWithin takes a generic slow path on plain arrays (measured 6x slower).
    const buffer = this.#buffer;
    const kept = this.#filled - keepFrom;
    for (let i = 0; i < kept; i += 1) buffer[i] = buffer[keepFrom + i];
    this.#filled = kept;
    this.#pos -= keepFrom;
  }

  /** Computes `count` outputs into `out[0..count)`, advancing position and phase. */
  #run(out: Int16Array, count: number): void {
    const coef = this.#coefficients;
    const x = this.#buffer;
    const taps = this.#taps;
    const up = this.#up;
    const down = this.#down;
    const stepWhole = this.#stepWhole;
    const stepPhase = this.#stepPhase;
    let pos = this.#pos;
    let phase = this.#phase;
    let k = 0;

    // Blocked part: `block` outputs per coefficient row, L rows per group.
    const group = block * up;
    if (count >= group) {
      const d1 = down;
      const d2 = 2 * down;
      const d3 = 3 * down;
      const d4 = 4 * down;
      const d5 = 5 * down;
      const d6 = 6 * down;
      const d7 = 7 * down;
      for (; k + group <= count; k += group) {
        let p = phase;
        let n = pos;
        for (let r = 0; r < up; r += 1) {
          let c = p * taps;
          const cEnd = c + taps;
          let i = n - taps + 1;
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          let a3 = 0;
          let a4 = 0;
          let a5 = 0;
          let a6 = 0;
          let a7 = 0;
          // `| 0` on the index sums: TurboFan then uses plain int32 adds instead of overflow-checked ones (13% faster).
          for (; c < cEnd; c = (c + 1) | 0, i = (i + 1) | 0) {
            const h = coef[c];
            a0 += h * x[i];
            a1 += h * x[(i + d1) | 0];
            a2 += h * x[(i + d2) | 0];
            a3 += h * x[(i + d3) | 0];
            a4 += h * x[(i + d4) | 0];
            a5 += h * x[(i + d5) | 0];
            a6 += h * x[(i + d6) | 0];
            a7 += h * x[(i + d7) | 0];
          }
          const o = k + r;
          out[o] = toInt16(a0);
          out[o + up] = toInt16(a1);
          out[o + 2 * up] = toInt16(a2);
          out[o + 3 * up] = toInt16(a3);
          out[o + 4 * up] = toInt16(a4);
          out[o + 5 * up] = toInt16(a5);
          out[o + 6 * up] = toInt16(a6);
          out[o + 7 * up] = toInt16(a7);
          p += stepPhase;
          n += stepWhole;
          if (p >= up) {
            p -= up;
            n += 1;
          }
        }
        // After L steps the phase is back where it was and the position moved by M; the group spans `block` of those.
        pos += block * down;
      }
    }

    // Remaining outputs one at a time (4 accumulators to break the add-latency chain).
    for (; k < count; k += 1) {
      let c = phase * taps;
      const cEnd = c + taps;
      let i = pos - taps + 1;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (; c + 3 < cEnd; c = (c + 4) | 0, i = (i + 4) | 0) {
        s0 += coef[c] * x[i];
        s1 += coef[(c + 1) | 0] * x[(i + 1) | 0];
        s2 += coef[(c + 2) | 0] * x[(i + 2) | 0];
        s3 += coef[(c + 3) | 0] * x[(i + 3) | 0];
      }
      for (; c < cEnd; c = (c + 1) | 0, i = (i + 1) | 0) s0 += coef[c] * x[i];
      out[k] = toInt16(s0 + s1 + (s2 + s3));
      phase += stepPhase;
      pos += stepWhole;
      if (phase >= up) {
        phase -= up;
        pos += 1;
      }
    }
    this.#pos = pos;
    this.#phase = phase;
    this.#emitted += count;
  }
}
