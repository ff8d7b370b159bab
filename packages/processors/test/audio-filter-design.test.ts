/**
 * Filter design behind the resampler: the Remez exchange meets its spec (measured on a dense frequency grid), needs
 * fewer taps than a Kaiser window for the same spec, and the polyphase banks keep the promises the resampler makes
 * (integer delay, delay budget, shared cached tables).
 */
import { designPolyphaseFilter, resamplerQualitySpecs, type PolyphaseFilter } from '../src/audio/polyphase-filter';
import { amplitudeAt, designKaiserLowpass, designRemezLowpass, kaiserBeta, kaiserLength } from '../src/audio/sinc-filter';

const db = (ratio: number): number => 20 * Math.log10(ratio);

/** Worst passband deviation (dB) and stopband level (dB) of a symmetric filter, on a dense grid. */
function measure(taps: Float64Array, passEdge: number, stopEdge: number): { rippleDb: number; stopDb: number } {
  let pass = 0;
  for (let i = 0; i <= 1000; i += 1) pass = Math.max(pass, Math.abs(amplitudeAt(taps, (passEdge * i) / 1000) - 1));
  let stop = 0;
  for (let i = 0; i <= 4000; i += 1) stop = Math.max(stop, Math.abs(amplitudeAt(taps, stopEdge + ((0.5 - stopEdge) * i) / 4000)));
  return { rippleDb: db(1 + pass), stopDb: db(stop) };
}

/** The prototype low-pass a polyphase bank implements (undoing the per-phase reversal and the gain of L). */
function prototypeOf(bank: PolyphaseFilter): Float64Array {
  const { upFactor: up, tapsPerPhase: taps } = bank;
  const out = new Float64Array(up * taps);
  for (let phase = 0; phase < up; phase += 1) {
    for (let k = 0; k < taps; k += 1) out[phase + k * up] = bank.coefficients[phase * taps + taps - 1 - k] / up;
  }
  return out;
}

/** Magnitude response of an arbitrary (not necessarily centred) FIR at `frequency` cycles per sample. */
function magnitudeAt(taps: Float64Array, frequency: number): number {
  // A rotating phasor instead of a cos/sin per tap: the 44.1 kHz prototype has 22k taps.
  const stepRe = Math.cos(2 * Math.PI * frequency);
  const stepIm = -Math.sin(2 * Math.PI * frequency);
  let pRe = 1;
  let pIm = 0;
  let re = 0;
  let im = 0;
  for (let i = 0; i < taps.length; i += 1) {
    re += taps[i] * pRe;
    im += taps[i] * pIm;
    const nextRe = pRe * stepRe - pIm * stepIm;
    pIm = pRe * stepIm + pIm * stepRe;
    pRe = nextRe;
  }
  return Math.sqrt(re * re + im * im);
}

describe('Remez exchange low-pass design', () => {
  it('meets the ripple and attenuation it reports, measured on a dense grid', () => {
    const design = designRemezLowpass(139, 0.15, 0.175, 0.0046 / 1.26e-4);
    expect(design.converged).toBe(true);
    const measured = measure(design.taps, 0.15, 0.175);
    // The exchange works on a grid: between grid points the error may exceed it by a hair.
    expect(measured.rippleDb).toBeLessThanOrEqual(db(1 + design.passbandDeviation) * 1.01);
    expect(measured.stopDb).toBeLessThanOrEqual(db(design.stopbandDeviation) + 0.5);
    expect(measured.rippleDb).toBeLessThan(0.05);
    expect(measured.stopDb).toBeLessThan(-75);
  });

  it('is symmetric (linear phase) with unit DC gain within its ripple', () => {
    const { taps, passbandDeviation } = designRemezLowpass(61, 0.1, 0.15, 10);
    for (let i = 0; i < taps.length; i += 1) expect(taps[i]).toBeCloseTo(taps[taps.length - 1 - i], 12);
    expect(Math.abs(amplitudeAt(taps, 0) - 1)).toBeLessThanOrEqual(passbandDeviation + 1e-9);
  });

  it('needs at least 25% fewer taps than a Kaiser window for the default spec (why the resampler uses it)', () => {
    // Spec at the 16 <-> 24 kHz common rate (48 kHz): flat +-0.04 dB to 7.2 kHz, -78 dB from 8.4 kHz.
    const pass = 7200 / 48000;
    const stop = 8400 / 48000;
    const kaiserTaps = kaiserLength(78, stop - pass) | 1;
    const kaiser = designKaiserLowpass(kaiserTaps, (pass + stop) / 2, kaiserBeta(78));
    expect(measure(kaiser, pass, stop).stopDb).toBeLessThan(-77); // the estimate is right for the window
    const remezTaps = 139;
    const remez = designRemezLowpass(remezTaps, pass, stop, (10 ** (0.04 / 20) - 1) / 10 ** (-78 / 20));
    const measured = measure(remez.taps, pass, stop);
    expect(measured.rippleDb).toBeLessThanOrEqual(0.04);
    expect(measured.stopDb).toBeLessThanOrEqual(-78);
    expect(remezTaps).toBeLessThanOrEqual(0.75 * kaiserTaps);
  });

  it('refuses even lengths and inverted band edges', () => {
    expect(() => designRemezLowpass(40, 0.1, 0.2, 1)).toThrow(RangeError);
    expect(() => designRemezLowpass(41, 0.2, 0.1, 1)).toThrow(RangeError);
  });
});

describe('polyphase filter banks', () => {
  it('have an integer output delay and a prototype on the 2qM - 1 lattice', () => {
    for (const [from, to] of [
      [16000, 24000],
      [24000, 16000],
      [48000, 16000],
      [44100, 16000],
      [8000, 22050],
    ] as const) {
      const bank = designPolyphaseFilter(from, to, 'default');
      expect((bank.prototypeLength + 1) % (2 * bank.downFactor)).toBe(0);
      expect(bank.delaySamples).toBe((bank.prototypeLength + 1) / (2 * bank.downFactor) - 1);
    }
  });

  it('are cached: every resampler of a pair shares one read-only table', () => {
    expect(designPolyphaseFilter(16000, 24000, 'default')).toBe(designPolyphaseFilter(16000, 24000, 'default'));
    expect(designPolyphaseFilter(16000, 24000, 'hq')).not.toBe(designPolyphaseFilter(16000, 24000, 'default'));
  });

  it('meet the default spec through the whole bank, including the interpolated design for 44.1 kHz', () => {
    for (const [from, to] of [
      [16000, 24000],
      [44100, 16000],
    ] as const) {
      const bank = designPolyphaseFilter(from, to, 'default');
      const common = from * bank.upFactor;
      const prototype = prototypeOf(bank);
      let worstPass = 0;
      for (let i = 0; i <= 200; i += 1) worstPass = Math.max(worstPass, Math.abs(db(magnitudeAt(prototype, (bank.design.passbandEdgeHz * i) / 200 / common))));
      let worstStop = 0;
      // The stopband up to a few multiples of the higher rate holds the images and aliases that matter.
      const top = Math.min(common / 2, 3 * Math.max(from, to));
      for (let i = 0; i <= 3000; i += 1) {
        const f = bank.design.stopbandEdgeHz + ((top - bank.design.stopbandEdgeHz) * i) / 3000;
        worstStop = Math.max(worstStop, magnitudeAt(prototype, f / common));
      }
      expect(worstPass).toBeLessThanOrEqual(0.05);
      expect(db(worstStop)).toBeLessThanOrEqual(-77);
    }
  });

  it('move the stopband edge up (never past 2 - passband edge) when the delay budget requires it', () => {
    // 8 kHz <-> 44.1 kHz goes through the interpolated design, which is a little longer than a direct one.
    const bank = designPolyphaseFilter(8000, 44100, 'default');
    const spec = resamplerQualitySpecs.default;
    expect((bank.delaySamples / 44100) * 1000).toBeLessThanOrEqual(spec.maxDelayMs ?? Infinity);
    expect(bank.design.stopbandEdgeHz).toBeGreaterThan(spec.stopbandEdge * 4000);
    expect(bank.design.stopbandEdgeHz).toBeLessThanOrEqual((2 - spec.passbandEdge) * 4000);
  });
});
