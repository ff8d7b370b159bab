/**
 * The energy analyzer: a loudness-based speech score, for deployments that cannot install native modules.
 *
 * Each 32 ms window's RMS level (dBFS) is compared with a reference level: the larger of a fixed floor and an
 * adaptive estimate of the background noise plus a margin. The score rises linearly from 0 at the reference to 1 at
 * `rangeDb` above it. It cannot tell speech from other loud sounds (music, a door): prefer Silero where you can.
 *
 * @packageDocumentation
 */
import { windowSamplesFor, type VadAnalyzer, type VadAnalyzerFactory, type VadSampleRate } from './analyzer';
import { VadOptionsError } from './errors';

/** Options of the energy analyzer. */
export interface EnergyAnalyzerOptions {
  /**
   * Level (dBFS, RMS) below which a window is never speech, whatever the noise floor.
   * @defaultValue -50
   */
  readonly silenceDb?: number;
  /**
   * dB above the reference level at which the score reaches 1 (halfway, at the default threshold 0.5, is speech).
   * @defaultValue 20
   */
  readonly rangeDb?: number;
  /**
   * Follow the background noise: the reference becomes `noiseFloor + noiseMarginDb` when that is above `silenceDb`.
   * @defaultValue true
   */
  readonly adaptive?: boolean;
  /**
   * dB above the estimated noise floor where the score starts to rise.
   * @defaultValue 10
   */
  readonly noiseMarginDb?: number;
  /**
   * The noise floor is the level of the quietest window in the last `noiseWindowMs` (minimum statistics). Long
   * enough to span the pauses between words, so speech does not raise it; short enough to follow a change of room.
   * @defaultValue 3000
   */
  readonly noiseWindowMs?: number;
}

/** Defaults of {@link EnergyAnalyzerOptions}. */
export const energyAnalyzerDefaults = {
  silenceDb: -50,
  rangeDb: 20,
  adaptive: true,
  noiseMarginDb: 10,
  noiseWindowMs: 3000,
} as const satisfies Required<EnergyAnalyzerOptions>;

/** The quietest level the analyzer distinguishes (digital silence is clamped here). */
const FLOOR_DB = -100;

/** A loudness-based {@link VadAnalyzer}. Synchronous: `analyze` returns the score at once. */
export class EnergyAnalyzer implements VadAnalyzer {
  readonly windowSamples: number;
  readonly sampleRate: VadSampleRate;
  readonly #options: Required<EnergyAnalyzerOptions>;
  /** Levels of the last windows (dBFS), a ring; NaN marks slots not filled yet. */
  readonly #levels: Float64Array;
  #next = 0;
  #noiseFloorDb = Number.NaN;
  #lastLevelDb = FLOOR_DB;

  constructor(sampleRate: VadSampleRate, options: EnergyAnalyzerOptions = {}) {
    this.sampleRate = sampleRate;
    this.windowSamples = windowSamplesFor(sampleRate);
    this.#options = resolveEnergyOptions(options);
    const windowMs = (this.windowSamples * 1000) / sampleRate;
    this.#levels = new Float64Array(Math.max(1, Math.round(this.#options.noiseWindowMs / windowMs))).fill(Number.NaN);
  }

  /** RMS level of the last window, in dBFS (for meters and debugging). */
  get levelDb(): number {
    return this.#lastLevelDb;
  }

  /** Current background-noise estimate, in dBFS (`NaN` before the first window). */
  get noiseFloorDb(): number {
    return this.#noiseFloorDb;
  }

  analyze(window: Int16Array | Float32Array): number {
    const levelDb = rmsDb(window);
    this.#lastLevelDb = levelDb;
    const { silenceDb, rangeDb, adaptive, noiseMarginDb } = this.#options;
    let referenceDb = silenceDb;
    if (adaptive) {
      // Judged against the floor before this window, so a loud onset is scored against the quiet before it.
      // (NaN before the first window: Math.max(silenceDb, NaN) would be NaN, hence the explicit check.)
      if (this.#noiseFloorDb === this.#noiseFloorDb) referenceDb = Math.max(silenceDb, this.#noiseFloorDb + noiseMarginDb);
      this.#noiseFloorDb = this.#remember(levelDb);
    }
    const score = (levelDb - referenceDb) / rangeDb;
    return score <= 0 ? 0 : score >= 1 ? 1 : score;
  }

  reset(): void {
    this.#levels.fill(Number.NaN);
    this.#next = 0;
    this.#noiseFloorDb = Number.NaN;
    this.#lastLevelDb = FLOOR_DB;
  }

  /** Stores a window's level and returns the minimum over the kept windows (about 100 of them by default). */
  #remember(levelDb: number): number {
    const levels = this.#levels;
    levels[this.#next] = levelDb;
    this.#next = (this.#next + 1) % levels.length;
    let min = levelDb;
    for (let i = 0; i < levels.length; i++) if (levels[i] < min) min = levels[i]; // NaN compares false: skipped
    return min;
  }
}

/** RMS level of PCM16 or float samples in dBFS (full-scale sine = -3 dBFS), clamped to -100; NaN/Infinity are skipped. */
export function rmsDb(window: Int16Array | Float32Array): number {
  let sum = 0;
  if (window instanceof Int16Array) {
    for (let i = 0; i < window.length; i++) sum += window[i] * window[i];
    sum /= 32768 * 32768;
  } else {
    for (let i = 0; i < window.length; i++) {
      const sample = window[i];
      // x - x is 0 for finite x and NaN for NaN and +-Infinity: garbage samples are skipped, not summed.
      if (sample - sample === 0) sum += sample * sample;
    }
  }
  const meanSquare = window.length === 0 ? 0 : sum / window.length;
  return meanSquare > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(meanSquare)) : FLOOR_DB;
}

function resolveEnergyOptions(options: EnergyAnalyzerOptions): Required<EnergyAnalyzerOptions> {
  const resolved = { ...energyAnalyzerDefaults, ...stripUndefined(options) };
  if (!(resolved.rangeDb > 0)) throw new VadOptionsError(`energy VAD: rangeDb must be > 0, got ${resolved.rangeDb}.`);
  if (!(resolved.silenceDb <= 0)) throw new VadOptionsError(`energy VAD: silenceDb is in dBFS and must be <= 0, got ${resolved.silenceDb}.`);
  if (!(resolved.noiseWindowMs > 0 && resolved.noiseWindowMs <= 60000)) {
    throw new VadOptionsError(`energy VAD: noiseWindowMs must be in (0, 60000], got ${resolved.noiseWindowMs}.`);
  }
  if (!Number.isFinite(resolved.noiseMarginDb)) throw new VadOptionsError(`energy VAD: noiseMarginDb must be a number.`);
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A factory of energy analyzers (nothing to load). */
export function energyAnalyzerFactory(options: EnergyAnalyzerOptions = {}): VadAnalyzerFactory {
  resolveEnergyOptions(options); // fail at construction, not when audio arrives
  return {
    name: 'energy',
    load: () => Promise.resolve(),
    create: (sampleRate) => new EnergyAnalyzer(sampleRate, options),
  };
}
