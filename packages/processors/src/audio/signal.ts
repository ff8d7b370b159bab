/**
 * Signal helpers: silence, test tones, and the measurements our tests and benchmarks use to check audio quality by
 * measuring it (levels, tone amplitudes) rather than by comparing stored samples.
 *
 * @packageDocumentation
 */
import { AudioConfigError } from './errors';

// Math's functions are bound once: reading the global `Math` inside a loop is a slow lookup in vm contexts (jest
// runs tests in one), which made these loops 60x slower there.
const { sin, cos, atan2, hypot, sqrt, log10, round, abs, PI } = Math;

/** Samples (all channels) in `durationMs` of audio, rounded to whole frames. */
export function samplesForDuration(durationMs: number, sampleRate: number, channels = 1): number {
  return round((durationMs * sampleRate) / 1000) * channels;
}

/** A fresh buffer of digital silence lasting `durationMs` (interleaved when `channels` > 1). */
export function silence(durationMs: number, sampleRate: number, channels = 1): Int16Array {
  if (!(durationMs >= 0) || !Number.isFinite(durationMs)) {
    throw new AudioConfigError(`silence: durationMs must be a finite number >= 0, got ${String(durationMs)}.`);
  }
  return new Int16Array(samplesForDuration(durationMs, sampleRate, channels));
}

/** Options of {@link sineWave}. */
export interface SineWaveOptions {
  /** Tone frequency, Hz. */
  readonly frequency: number;
  readonly sampleRate: number;
  /** Length in samples. */
  readonly samples: number;
  /**
   * Peak amplitude in int16 units.
   * @defaultValue 16384 (-6 dBFS)
   */
  readonly amplitude?: number;
  /**
   * Start phase in radians.
   * @defaultValue 0
   */
  readonly phase?: number;
}

/** A mono sine tone, rounded to int16. */
export function sineWave(options: SineWaveOptions): Int16Array {
  const amplitude = options.amplitude ?? 16384;
  const phase = options.phase ?? 0;
  const out = new Int16Array(options.samples);
  const step = (2 * PI * options.frequency) / options.sampleRate;
  for (let i = 0; i < out.length; i += 1) out[i] = round(amplitude * sin(step * i + phase));
  return out;
}

/** Root-mean-square level of samples, in int16 units. */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i += 1) sum += samples[i] * samples[i];
  return sqrt(sum / samples.length);
}

/** RMS level relative to a full-scale sine (0 dBFS = a sine of peak 32767); -Infinity for silence. */
export function levelDbfs(samples: Int16Array): number {
  return 20 * log10(rms(samples) / (32767 / Math.SQRT2));
}

/** A tone found by {@link measureTones}. */
export interface ToneMeasurement {
  readonly frequency: number;
  /** Peak amplitude, int16 units. */
  readonly amplitude: number;
  /** Phase in radians at sample `start` of the measured range (sine convention). */
  readonly phase: number;
}

/**
 * Measures the amplitude and phase of known frequencies in a signal by a joint least-squares fit of sines and
 * cosines over `samples[start, end)`. Fitting all tones together removes the leakage of a strong tone into the
 * estimate of a weak one, so an alias 90 dB below a full-scale tone is measured correctly.
 */
export function measureTones(
  samples: Int16Array | Float64Array,
  sampleRate: number,
  frequencies: readonly number[],
  start = 0,
  end = samples.length,
): ToneMeasurement[] {
  const unknowns = frequencies.length * 2;
  const size = unknowns + 1;
  const normal = new Float64Array(unknowns * size); // augmented normal-equation matrix
  const basis = new Float64Array(unknowns);
  const steps = frequencies.map((f) => (2 * PI * f) / sampleRate);
  for (let i = start; i < end; i += 1) {
    const t = i - start;
    for (let k = 0; k < frequencies.length; k += 1) {
      basis[2 * k] = sin(steps[k] * t);
      basis[2 * k + 1] = cos(steps[k] * t);
    }
    const y = samples[i];
    for (let r = 0; r < unknowns; r += 1) {
      const br = basis[r];
      const row = r * size;
      for (let c = 0; c < unknowns; c += 1) normal[row + c] += br * basis[c];
      normal[row + unknowns] += br * y;
    }
  }
  const solution = solveAugmented(normal, unknowns);
  return frequencies.map((frequency, k) => {
    const s = solution[2 * k];
    const c = solution[2 * k + 1];
    return { frequency, amplitude: hypot(s, c), phase: atan2(c, s) };
  });
}

/** Gauss-Jordan elimination with partial pivoting on an `n x (n+1)` augmented matrix. */
function solveAugmented(matrix: Float64Array, n: number): Float64Array {
  const size = n + 1;
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let r = col + 1; r < n; r += 1) {
      if (abs(matrix[r * size + col]) > abs(matrix[pivot * size + col])) pivot = r;
    }
    if (pivot !== col) {
      for (let c = 0; c < size; c += 1) {
        const t = matrix[col * size + c];
        matrix[col * size + c] = matrix[pivot * size + c];
        matrix[pivot * size + c] = t;
      }
    }
    const diagonal = matrix[col * size + col];
    if (abs(diagonal) < 1e-300) continue; // degenerate frequency (0 or Nyquist sine): leave it at 0
    for (let r = 0; r < n; r += 1) {
      if (r === col) continue;
      const factor = matrix[r * size + col] / diagonal;
      if (factor === 0) continue;
      for (let c = col; c < size; c += 1) matrix[r * size + c] -= factor * matrix[col * size + c];
    }
  }
  const out = new Float64Array(n);
  for (let r = 0; r < n; r += 1) {
    const diagonal = matrix[r * size + r];
    out[r] = abs(diagonal) < 1e-300 ? 0 : matrix[r * size + n] / diagonal;
  }
  return out;
}
