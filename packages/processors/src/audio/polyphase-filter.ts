/**
 * The polyphase filter bank behind {@link createResampler}: quality presets, the design of the prototype low-pass
 * for a rate pair, and its split into phases. Designs are cached per (rates, quality): a process with 1000
 * sessions at 16 -> 24 kHz designs one filter and shares its read-only tables.
 *
 * @packageDocumentation
 */
import { AudioConfigError } from './errors';
import { besselI0, designRemezLowpass, kaiserBeta, type RemezDesign } from './sinc-filter';

// Math's functions are bound once: reading the global `Math` inside a loop is a slow lookup in vm contexts (jest
// runs tests in one), which made these loops 60x slower there.
const { sin, sqrt, PI, ceil, max, min, floor, round, log10 } = Math;

/** Resampler quality preset. */
export type ResamplerQuality = 'default' | 'hq';

/** What a quality preset asks of the filter. Band edges are fractions of the Nyquist frequency of the lower rate. */
export interface ResamplerQualitySpec {
  /** Passband edge (fraction of the lower Nyquist): flat from DC to here. */
  readonly passbandEdge: number;
  /**
   * Stopband edge (fraction of the lower Nyquist). Above 1.0 means the transition band straddles Nyquist: what lies
   * between 1.0 and this edge aliases into `2 - stopbandEdge .. 1.0`, above the passband edge, never into it.
   */
  readonly stopbandEdge: number;
  /** Peak passband deviation the design allows, in dB (+-). */
  readonly passbandRippleDb: number;
  /** Minimum stopband attenuation the design guarantees, in dB. */
  readonly stopbandAttenuationDb: number;
  /**
   * Largest group delay allowed, in ms. When the filter would be longer, the stopband edge moves up (never past
   * `2 - passbandEdge`, so aliases still stay out of the passband) until it fits. `undefined`: no limit.
   */
  readonly maxDelayMs: number | undefined;
}

/**
 * The presets.
 *
 * `default` (voice, real time): flat +-0.04 dB to 0.9 of the lower Nyquist, >= 78 dB stopband from 1.05 of it,
 * <= 3 ms delay. Why 1.05 and not 1.0: with the stopband starting exactly at Nyquist the same flatness and
 * rejection need 70 taps per low-rate sample instead of 46, which is 4.4 ms of delay at 8 kHz (over the 3 ms
 * budget; the targets are in tension there) and 50% more CPU everywhere. Starting it at 1.05 keeps 2.9 ms at 8 kHz
 * and 1.4 ms at 16 kHz, and the only aliases not rejected by 78 dB come from 1.00-1.05 Nyquist and land in
 * 0.95-1.00 Nyquist (7.6-8 kHz at 16 kHz), above the flat band and above what voice carries.
 *
 * `hq`: flat +-0.01 dB to 0.9, >= 98 dB from exactly Nyquist, no delay limit (about 2.8 ms at 16 kHz, 5.6 ms at 8 kHz).
 */
export const resamplerQualitySpecs: { readonly [Q in ResamplerQuality]: ResamplerQualitySpec } = {
  default: { passbandEdge: 0.9, stopbandEdge: 1.05, passbandRippleDb: 0.04, stopbandAttenuationDb: 78, maxDelayMs: 3 },
  hq: { passbandEdge: 0.9, stopbandEdge: 1.0, passbandRippleDb: 0.01, stopbandAttenuationDb: 98, maxDelayMs: undefined },
};

/** A designed polyphase filter bank: read-only, shared by every resampler of the same rate pair and quality. */
export interface PolyphaseFilter {
  readonly fromRate: number;
  readonly toRate: number;
  /** Interpolation factor L (toRate / gcd). */
  readonly upFactor: number;
  /** Decimation factor M (fromRate / gcd). */
  readonly downFactor: number;
  /** Taps per phase (the dot-product length per output sample). */
  readonly tapsPerPhase: number;
  /**
   * `upFactor` rows of `tapsPerPhase` coefficients, each row reversed (oldest input first) so the dot product
   * walks input and coefficients in the same direction; scaled by L so the output level matches the input.
   */
  readonly coefficients: Float64Array;
  /** Length of the prototype low-pass at the common rate `fromRate * upFactor`. */
  readonly prototypeLength: number;
  /**
   * Group delay in output samples. Always an integer: the prototype length is chosen so the streaming output is
   * the delay-compensated output shifted by exactly this many samples.
   */
  readonly delaySamples: number;
  /** How the prototype was designed. */
  readonly method: 'remez' | 'remez-interpolated';
  /** The band edges and deviations actually designed for (the stopband edge may have moved to meet the delay). */
  readonly design: {
    readonly passbandEdgeHz: number;
    readonly stopbandEdgeHz: number;
    readonly passbandRippleDb: number;
    readonly stopbandAttenuationDb: number;
  };
}

/** Rates outside this range are refused (they are not audio a voice pipeline carries). */
export const resamplerRateLimits = { min: 1000, max: 384_000 } as const;

/** Most phases (L or M after reduction) a ratio may need: covers every pair of standard rates (11025 <-> 48000 needs 640). */
export const maxResamplerRatioTerm = 4096;

/** Up to this oversampling the prototype is designed by Remez at the common rate itself (at most ~550 taps). */
const directDesignMaxOversampling = 6;
/** Otherwise: designed at 4x the lower rate, then interpolated to the common rate by a short Kaiser-windowed sinc. */
const interpolatedDesignOversampling = 4;
const interpolationHalfWidth = 5;
/** Kaiser window for ~100 dB: keeps the interpolation's images below the design's stopband. */
const interpolationBeta = kaiserBeta(100);

const filterCache = new Map<string, PolyphaseFilter>();
const prototypeCache = new Map<string, RemezDesign>();

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/**
 * Checks a resampling rate pair and returns the reduced ratio. Throws {@link AudioConfigError} with a message that
 * says what to change.
 */
export function checkResampleRates(fromRate: number, toRate: number): { readonly upFactor: number; readonly downFactor: number } {
  for (const [name, rate] of [['fromRate', fromRate], ['toRate', toRate]] as const) {
    if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < resamplerRateLimits.min || rate > resamplerRateLimits.max) {
      throw new AudioConfigError(
        `Resampler ${name} must be an integer number of Hz between ${resamplerRateLimits.min} and ${resamplerRateLimits.max}, got ${String(rate)}. ` +
          'Pass the stream\'s real sample rate (e.g. 8000, 16000, 24000, 48000).',
        { details: { fromRate, toRate } },
      );
    }
  }
  const g = gcd(fromRate, toRate);
  const upFactor = toRate / g;
  const downFactor = fromRate / g;
  if (upFactor > maxResamplerRatioTerm || downFactor > maxResamplerRatioTerm) {
    throw new AudioConfigError(
      `Cannot resample ${fromRate} Hz -> ${toRate} Hz: the ratio reduces to ${upFactor}/${downFactor}, which needs more than ` +
        `${maxResamplerRatioTerm} filter phases. One of the rates is probably wrong; use standard rates (8000, 11025, 16000, ` +
        '22050, 24000, 32000, 44100, 48000).',
      { details: { fromRate, toRate, upFactor, downFactor } },
    );
  }
  return { upFactor, downFactor };
}

/** Designs (or returns the cached) polyphase filter bank for a rate pair. Rates must differ. */
export function designPolyphaseFilter(fromRate: number, toRate: number, quality: ResamplerQuality): PolyphaseFilter {
  const key = `${fromRate}:${toRate}:${quality}`;
  const cached = filterCache.get(key);
  if (cached !== undefined) return cached;
  const { upFactor, downFactor } = checkResampleRates(fromRate, toRate);
  if (fromRate === toRate) throw new AudioConfigError(`No filter is needed to resample ${fromRate} Hz to itself; createResampler passes it through.`);
  const spec = resamplerQualitySpecs[quality];
  if (spec === undefined) {
    throw new AudioConfigError(`Unknown resampler quality '${String(quality)}'. Use 'default' or 'hq'.`);
  }
  const oversampling = max(upFactor, downFactor); // common rate / lower rate
  const maxStopEdge = 2 - spec.passbandEdge;
  let stopEdge = spec.stopbandEdge;
  let filter: PolyphaseFilter;
  for (;;) {
    filter =
      oversampling <= directDesignMaxOversampling
        ? designDirect(fromRate, toRate, upFactor, downFactor, spec, stopEdge)
        : designInterpolated(fromRate, toRate, upFactor, downFactor, spec, stopEdge);
    const delayMs = (filter.delaySamples / toRate) * 1000;
    if (spec.maxDelayMs === undefined || delayMs <= spec.maxDelayMs || stopEdge >= maxStopEdge - 1e-9) break;
    stopEdge = min(maxStopEdge, round((stopEdge + 0.01) * 100) / 100);
  }
  filterCache.set(key, filter);
  return filter;
}

function deviations(spec: ResamplerQualitySpec): { readonly pass: number; readonly stop: number } {
  return { pass: 10 ** (spec.passbandRippleDb / 20) - 1, stop: 10 ** (-spec.stopbandAttenuationDb / 20) };
}

/** Equiripple length estimate (Kaiser's formula for Parks-McClellan designs). */
function estimateRemezLength(pass: number, stop: number, transitionWidth: number): number {
  return ceil((-20 * log10(sqrt(pass * stop)) - 13) / (14.6 * transitionWidth)) + 1;
}

/** Prototype designed at the common rate itself, its length on the lattice 2qM - 1 that makes the delay integral. */
function designDirect(
  fromRate: number,
  toRate: number,
  upFactor: number,
  downFactor: number,
  spec: ResamplerQualitySpec,
  stopEdge: number,
): PolyphaseFilter {
  const oversampling = max(upFactor, downFactor);
  const passFreq = (spec.passbandEdge * 0.5) / oversampling;
  const stopFreq = (stopEdge * 0.5) / oversampling;
  const dev = deviations(spec);
  const weight = dev.pass / dev.stop;
  const meets = (design: RemezDesign): boolean => design.passbandDeviation <= dev.pass * (1 + 1e-9);
  const designFor = (q: number): RemezDesign => designRemezLowpass(max(3, 2 * q * downFactor - 1), passFreq, stopFreq, weight);
  const estimate = estimateRemezLength(dev.pass, dev.stop, stopFreq - passFreq);
  // Start at the estimate, then walk to the shortest lattice length that meets the spec.
  let q = max(2, round((estimate + 1) / (2 * downFactor)));
  let best = designFor(q);
  if (meets(best)) {
    while (q > 2) {
      const shorter = designFor(q - 1);
      if (!meets(shorter)) break;
      q -= 1;
      best = shorter;
    }
  } else {
    for (let guard = 0; guard < 256 && !meets(best); guard += 1) {
      q += 1;
      best = designFor(q);
    }
    if (!meets(best)) throw new AudioConfigError(`Could not design a resampling filter for ${fromRate} -> ${toRate} Hz.`);
  }
  const bestQ = q;
  return buildBank(fromRate, toRate, upFactor, downFactor, best.taps, sum(best.taps), bestQ, 'remez', spec, stopEdge);
}

/**
 * Prototype designed by Remez at 4x the lower rate, then evaluated on the common-rate grid through a short
 * Kaiser-windowed sinc. The product response is the Remez response (flat to 1e-5 in its band) times an interpolator
 * whose images sit about 100 dB down, so the equiripple design survives ratios like 44100 -> 16000 (441 phases) that
 * a direct design could not handle.
 */
function designInterpolated(
  fromRate: number,
  toRate: number,
  upFactor: number,
  downFactor: number,
  spec: ResamplerQualitySpec,
  stopEdge: number,
): PolyphaseFilter {
  const r0 = interpolatedDesignOversampling;
  const prototype = remezPrototype(r0, spec, stopEdge);
  const oversampling = max(upFactor, downFactor);
  const center0 = (prototype.taps.length - 1) / 2;
  const halfWidthCommon = ((center0 + interpolationHalfWidth) * oversampling) / r0;
  const q = max(1, ceil((halfWidthCommon + 1) / downFactor));
  const length = 2 * q * downFactor - 1;
  const center = (length - 1) / 2;
  const taps = new Float64Array(length);
  const i0 = besselI0(interpolationBeta);
  for (let i = 0; i < length; i += 1) {
    const tau = ((i - center) * r0) / oversampling; // in prototype samples, relative to its centre
    let value = 0;
    const mFirst = max(0, ceil(tau + center0 - interpolationHalfWidth));
    const mLast = min(prototype.taps.length - 1, floor(tau + center0 + interpolationHalfWidth));
    for (let m = mFirst; m <= mLast; m += 1) {
      const u = tau - (m - center0);
      value += prototype.taps[m] * interpolationKernel(u, i0);
    }
    taps[i] = value;
  }
  return buildBank(fromRate, toRate, upFactor, downFactor, taps, sum(prototype.taps), q, 'remez-interpolated', spec, stopEdge);
}

function remezPrototype(r0: number, spec: ResamplerQualitySpec, stopEdge: number): RemezDesign {
  const key = `${r0}:${spec.passbandEdge}:${stopEdge}:${spec.passbandRippleDb}:${spec.stopbandAttenuationDb}`;
  const cached = prototypeCache.get(key);
  if (cached !== undefined) return cached;
  const passFreq = (spec.passbandEdge * 0.5) / r0;
  const stopFreq = (stopEdge * 0.5) / r0;
  const dev = deviations(spec);
  let length = estimateRemezLength(dev.pass, dev.stop, stopFreq - passFreq) | 1;
  let best: RemezDesign | undefined;
  for (let guard = 0; guard < 64; guard += 1) {
    const design = designRemezLowpass(length, passFreq, stopFreq, dev.pass / dev.stop);
    if (design.passbandDeviation <= dev.pass * (1 + 1e-9)) {
      best = design;
      if (length <= 3) break;
      length -= 2;
    } else if (best !== undefined) {
      break;
    } else {
      length += 2;
    }
  }
  if (best === undefined) throw new AudioConfigError('Could not design the resampling prototype filter.');
  prototypeCache.set(key, best);
  return best;
}

function interpolationKernel(u: number, i0Beta: number): number {
  const ratio = u / interpolationHalfWidth;
  if (ratio <= -1 || ratio >= 1) return 0;
  const sinc = u === 0 ? 1 : sin(PI * u) / (PI * u);
  return (sinc * besselI0(interpolationBeta * sqrt(1 - ratio * ratio))) / i0Beta;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i];
  return total;
}

/**
 * Splits a prototype (odd length 2qM - 1 at the common rate) into reversed phases, scaled so the output's DC gain
 * is the design's `dcGain` (1 +- the passband ripple).
 */
function buildBank(
  fromRate: number,
  toRate: number,
  upFactor: number,
  downFactor: number,
  prototype: Float64Array,
  dcGain: number,
  q: number,
  method: PolyphaseFilter['method'],
  spec: ResamplerQualitySpec,
  stopEdge: number,
): PolyphaseFilter {
  const length = prototype.length;
  const tapsPerPhase = ceil(length / upFactor);
  const coefficients = new Float64Array(upFactor * tapsPerPhase);
  // Zero-stuffing by L divides the level by L; the scale gives the output the design's DC gain (1 +- its ripple).
  // All phases get the same scale: normalising each phase to its own sum would cancel the tiny spurs at multiples
  // of the input rate but raise the rest of the stopband by ~5 dB (measured), a bad trade.
  const scale = (dcGain * upFactor) / sum(prototype);
  for (let phase = 0; phase < upFactor; phase += 1) {
    const row = phase * tapsPerPhase;
    for (let k = 0; k < tapsPerPhase; k += 1) {
      const index = phase + k * upFactor;
      coefficients[row + tapsPerPhase - 1 - k] = index < length ? prototype[index] * scale : 0;
    }
  }
  const lowNyquist = min(fromRate, toRate) / 2;
  return {
    fromRate,
    toRate,
    upFactor,
    downFactor,
    tapsPerPhase,
    coefficients,
    prototypeLength: length,
    delaySamples: q - 1,
    method,
    design: {
      passbandEdgeHz: spec.passbandEdge * lowNyquist,
      stopbandEdgeHz: stopEdge * lowNyquist,
      passbandRippleDb: spec.passbandRippleDb,
      stopbandAttenuationDb: spec.stopbandAttenuationDb,
    },
  };
}
