/**
 * The streaming resampler, measured: passband gain, stopband rejection and image rejection in dB, SNR against the
 * ideal signal, exact output counts chunk by chunk, streaming == one-shot, delay, and input validation.
 */
import { AudioConfigError, AudioDataError } from '../src/audio/errors';
import { resamplerQualitySpecs, type ResamplerQuality } from '../src/audio/polyphase-filter';
import { createResampler, resample, type StreamResampler } from '../src/audio/resampler';
import { measureTones, sineWave } from '../src/audio/signal';

const db = (ratio: number): number => 20 * Math.log10(ratio);

/** Feeds `input` in chunks of the given sizes (cycled) and returns the concatenated output and per-chunk counts. */
function stream(resampler: StreamResampler, input: Int16Array, sizes: readonly number[]): { output: Int16Array; counts: number[] } {
  const parts: Int16Array[] = [];
  const counts: number[] = [];
  let offset = 0;
  for (let i = 0; offset < input.length; i += 1) {
    const size = Math.min(sizes[i % sizes.length], input.length - offset);
    const out = resampler.process(input.subarray(offset, offset + size));
    parts.push(out);
    counts.push(out.length);
    offset += size;
  }
  const output = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    output.set(part, at);
    at += part.length;
  }
  return { output, counts };
}

/** Gain in dB of a tone through `resample` (one second, edges excluded from the fit). */
function toneGainDb(from: number, to: number, frequency: number, quality: ResamplerQuality): number {
  const amplitude = 12000;
  const out = resample(sineWave({ frequency, sampleRate: from, samples: from, amplitude }), from, to, { quality });
  const [tone] = measureTones(out, to, [frequency], 400, out.length - 400);
  return db(tone.amplitude / amplitude);
}

/** Level (dB re the input tone) of what a tone above the lower Nyquist leaves in the output, at its alias. */
function aliasLevelDb(from: number, to: number, frequency: number, quality: ResamplerQuality): number {
  const amplitude = 32000;
  const out = resample(sineWave({ frequency, sampleRate: from, samples: from, amplitude }), from, to, { quality });
  let alias = frequency % to;
  if (alias > to / 2) alias = to - alias;
  const [tone] = measureTones(out, to, [alias], 400, out.length - 400);
  return db(Math.max(tone.amplitude, 1e-9) / amplitude);
}

/** Level (dB re the input tone) of the upsampling image of a tone at `frequency`, at `from - frequency`. */
function imageLevelDb(from: number, to: number, frequency: number, quality: ResamplerQuality): number {
  const amplitude = 32000;
  const out = resample(sineWave({ frequency, sampleRate: from, samples: from, amplitude }), from, to, { quality });
  const [, image] = measureTones(out, to, [frequency, from - frequency], 400, out.length - 400);
  return db(Math.max(image.amplitude, 1e-9) / amplitude);
}

const voicePairs: readonly [number, number][] = [
  [8000, 24000],
  [24000, 8000],
  [16000, 24000],
  [24000, 16000],
  [48000, 16000],
  [16000, 8000],
  [44100, 16000],
  [22050, 24000],
];

describe('resampler frequency response (measured with tones)', () => {
  it.each(voicePairs)('%i -> %i: passband flat within +-0.05 dB up to 0.9 of the lower Nyquist', (from, to) => {
    const nyquist = Math.min(from, to) / 2;
    for (const fraction of [0.02, 0.25, 0.5, 0.7, 0.85, 0.9]) {
      expect(Math.abs(toneGainDb(from, to, fraction * nyquist, 'default'))).toBeLessThanOrEqual(0.05);
    }
  });

  it.each(voicePairs.filter(([from, to]) => from > to))(
    '%i -> %i: tones above 1.05 x the output Nyquist are rejected by >= 75 dB',
    (from, to) => {
      const nyquist = to / 2;
      for (const fraction of [1.05, 1.1, 1.3, 1.7, 2.3, 2.9]) {
        const frequency = fraction * nyquist;
        if (frequency >= from / 2) continue;
        expect(aliasLevelDb(from, to, frequency, 'default')).toBeLessThanOrEqual(-75);
      }
    },
  );

  it.each(voicePairs.filter(([from, to]) => from < to))(
    '%i -> %i: images of tones up to 0.95 x the input Nyquist are rejected by >= 75 dB',
    (from, to) => {
      const nyquist = from / 2;
      for (const fraction of [0.1, 0.45, 0.8, 0.9, 0.95]) {
        const frequency = fraction * nyquist;
        // An image exactly at the output's Nyquist cannot be measured (its sine samples are all zero).
        if (Math.abs(from - frequency - to / 2) < 50) continue;
        expect(imageLevelDb(from, to, frequency, 'default')).toBeLessThanOrEqual(-75);
      }
    },
  );

  it('the transition band straddles Nyquist as documented: 1.02 x Nyquist is only partly rejected', () => {
    // This pins the stated trade-off (stopband from 1.05, not 1.0): if the filter changes, the docs must too.
    const level = aliasLevelDb(24000, 16000, 1.02 * 8000, 'default');
    expect(level).toBeGreaterThan(-75);
    expect(level).toBeLessThan(-6);
  });

  it.each([
    [24000, 16000],
    [48000, 16000],
    [24000, 8000],
  ] as const)('hq %i -> %i: >= 95 dB from exactly Nyquist, flat within +-0.02 dB', (from, to) => {
    const nyquist = to / 2;
    for (const fraction of [1.01, 1.05, 1.2, 1.5]) {
      const frequency = fraction * nyquist;
      if (frequency < from / 2) expect(aliasLevelDb(from, to, frequency, 'hq')).toBeLessThanOrEqual(-95);
    }
    for (const fraction of [0.1, 0.6, 0.9]) expect(Math.abs(toneGainDb(from, to, fraction * nyquist, 'hq'))).toBeLessThanOrEqual(0.02);
  });

  it('hq 16000 -> 24000: images >= 95 dB down', () => {
    for (const fraction of [0.3, 0.9, 0.99]) expect(imageLevelDb(16000, 24000, fraction * 8000, 'hq')).toBeLessThanOrEqual(-95);
  });
});

describe('resampler fidelity', () => {
  it.each(voicePairs)('%i -> %i: SNR against the ideal sine >= 45 dB; all but the tone <= -75 dB', (from, to) => {
    // The SNR is bounded by the allowed passband ripple (+-0.05 dB is a 0.58% amplitude error, -45 dB); once the
    // tone's gain and phase are fitted, what remains (images, aliases, rounding) is bounded by the stopband.
    const frequency = 1000;
    const amplitude = 16000;
    const out = resample(sineWave({ frequency, sampleRate: from, samples: from / 2, amplitude }), from, to);
    const edge = 200;
    let signal = 0;
    let error = 0;
    const [fitted] = measureTones(out, to, [frequency], edge, out.length - edge);
    let residual = 0;
    const step = (2 * Math.PI * frequency) / to;
    for (let i = edge; i < out.length - edge; i += 1) {
      const ideal = amplitude * Math.sin(step * i);
      signal += ideal * ideal;
      error += (out[i] - ideal) ** 2;
      residual += (out[i] - fitted.amplitude * Math.sin(step * (i - edge) + fitted.phase)) ** 2;
    }
    expect(10 * Math.log10(signal / error)).toBeGreaterThanOrEqual(45);
    expect(10 * Math.log10(residual / signal)).toBeLessThanOrEqual(-75);
  });

  it('one-shot output is time-aligned with the input (delay compensated)', () => {
    const out = resample(sineWave({ frequency: 440, sampleRate: 8000, samples: 8000, amplitude: 10000 }), 8000, 24000);
    const [tone] = measureTones(out, 24000, [440], 300, out.length - 300);
    // Phase of the fitted tone at sample 300 of the output equals the input's phase at the same time.
    const expectedPhase = (2 * Math.PI * 440 * 300) / 24000;
    const diff = Math.atan2(Math.sin(tone.phase - expectedPhase), Math.cos(tone.phase - expectedPhase));
    expect(Math.abs(diff)).toBeLessThan(0.01); // < 4 us at 440 Hz
  });

  it('streamed output lags by exactly delaySamples', () => {
    const resampler = createResampler({ fromRate: 16000, toRate: 24000 });
    const input = sineWave({ frequency: 700, sampleRate: 16000, samples: 16000, amplitude: 10000 });
    const { output } = stream(resampler, input, [320]);
    const [tone] = measureTones(output, 24000, [700], 1000, output.length - 200);
    const expectedPhase = (2 * Math.PI * 700 * (1000 - resampler.delaySamples)) / 24000;
    const diff = Math.atan2(Math.sin(tone.phase - expectedPhase), Math.cos(tone.phase - expectedPhase));
    expect(Math.abs(diff)).toBeLessThan(0.01);
  });

  it('passes DC and full-scale square waves without wrapping (saturates instead)', () => {
    const square = new Int16Array(4800).map((_, i) => (Math.floor(i / 40) % 2 === 0 ? 32767 : -32768));
    const out = resample(square, 48000, 16000);
    // Gibbs overshoot would exceed int16: it must clip at the rails, never wrap to the other sign.
    let wrapped = 0;
    for (let i = 40; i < out.length - 40; i += 1) {
      const expectedSign = Math.floor((i * 3) / 40) % 2 === 0 ? 1 : -1;
      const mid = (i * 3) % 40 > 6 && (i * 3) % 40 < 34; // away from edges
      if (mid && Math.sign(out[i]) !== expectedSign) wrapped += 1;
    }
    expect(wrapped).toBe(0);
    expect(Math.max(...out)).toBe(32767);
    const dc = resample(new Int16Array(2000).fill(1234), 8000, 24000);
    // DC sits in the passband: within the +-0.05 dB ripple (0.58%) and a rounding step.
    expect(Array.from(dc.subarray(200, 5800)).every((v) => Math.abs(v - 1234) <= 1234 * 0.0058 + 1)).toBe(true);
  });
});

describe('resampler output counts', () => {
  const sizes: readonly (readonly number[])[] = [[320], [1], [7, 13, 1, 333], [160, 161, 159], [4096]];

  it.each([
    [16000, 24000],
    [24000, 16000],
    [8000, 24000],
    [24000, 8000],
    [48000, 16000],
    [44100, 16000],
    [16000, 44100],
    [22050, 8000],
    [11025, 48000],
  ] as const)('%i -> %i: after every chunk, total out == floor(total in * to / from)', (from, to) => {
    for (const pattern of sizes) {
      const resampler = createResampler({ fromRate: from, toRate: to });
      const input = new Int16Array(3000).map((_, i) => (i * 37) % 2000);
      let totalIn = 0;
      let totalOut = 0;
      let offset = 0;
      for (let i = 0; offset < input.length; i += 1) {
        const size = Math.min(pattern[i % pattern.length], input.length - offset);
        const expected = resampler.outputLength(size);
        const out = resampler.process(input.subarray(offset, offset + size));
        offset += size;
        totalIn += size;
        totalOut += out.length;
        expect(out.length).toBe(expected);
        expect(totalOut).toBe(Math.floor((totalIn * to) / from));
      }
    }
  });

  it('20 ms chunks give exactly 20 ms out, every chunk, no bursts', () => {
    for (const [from, to] of [
      [16000, 24000],
      [24000, 16000],
      [8000, 24000],
      [24000, 8000],
      [48000, 16000],
      [44100, 48000],
    ] as const) {
      const resampler = createResampler({ fromRate: from, toRate: to });
      for (let i = 0; i < 50; i += 1) expect(resampler.process(new Int16Array(from / 50)).length).toBe(to / 50);
    }
  });

  it('chunking does not change the output: any chunk sizes give the same samples as one chunk', () => {
    const input = sineWave({ frequency: 1234, sampleRate: 44100, samples: 4410, amplitude: 20000 });
    const whole = createResampler({ fromRate: 44100, toRate: 16000 }).process(input);
    for (const pattern of sizes) {
      const { output } = stream(createResampler({ fromRate: 44100, toRate: 16000 }), input, pattern);
      expect(output).toEqual(whole);
    }
  });

  it('streaming + flush == one-shot, shifted by delaySamples', () => {
    for (const [from, to] of [
      [16000, 24000],
      [24000, 8000],
      [22050, 16000],
    ] as const) {
      const input = sineWave({ frequency: 300, sampleRate: from, samples: 1000, amplitude: 9000 });
      const resampler = createResampler({ fromRate: from, toRate: to });
      const { output } = stream(resampler, input, [7, 100, 33]);
      const tail = resampler.flush();
      const all = new Int16Array(output.length + tail.length);
      all.set(output);
      all.set(tail, output.length);
      const oneShot = resample(input, from, to);
      expect(oneShot.length).toBe(Math.round((1000 * to) / from));
      expect(all.subarray(resampler.delaySamples)).toEqual(oneShot);
    }
  });

  it('processInto writes the same samples without allocating and refuses a short buffer', () => {
    const input = sineWave({ frequency: 500, sampleRate: 16000, samples: 320 });
    const expected = createResampler({ fromRate: 16000, toRate: 24000 }).process(input);
    const resampler = createResampler({ fromRate: 16000, toRate: 24000 });
    const out = new Int16Array(1000);
    const written = resampler.processInto(input, out);
    expect(written).toBe(480);
    expect(out.subarray(0, written)).toEqual(expected);
    expect(() => resampler.processInto(input, new Int16Array(10))).toThrow(RangeError);
    // The refused call consumed nothing: the stream goes on as if it never happened.
    const again = createResampler({ fromRate: 16000, toRate: 24000 });
    again.process(input);
    expect(resampler.process(input)).toEqual(again.process(input));
  });

  it('reset() forgets the stream: output after reset equals a fresh resampler', () => {
    const a = createResampler({ fromRate: 8000, toRate: 24000 });
    a.process(sineWave({ frequency: 1000, sampleRate: 8000, samples: 555, amplitude: 30000 }));
    a.reset();
    const b = createResampler({ fromRate: 8000, toRate: 24000 });
    const input = sineWave({ frequency: 300, sampleRate: 8000, samples: 160 });
    expect(a.process(input)).toEqual(b.process(input));
  });
});

describe('resampler delay and identity', () => {
  it('default delay is <= 3 ms for every voice pair, and hq is longer', () => {
    for (const [from, to] of voicePairs) {
      const resampler = createResampler({ fromRate: from, toRate: to });
      expect(resampler.delayMs).toBeLessThanOrEqual(resamplerQualitySpecs.default.maxDelayMs ?? Infinity);
      expect(Number.isInteger(resampler.delaySamples)).toBe(true);
      expect(resampler.delayMs).toBeCloseTo((resampler.delaySamples / to) * 1000, 9);
      expect(createResampler({ fromRate: from, toRate: to, quality: 'hq' }).delayMs).toBeGreaterThan(resampler.delayMs);
    }
  });

  it('equal rates pass samples through unchanged with zero delay (a copy, not the caller\'s array)', () => {
    const resampler = createResampler({ fromRate: 16000, toRate: 16000 });
    const input = sineWave({ frequency: 100, sampleRate: 16000, samples: 320 });
    const out = resampler.process(input);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(resampler.delaySamples).toBe(0);
    expect(resampler.flush().length).toBe(0);
    expect(resample(input, 16000, 16000)).toEqual(input);
  });

  it('empty input yields empty output: an empty chunk, a flush with nothing fed, a one-shot of nothing', () => {
    expect(createResampler({ fromRate: 8000, toRate: 16000 }).flush().length).toBe(0);
    expect(resample(new Int16Array(0), 8000, 16000).length).toBe(0);
    expect(resample(Int16Array.of(1000), 16000, 24000).length).toBe(2);
    const resampler = createResampler({ fromRate: 24000, toRate: 8000 });
    expect(resampler.process(new Int16Array(0)).length).toBe(0);
    expect(resampler.process(new Int16Array(480)).length).toBe(160);
  });
});

describe('resampler input validation', () => {
  it.each([
    [0, 16000],
    [-8000, 16000],
    [Number.NaN, 16000],
    [16000, Number.POSITIVE_INFINITY],
    [16000.5, 24000],
    [500, 16000],
    [16000, 1_000_000],
  ])('refuses rates %p -> %p with a typed, actionable error', (from, to) => {
    let error: unknown;
    try {
      createResampler({ fromRate: from, toRate: to });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AudioConfigError);
    expect((error as AudioConfigError).code).toBe('invalid_audio_config');
    expect((error as AudioConfigError).message).toMatch(/integer number of Hz between/);
  });

  it('refuses ratios that need too many filter phases, naming the reduced ratio', () => {
    expect(() => createResampler({ fromRate: 44100, toRate: 47999 })).toThrow(/reduces to 6857\/6300/);
  });

  it('refuses samples that are not PCM16 (a Float32Array full of NaN from untyped code) instead of clicking', () => {
    for (const resampler of [createResampler({ fromRate: 16000, toRate: 24000 }), createResampler({ fromRate: 16000, toRate: 16000 })]) {
      expect(() => resampler.process(new Float32Array(320).fill(Number.NaN) as unknown as Int16Array)).toThrow(AudioDataError);
      expect(() => resampler.process([1, 2, 3] as unknown as Int16Array)).toThrow(/Int16Array, got Array/);
    }
  });

  it('refuses an unknown quality', () => {
    expect(() => createResampler({ fromRate: 8000, toRate: 16000, quality: 'ultra' as ResamplerQuality })).toThrow(AudioConfigError);
  });
});
