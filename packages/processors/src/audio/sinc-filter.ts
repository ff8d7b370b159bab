/**
 * Low-pass FIR design for the polyphase resampler: the Parks-McClellan (Remez exchange) equiripple design it uses,
 * and the Kaiser-window tools used for its interpolation kernel and as the reference design it is measured against.
 *
 * Why equiripple: a window design has equal ripple in both bands (Kaiser at 78 dB is flat to +-0.0002 dB), which
 * wastes taps on a passband flatness nobody hears. Equiripple spends the +-0.05 dB passband allowance and needs
 * about 30% fewer taps for the same stopband and transition width: taps are the resampler's whole cost.
 *
 * @packageDocumentation
 */

// Math's functions are bound once: reading the global `Math` inside a loop is a slow lookup in vm contexts (jest
// runs tests in one), which made these loops 60x slower there.
const { abs, cos, sin, log, exp, sqrt, PI, round, ceil, sign, max } = Math;

/** Result of {@link designRemezLowpass}. */
export interface RemezDesign {
  /** Linear-phase impulse response (odd length, symmetric), unit DC gain. */
  readonly taps: Float64Array;
  /** Achieved peak passband deviation (linear, e.g. 0.003 = +-0.026 dB). */
  readonly passbandDeviation: number;
  /** Achieved peak stopband amplitude (linear, e.g. 1e-4 = -80 dB). */
  readonly stopbandDeviation: number;
  /** Whether the exchange converged (a non-converged design is still usable but not optimal). */
  readonly converged: boolean;
}

const gridDensity = 16;
const maxIterations = 60;

/**
 * Designs an odd-length linear-phase low-pass filter by the Remez exchange algorithm.
 *
 * @param numTaps - odd number of taps
 * @param passEdge - passband edge in cycles per sample (0 < passEdge < stopEdge < 0.5)
 * @param stopEdge - stopband edge in cycles per sample
 * @param stopWeight - weight of the stopband error relative to the passband (passband deviation / stopband deviation)
 */
export function designRemezLowpass(numTaps: number, passEdge: number, stopEdge: number, stopWeight: number): RemezDesign {
  if (numTaps % 2 !== 1 || numTaps < 3) throw new RangeError(`designRemezLowpass: numTaps must be odd and >= 3, got ${numTaps}`);
  if (!(passEdge > 0 && passEdge < stopEdge && stopEdge < 0.5)) {
    throw new RangeError(`designRemezLowpass: need 0 < passEdge < stopEdge < 0.5, got ${passEdge}, ${stopEdge}`);
  }
  const r = (numTaps + 1) / 2; // cosine coefficients of the amplitude response
  const { x: gridX, desired, weight } = buildGrid(r, passEdge, stopEdge, stopWeight);
  const gridSize = gridX.length;

  // Initial extremal set: evenly spread over the grid.
  const ext = new Int32Array(r + 1);
  for (let i = 0; i <= r; i += 1) ext[i] = round((i * (gridSize - 1)) / r);

  const xe = new Float64Array(r + 1);
  const bary = new Float64Array(r + 1);
  const ce = new Float64Array(r + 1);
  const error = new Float64Array(gridSize);
  let delta = 0;
  let converged = false;

  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    for (let i = 0; i <= r; i += 1) xe[i] = gridX[ext[i]];
    barycentricWeights(xe, bary);
    let num = 0;
    let den = 0;
    for (let i = 0; i <= r; i += 1) {
      const alternation = i % 2 === 0 ? 1 : -1;
      num += bary[i] * desired[ext[i]];
      den += (alternation * bary[i]) / weight[ext[i]];
    }
    delta = num / den;
    for (let i = 0; i <= r; i += 1) {
      const alternation = i % 2 === 0 ? 1 : -1;
      ce[i] = desired[ext[i]] - (alternation * delta) / weight[ext[i]];
    }
    let maxError = 0;
    for (let g = 0; g < gridSize; g += 1) {
      const a = barycentricEval(gridX[g], xe, bary, ce);
      const e = weight[g] * (desired[g] - a);
      error[g] = e;
      const magnitude = abs(e);
      if (magnitude > maxError) maxError = magnitude;
    }
    const absDelta = abs(delta);
    if (maxError - absDelta <= 1e-6 * absDelta) {
      converged = true;
      break;
    }
    if (!selectExtremals(error, ext, r + 1)) break;
  }

  // Amplitude response at N equally spaced frequencies, then the cosine inversion gives the taps.
  const n = numTaps;
  const amplitude = new Float64Array(r);
  for (let k = 0; k < r; k += 1) amplitude[k] = barycentricEval(cos((2 * PI * k) / n), xe, bary, ce);
  const taps = new Float64Array(n);
  const center = r - 1;
  for (let i = 0; i < n; i += 1) {
    let sum = amplitude[0];
    const m = i - center;
    for (let k = 1; k < r; k += 1) sum += 2 * amplitude[k] * cos((2 * PI * k * m) / n);
    taps[i] = sum / n;
  }
  const absDelta = abs(delta);
  return { taps, passbandDeviation: absDelta, stopbandDeviation: absDelta / stopWeight, converged };
}

interface Grid {
  /** cos(omega) of each grid point. */
  readonly x: Float64Array;
  readonly desired: Float64Array;
  readonly weight: Float64Array;
}

function buildGrid(r: number, passEdge: number, stopEdge: number, stopWeight: number): Grid {
  const step = 0.5 / (gridDensity * r);
  const passCount = max(2, ceil(passEdge / step) + 1);
  const stopCount = max(2, ceil((0.5 - stopEdge) / step) + 1);
  const total = passCount + stopCount;
  const x = new Float64Array(total);
  const desired = new Float64Array(total);
  const weight = new Float64Array(total);
  for (let i = 0; i < passCount; i += 1) {
    const f = (passEdge * i) / (passCount - 1);
    x[i] = cos(2 * PI * f);
    desired[i] = 1;
    weight[i] = 1;
  }
  for (let i = 0; i < stopCount; i += 1) {
    const f = stopEdge + ((0.5 - stopEdge) * i) / (stopCount - 1);
    x[passCount + i] = cos(2 * PI * f);
    desired[passCount + i] = 0;
    weight[passCount + i] = stopWeight;
  }
  return { x, desired, weight };
}

/** Barycentric weights 1 / prod(x_i - x_j), computed in the log domain (the products under/overflow for long filters) and normalised. */
function barycentricWeights(xe: Float64Array, out: Float64Array): void {
  const n = xe.length;
  const logs = new Float64Array(n);
  let minLog = Infinity;
  for (let i = 0; i < n; i += 1) {
    let logSum = 0;
    let productSign = 1;
    const xi = xe[i];
    for (let j = 0; j < n; j += 1) {
      if (j === i) continue;
      const d = xi - xe[j];
      if (d < 0) productSign = -productSign;
      logSum += log(abs(d) + 1e-300);
    }
    logs[i] = logSum;
    out[i] = productSign;
    if (logSum < minLog) minLog = logSum;
  }
  // Scaling all weights by one constant changes neither delta nor the interpolant.
  for (let i = 0; i < n; i += 1) out[i] *= exp(-(logs[i] - minLog));
}

function barycentricEval(x: number, xe: Float64Array, bary: Float64Array, ce: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < xe.length; i += 1) {
    const d = x - xe[i];
    if (abs(d) < 1e-15) return ce[i];
    const t = bary[i] / d;
    num += t * ce[i];
    den += t;
  }
  return num / den;
}

/** Picks the next alternating extremal set from the error curve. Returns false when too few extrema were found. */
function selectExtremals(error: Float64Array, ext: Int32Array, want: number): boolean {
  const n = error.length;
  const candidates: number[] = [];
  for (let g = 0; g < n; g += 1) {
    const e = error[g];
    const prev = g > 0 ? error[g - 1] : -Infinity * sign(e);
    const next = g < n - 1 ? error[g + 1] : -Infinity * sign(e);
    if ((e > 0 && e >= prev && e >= next) || (e < 0 && e <= prev && e <= next)) candidates.push(g);
  }
  // Alternation: among neighbours of the same sign keep the larger magnitude.
  const alternating: number[] = [];
  for (const g of candidates) {
    const last = alternating.length - 1;
    if (last >= 0 && sign(error[alternating[last]]) === sign(error[g])) {
      if (abs(error[g]) > abs(error[alternating[last]])) alternating[last] = g;
    } else {
      alternating.push(g);
    }
  }
  if (alternating.length < want) return false;
  let start = 0;
  let end = alternating.length; // exclusive
  while (end - start > want) {
    if (abs(error[alternating[start]]) < abs(error[alternating[end - 1]])) start += 1;
    else end -= 1;
  }
  for (let i = 0; i < want; i += 1) ext[i] = alternating[start + i];
  return true;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for the betas used here). */
export function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const half = x / 2;
  for (let k = 1; k < 200; k += 1) {
    term *= (half / k) * (half / k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser's beta for a stopband attenuation in dB. */
export function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/** Kaiser's estimate of the taps a windowed sinc needs: transition width in cycles per sample. */
export function kaiserLength(attenuationDb: number, transitionWidth: number): number {
  return ceil((attenuationDb - 7.95) / (14.36 * transitionWidth)) + 1;
}

/** Kaiser-windowed sinc low-pass: odd `numTaps`, `cutoff` (the -6 dB point) in cycles per sample, unit DC gain. */
export function designKaiserLowpass(numTaps: number, cutoff: number, beta: number): Float64Array {
  const taps = new Float64Array(numTaps);
  const center = (numTaps - 1) / 2;
  const norm = besselI0(beta);
  let sum = 0;
  for (let i = 0; i < numTaps; i += 1) {
    const m = i - center;
    const arg = 2 * cutoff * m;
    const sinc = m === 0 ? 1 : sin(PI * arg) / (PI * arg);
    const ratio = center === 0 ? 0 : m / center;
    const window = besselI0(beta * sqrt(max(0, 1 - ratio * ratio))) / norm;
    taps[i] = 2 * cutoff * sinc * window;
    sum += taps[i];
  }
  for (let i = 0; i < numTaps; i += 1) taps[i] /= sum;
  return taps;
}

/**
 * Amplitude response (linear) of a symmetric odd-length filter at `frequency` cycles per sample. Used by tests and
 * the design report, not on the audio path.
 */
export function amplitudeAt(taps: Float64Array, frequency: number): number {
  const center = (taps.length - 1) / 2;
  let sum = taps[center];
  const w = 2 * PI * frequency;
  for (let m = 1; m <= center; m += 1) sum += 2 * taps[center + m] * cos(w * m);
  return sum;
}
