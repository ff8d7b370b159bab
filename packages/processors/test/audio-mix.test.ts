/**
 * Mixing (saturating, never wrapping), stream mixing of two inputs arriving in different chunk sizes, silence and
 * the signal measurements the other tests rely on.
 */
import { AudioConfigError } from '../src/audio/errors';
import { mix, mixInto, StreamMixer } from '../src/audio/mix';
import { levelDbfs, measureTones, rms, samplesForDuration, silence, sineWave } from '../src/audio/signal';

describe('mix', () => {
  it('adds sample by sample and saturates at the rails instead of wrapping', () => {
    const a = Int16Array.of(1000, 30000, -30000, 5);
    const b = Int16Array.of(-200, 10000, -10000, 0);
    expect(Array.from(mix(a, b))).toEqual([800, 32767, -32768, 5]);
  });

  it('applies gains with rounding, and treats the shorter input as silence', () => {
    expect(Array.from(mix(Int16Array.of(100, 101), Int16Array.of(10), { gainA: 0.5, gainB: 2 }))).toEqual([70, 51]);
  });

  it('mixes in place into one of its inputs', () => {
    const a = Int16Array.of(1, 2, 3);
    expect(mixInto(a, Int16Array.of(10, 10, 10), a)).toBe(3);
    expect(Array.from(a)).toEqual([11, 12, 13]);
    expect(() => mixInto(a, new Int16Array(5), new Int16Array(4))).toThrow(RangeError);
    expect(() => mix(a, a, { gainA: Number.NaN })).toThrow(AudioConfigError);
  });

  it('two tones mixed keep both, each at its own level', () => {
    const a = sineWave({ frequency: 300, sampleRate: 16000, samples: 1600, amplitude: 8000 });
    const b = sineWave({ frequency: 1300, sampleRate: 16000, samples: 1600, amplitude: 4000 });
    const [low, high] = measureTones(mix(a, b), 16000, [300, 1300]);
    expect(low.amplitude).toBeCloseTo(8000, -1);
    expect(high.amplitude).toBeCloseTo(4000, -1);
  });
});

describe('StreamMixer', () => {
  it('outputs only what both inputs cover, then the rest with readAll', () => {
    const mixer = new StreamMixer();
    mixer.writeA(Int16Array.of(1, 2, 3));
    mixer.writeB(Int16Array.of(10));
    expect(Array.from(mixer.read())).toEqual([11]);
    mixer.writeB(Int16Array.of(20, 30, 40));
    expect(Array.from(mixer.read())).toEqual([22, 33]);
    expect(mixer.buffered).toEqual({ a: 0, b: 1 });
    expect(Array.from(mixer.readAll())).toEqual([40]);
  });

  it('bounds each side and counts what a stalled side forced out', () => {
    const mixer = new StreamMixer({ capacity: 4 });
    mixer.writeA(new Int16Array(10));
    expect(mixer.droppedSamples).toBe(6);
    mixer.clear();
    expect(mixer.read().length).toBe(0);
  });
});

describe('silence and signal helpers', () => {
  it('silence lasts exactly the duration (frames x channels) and is all zeros', () => {
    const s = silence(20, 8000, 2);
    expect(s.length).toBe(320);
    expect(s.every((v) => v === 0)).toBe(true);
    expect(samplesForDuration(10, 44100)).toBe(441);
    expect(() => silence(-1, 8000)).toThrow(AudioConfigError);
  });

  it('levels: a full-scale sine is 0 dBFS, half scale is -6 dBFS, silence is -Infinity', () => {
    expect(levelDbfs(sineWave({ frequency: 1000, sampleRate: 48000, samples: 48000, amplitude: 32767 }))).toBeCloseTo(0, 2);
    expect(levelDbfs(sineWave({ frequency: 1000, sampleRate: 48000, samples: 48000, amplitude: 16384 }))).toBeCloseTo(-6.02, 1);
    expect(levelDbfs(silence(10, 8000))).toBe(-Infinity);
    expect(rms(new Int16Array(0))).toBe(0);
  });

  it('measureTones separates a weak tone 80 dB under a strong one 400 Hz away', () => {
    // Unrounded: int16 rounding of a 3800 Hz tone at 24 kHz repeats every 120 samples and puts its own spur at 4200 Hz.
    const strong = new Float64Array(24000).map((_, i) => 30000 * Math.sin((2 * Math.PI * 3800 * i) / 24000));
    const weak = new Float64Array(24000).map((_, i) => 3 * Math.sin((2 * Math.PI * 4200 * i) / 24000 + 0.3));
    const signal = new Float64Array(24000).map((_, i) => strong[i] + weak[i]);
    const [, found] = measureTones(signal, 24000, [3800, 4200]);
    expect(found.amplitude).toBeCloseTo(3, 2);
    expect(found.phase).toBeCloseTo(0.3, 2);
  });
});
