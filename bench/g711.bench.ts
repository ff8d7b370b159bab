/**
 * G.711 (the targets table in docs/benchmarks.md): CPU per 160-sample frame (20 ms at 8 kHz, one Twilio media message), ours beside
 * the `alawmulaw` package in the same run, encode and decode, mu-law and A-law. Ours is measured both ways: the
 * allocating form (`encodeMulaw`, a fresh array per frame, like alawmulaw) and the allocation-free `...Into` form.
 * 1000 different frames are cycled so the data is not one hot cache line.
 */
import { alaw, mulaw } from 'alawmulaw';
import {
  decodeAlaw,
  decodeAlawInto,
  decodeMulaw,
  decodeMulawInto,
  encodeAlaw,
  encodeAlawInto,
  encodeMulaw,
  encodeMulawInto,
  sineWave,
} from '@voxframe/processors';
import type { BenchRow } from './types';
import { cpuSeconds, median } from './stats';

const FRAME = 160;
const FRAMES = 1000;

/** Microseconds of CPU per call of `fn` on frame `i`, median of `rounds`, each about `cpuSecondsPerRound`. */
function usPerFrame(fn: (i: number) => unknown, cpuSecondsPerRound: number, rounds: number): number {
  let sink = 0;
  const loop = (count: number): void => {
    for (let i = 0; i < count; i += 1) if (fn(i % FRAMES) === undefined) sink += 1;
  };
  loop(20_000); // warm up
  let count = 20_000;
  for (;;) {
    const t0 = process.cpuUsage();
    loop(count);
    const used = cpuSeconds(t0);
    if (used > cpuSecondsPerRound / 4) {
      count = Math.max(10_000, Math.round((count * cpuSecondsPerRound) / used));
      break;
    }
    count *= 4;
  }
  const results: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    const t0 = process.cpuUsage();
    loop(count);
    results.push((cpuSeconds(t0) * 1e6) / count);
  }
  if (sink < 0) throw new Error('unreachable'); // keeps `sink` observable so the loop is not optimised away
  return median(results);
}

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  const cpuPerRound = opts.quick ? 0.04 : 0.12;
  const rounds = opts.quick ? 3 : 5;
  const speech = sineWave({ frequency: 313, sampleRate: 8000, samples: FRAME * FRAMES, amplitude: 20000 }).map(
    (v, i) => v + (((i * 7919) % 4001) - 2000),
  );
  const pcmFrames = Array.from({ length: FRAMES }, (_, i) => speech.slice(i * FRAME, (i + 1) * FRAME));
  const muFrames = pcmFrames.map((f) => encodeMulaw(f));
  const aFrames = pcmFrames.map((f) => encodeAlaw(f));
  const bytesOut = new Uint8Array(FRAME);
  const samplesOut = new Int16Array(FRAME);

  const cases: {
    readonly name: string;
    readonly ours: (i: number) => unknown;
    readonly oursInto: (i: number) => unknown;
    readonly anchor: (i: number) => unknown;
  }[] = [
    {
      name: 'mu-law encode',
      ours: (i) => encodeMulaw(pcmFrames[i]),
      oursInto: (i) => encodeMulawInto(pcmFrames[i], bytesOut),
      anchor: (i) => mulaw.encode(pcmFrames[i]),
    },
    {
      name: 'mu-law decode',
      ours: (i) => decodeMulaw(muFrames[i]),
      oursInto: (i) => decodeMulawInto(muFrames[i], samplesOut),
      anchor: (i) => mulaw.decode(muFrames[i]),
    },
    {
      name: 'A-law encode',
      ours: (i) => encodeAlaw(pcmFrames[i]),
      oursInto: (i) => encodeAlawInto(pcmFrames[i], bytesOut),
      anchor: (i) => alaw.encode(pcmFrames[i]),
    },
    {
      name: 'A-law decode',
      ours: (i) => decodeAlaw(aFrames[i]),
      oursInto: (i) => decodeAlawInto(aFrames[i], samplesOut),
      anchor: (i) => alaw.decode(aFrames[i]),
    },
  ];

  // Warm every variant up first, so the first measured one does not pay for JIT and the first slab allocations.
  for (const c of cases) {
    for (let i = 0; i < 100_000; i += 1) {
      c.ours(i % FRAMES);
      c.oursInto(i % FRAMES);
      c.anchor(i % FRAMES);
    }
  }
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const ours = usPerFrame(c.ours, cpuPerRound, rounds);
    const oursInto = usPerFrame(c.oursInto, cpuPerRound, rounds);
    const anchor = usPerFrame(c.anchor, cpuPerRound, rounds);
    rows.push({
      name: `G.711 ${c.name}, 160-sample frame (fresh array)`,
      value: ours,
      unit: 'us',
      anchor: 'alawmulaw',
      anchorValue: anchor,
      ratio: ours / anchor,
      target: '<= 0.3 us',
      pass: ours <= 0.3,
    });
    rows.push({
      name: `G.711 ${c.name}, 160-sample frame (...Into, no allocation)`,
      value: oursInto,
      unit: 'us',
      anchor: 'alawmulaw',
      anchorValue: anchor,
      ratio: oursInto / anchor,
      target: '<= 0.3 us',
      pass: oursInto <= 0.3,
    });
  }
  return rows;
}
