/**
 * Streaming resampler (the targets table in docs/benchmarks.md): throughput in x real time per core (CPU time), 20 ms chunks, 200
 * streams fed round-robin (so each chunk meets a cold-ish stream state, as in a server with many calls, instead of
 * one hot loop that flatters the number), and the quality the speed buys: stopband rejection, passband ripple,
 * delay. Measured in the same run, same method:
 * - ours (`createResampler`, default and hq);
 * - `speex-resampler` (the Speex resampler compiled to wasm), quality 5;
 * - a naive stateful linear-interpolation resampler (written below), the "no filter" approach.
 *
 * Quality is measured on the streamed output with tones (joint least-squares fit, see `measureTones`):
 * stopband = the worst level left by a tone between 1.05x and 3x the output Nyquist (downsampling: its alias) or the
 * worst image of a tone up to 0.95x the input Nyquist (upsampling); passband = the worst gain error up to 0.9x the
 * lower Nyquist; delay = group delay from the phase of a 50 Hz tone.
 */
import SpeexResampler from 'speex-resampler';
import { createResampler, measureTones, sineWave, type ResamplerQuality } from '@voxframe/processors';
import type { BenchRow } from './types';
import { cpuSeconds, median } from './stats';

/** One streaming resampler under test: 20 ms of PCM16 in, whatever it produces out. */
interface Streamer {
  process(chunk: Int16Array): Int16Array;
}

interface Implementation {
  readonly name: string;
  create(from: number, to: number): Streamer;
}

const ours = (quality: ResamplerQuality): Implementation => ({
  name: quality === 'hq' ? 'voxframe hq' : 'voxframe',
  create: (from, to) => createResampler({ fromRate: from, toRate: to, quality }),
});

/** Ours through the allocation-free `processInto` (one shared output buffer), to price `process()`'s fresh array. */
const oursInto: Implementation = {
  name: 'voxframe processInto',
  create(from, to) {
    const resampler = createResampler({ fromRate: from, toRate: to });
    const out = new Int16Array(4096);
    return {
      process(chunk) {
        return out.subarray(0, resampler.processInto(chunk, out));
      },
    };
  },
};

const speex: Implementation = {
  name: 'speex-resampler wasm q5',
  create(from, to) {
    const resampler = new SpeexResampler(1, from, to, 5);
    return {
      process(chunk) {
        const out = resampler.processChunk(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        return new Int16Array(out.buffer, out.byteOffset, out.length >> 1);
      },
    };
  },
};

/** The naive approach: linear interpolation between neighbours, state carried so chunks join, no filter at all. */
class LinearInterpolationResampler implements Streamer {
  readonly #step: number;
  /** Position of the next output, in input samples relative to the current chunk's first sample (-1 = previous chunk's last). */
  #position = 0;
  #previous = 0;

  constructor(from: number, to: number) {
    this.#step = from / to;
  }

  process(chunk: Int16Array): Int16Array {
    const n = chunk.length;
    const count = Math.max(0, Math.ceil((n - 1 - this.#position) / this.#step));
    const out = new Int16Array(count);
    let t = this.#position;
    for (let k = 0; k < count; k += 1) {
      const i = Math.floor(t);
      const frac = t - i;
      const a = i < 0 ? this.#previous : chunk[i];
      out[k] = Math.round(a + (chunk[i + 1] - a) * frac);
      t += this.#step;
    }
    this.#position = t - n;
    this.#previous = chunk[n - 1];
    return out;
  }
}

const linear: Implementation = { name: 'linear interpolation', create: (from, to) => new LinearInterpolationResampler(from, to) };

const STREAMS = 200;

/** x real time per core: seconds of audio processed per CPU second, median of `rounds`. */
function throughput(impl: Implementation, from: number, to: number, cpuSecondsPerRound: number, rounds: number): number {
  const chunkSamples = from / 50;
  const streams = Array.from({ length: STREAMS }, () => impl.create(from, to));
  // 16 different chunks of noisy tone, so no stream sees the same data twice in a row.
  const chunks = Array.from({ length: 16 }, (_, k) => {
    const tone = sineWave({ frequency: 200 + 97 * k, sampleRate: from, samples: chunkSamples, amplitude: 9000 });
    return tone.map((v, i) => v + (((i * 7919 + k * 104729) % 2001) - 1000));
  });
  const run = (count: number): void => {
    for (let i = 0; i < count; i += 1) streams[i % STREAMS].process(chunks[i & 15]);
  };
  run(STREAMS * 20); // warm up (JIT, first designs, wasm)
  // Calibrate the chunk count to the CPU budget, then measure.
  let count = STREAMS * 10;
  for (;;) {
    const t0 = process.cpuUsage();
    run(count);
    const used = cpuSeconds(t0);
    if (used > cpuSecondsPerRound / 4) {
      count = Math.max(STREAMS, Math.round((count * cpuSecondsPerRound) / used));
      break;
    }
    count *= 4;
  }
  const results: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    const t0 = process.cpuUsage();
    run(count);
    results.push((count * 0.02) / cpuSeconds(t0));
  }
  return median(results);
}

/** Streams `input` through a fresh resampler in 20 ms chunks. */
function streamThrough(impl: Implementation, from: number, to: number, input: Int16Array): Int16Array {
  const resampler = impl.create(from, to);
  const parts: Int16Array[] = [];
  const chunk = from / 50;
  for (let offset = 0; offset + chunk <= input.length; offset += chunk) parts.push(resampler.process(input.subarray(offset, offset + chunk)));
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const db = (ratio: number): number => 20 * Math.log10(Math.max(ratio, 1e-12));

interface Quality {
  /** Worst alias/image level, dB re the input tone (more negative is better). */
  readonly stopbandDb: number;
  /** Worst passband gain error, dB. */
  readonly rippleDb: number;
  readonly delayMs: number;
  /** Level left by a tone at 1.02x the lower Nyquist (inside the default filter's transition band), dB. */
  readonly transitionDb: number;
}

/**
 * A test tone with triangular dither of +-1 LSB: without it, rounding a pure tone to int16 leaves a periodic error
 * whose spurs can sit exactly at the alias frequency being measured (in band, so no filter removes them) and cap
 * the measurable rejection near 94 dB; dithered, the rounding error is white and averages out of the fit.
 */
function ditheredTone(frequency: number, sampleRate: number, samples: number, amplitude: number): Int16Array {
  let seed = 12345;
  const uniform = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const out = new Int16Array(samples);
  const step = (2 * Math.PI * frequency) / sampleRate;
  for (let i = 0; i < samples; i += 1) {
    const value = Math.round(amplitude * Math.sin(step * i) + uniform() - uniform());
    out[i] = Math.max(-32768, Math.min(32767, value));
  }
  return out;
}

function measureQuality(impl: Implementation, from: number, to: number): Quality {
  const low = Math.min(from, to) / 2;
  const seconds = 1;
  const tone = (frequency: number, amplitude: number): Int16Array =>
    streamThrough(impl, from, to, ditheredTone(frequency, from, from * seconds, amplitude));
  const edge = Math.round(to * 0.1); // skip the start-up transient
  let stopband = -Infinity;
  if (to < from) {
    for (const fraction of [1.05, 1.1, 1.3, 1.7, 2.3, 2.9]) {
      const frequency = fraction * (to / 2);
      if (frequency >= from / 2) continue;
      let alias = frequency % to;
      if (alias > to / 2) alias = to - alias;
      const out = tone(frequency, 30000);
      const [found] = measureTones(out, to, [alias], edge, out.length);
      stopband = Math.max(stopband, db(found.amplitude / 30000));
    }
  } else {
    for (const fraction of [0.1, 0.45, 0.8, 0.9, 0.95]) {
      const frequency = fraction * (from / 2);
      const image = from - frequency;
      if (Math.abs(image - to / 2) < 50) continue; // an image at the output Nyquist cannot be measured
      const out = tone(frequency, 30000);
      const [, found] = measureTones(out, to, [frequency, image], edge, out.length);
      stopband = Math.max(stopband, db(found.amplitude / 30000));
    }
  }
  let ripple = 0;
  for (const fraction of [0.05, 0.3, 0.6, 0.8, 0.9]) {
    const frequency = fraction * low;
    const out = tone(frequency, 12000);
    const [found] = measureTones(out, to, [frequency], edge, out.length);
    ripple = Math.max(ripple, Math.abs(db(found.amplitude / 12000)));
  }
  // Delay from the phase of a 50 Hz tone: unambiguous up to 20 ms.
  const out = tone(50, 12000);
  const [low50] = measureTones(out, to, [50], edge, out.length);
  const expected = (2 * Math.PI * 50 * edge) / to;
  let lag = expected - low50.phase;
  lag -= 2 * Math.PI * Math.floor(lag / (2 * Math.PI) + 0.5);
  const delayMs = (lag / (2 * Math.PI * 50)) * 1000;
  // Inside the transition band: a downsampled tone at 1.02x Nyquist aliases to 0.98x; an upsampled tone at 0.98x
  // images to 1.02x.
  let transitionDb: number;
  if (to < from) {
    const frequency = 1.02 * (to / 2);
    const out = tone(frequency, 30000);
    const [found] = measureTones(out, to, [to - frequency], edge, out.length);
    transitionDb = db(found.amplitude / 30000);
  } else {
    const frequency = 0.98 * (from / 2);
    const out = tone(frequency, 30000);
    const [, found] = measureTones(out, to, [frequency, from - frequency], edge, out.length);
    transitionDb = db(found.amplitude / 30000);
  }
  return { stopbandDb: stopband, rippleDb: ripple, delayMs, transitionDb };
}

const label = (from: number, to: number): string => `${from / 1000}k->${to / 1000}k`;

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  await SpeexResampler.initPromise;
  const cpuPerRound = opts.quick ? 0.1 : 0.25;
  const rounds = opts.quick ? 3 : 5;
  const rows: BenchRow[] = [];
  const pairs: readonly [number, number, number][] = [
    [8000, 24000, 1000],
    [24000, 8000, 1000],
    [16000, 24000, 1000],
    [24000, 16000, 1000],
    [48000, 16000, 500],
  ];
  for (const [from, to, target] of pairs) {
    const ourSpeed = throughput(ours('default'), from, to, cpuPerRound, rounds);
    const speexSpeed = throughput(speex, from, to, cpuPerRound, rounds);
    const linearSpeed = throughput(linear, from, to, cpuPerRound, rounds);
    const ourQuality = measureQuality(ours('default'), from, to);
    const speexQuality = measureQuality(speex, from, to);
    const linearQuality = measureQuality(linear, from, to);
    const pair = label(from, to);
    rows.push({
      name: `resampler ${pair}: throughput, 20 ms chunks, ${STREAMS} streams`,
      value: ourSpeed,
      unit: 'x realtime/core',
      anchor: speex.name,
      anchorValue: speexSpeed,
      ratio: ourSpeed / speexSpeed,
      target: `>= ${target}x`,
      pass: ourSpeed >= target,
      notes: `linear interpolation (no filter): ${linearSpeed.toFixed(0)}x`,
    });
    rows.push({
      name: `resampler ${pair}: stopband (worst alias/image)`,
      value: -ourQuality.stopbandDb,
      unit: 'dB rejection',
      anchor: speex.name,
      anchorValue: -speexQuality.stopbandDb,
      ratio: -ourQuality.stopbandDb / -speexQuality.stopbandDb,
      target: '>= 75 dB',
      pass: -ourQuality.stopbandDb >= 75,
      notes:
        `from 1.05x Nyquist: the default filter's transition band straddles Nyquist, so 1.00-1.05x aliases only into 0.95-1.00x ` +
        `(at 1.02x: ${(-ourQuality.transitionDb).toFixed(1)} dB, speex ${(-speexQuality.transitionDb).toFixed(1)} dB); ` +
        `linear interpolation: ${(-linearQuality.stopbandDb).toFixed(1)} dB`,
    });
    rows.push({
      name: `resampler ${pair}: passband ripple to 0.9 Nyquist`,
      value: ourQuality.rippleDb,
      unit: '+-dB',
      anchor: speex.name,
      anchorValue: speexQuality.rippleDb,
      ratio: ourQuality.rippleDb / speexQuality.rippleDb,
      target: '<= 0.05 dB',
      pass: ourQuality.rippleDb <= 0.05,
      notes: `linear interpolation: ${linearQuality.rippleDb.toFixed(2)} dB`,
    });
    rows.push({
      name: `resampler ${pair}: delay`,
      value: ourQuality.delayMs,
      unit: 'ms',
      anchor: speex.name,
      anchorValue: speexQuality.delayMs,
      ratio: ourQuality.delayMs / speexQuality.delayMs,
      target: '<= 3 ms',
      pass: ourQuality.delayMs <= 3,
      notes: `declared ${createResampler({ fromRate: from, toRate: to }).delayMs.toFixed(2)} ms; linear interpolation: ${linearQuality.delayMs.toFixed(2)} ms`,
    });
  }
  {
    // Alternated, so JIT and GC state after the other measurements weigh on both alike.
    const freshRuns: number[] = [];
    const reusedRuns: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      freshRuns.push(throughput(ours('default'), 16000, 24000, cpuPerRound / 2, rounds));
      reusedRuns.push(throughput(oursInto, 16000, 24000, cpuPerRound / 2, rounds));
    }
    const fresh = median(freshRuns);
    const reused = median(reusedRuns);
    rows.push({
      name: 'resampler 16k->24k: process() (fresh output array) vs processInto() (caller buffer)',
      value: fresh,
      unit: 'x realtime/core',
      anchor: 'processInto',
      anchorValue: reused,
      ratio: fresh / reused,
      notes: 'process() returns a fresh Int16Array the caller owns (safe to queue in frames); the ratio prices that allocation',
    });
  }
  for (const [from, to] of [
    [16000, 24000],
    [48000, 16000],
  ] as const) {
    const hqSpeed = throughput(ours('hq'), from, to, cpuPerRound, rounds);
    const speexSpeed = throughput(speex, from, to, cpuPerRound, rounds);
    const hqQuality = measureQuality(ours('hq'), from, to);
    const pair = label(from, to);
    rows.push({
      name: `resampler hq ${pair}: throughput`,
      value: hqSpeed,
      unit: 'x realtime/core',
      anchor: speex.name,
      anchorValue: speexSpeed,
      ratio: hqSpeed / speexSpeed,
      target: '>= 300x',
      pass: hqSpeed >= 300,
    });
    rows.push({
      name: `resampler hq ${pair}: stopband (worst alias/image)`,
      value: -hqQuality.stopbandDb,
      unit: 'dB rejection',
      target: '>= 95 dB',
      pass: -hqQuality.stopbandDb >= 95,
      notes: `from exactly Nyquist; ripple ${hqQuality.rippleDb.toFixed(3)} dB, delay ${hqQuality.delayMs.toFixed(2)} ms. dithered test tones`,
    });
  }
  return rows;
}
