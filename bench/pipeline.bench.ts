/**
 * Pipeline overhead (the targets table in docs/benchmarks.md): 6 pass-through processors, 1000 sessions x 50 frames/s, interleaved
 * from one 20 ms ticker (a single hot loop under-reports per-frame cost ~15x). Beside it, in the same run and the
 * same ticker: a plain function-call chain, an RxJS `map` x6 chain, and a Node Transform-stream chain (LiveKit's
 * way). CPU time per frame for throughput; push->sink wall time for latency percentiles.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { Subject, map, type Observable } from 'rxjs';
import { FrameProcessor, createProcessorContext, makeFrame, pipeline, type Frame } from '@voxframe/core';
import type { BenchRow } from './types';
import { percentile } from './stats';

const HOPS = 6;
const SESSIONS = 1000;
const TICK_MS = 20;
const SAMPLES_PER_FRAME = 320; // 20 ms at 16 kHz

interface Variant {
  readonly name: string;
  /** Pushes one frame into session `s`; the chain calls the sink when it arrives. */
  push(session: number, frame: Frame): void;
  cpuUs: number;
  frames: number;
  latencies: number[];
}

class Pass extends FrameProcessor {}

function makeVariants(onSink: (variant: Variant, session: number) => void): Variant[] {
  const variants: Variant[] = [];

  // voxframe: FrameProcessor x6 in pipeline() per session, started, its tail linked to the sink
  const vox: Variant = { name: 'voxframe pipeline x6', push: () => undefined, cpuUs: 0, frames: 0, latencies: [] };
  const voxInputs: ((frame: Frame) => void)[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    const chain = pipeline(...Array.from({ length: HOPS }, () => new Pass()));
    chain.attach(createProcessorContext());
    chain.receive(makeFrame('start', { allowInterruptions: true, enableMetrics: false }), 'downstream');
    chain.setTarget('downstream', { receive: () => onSink(vox, s) });
    voxInputs.push((frame) => chain.receive(frame, 'downstream'));
  }
  vox.push = (s, frame) => voxInputs[s](frame);
  variants.push(vox);

  // plain function calls
  const plain: Variant = { name: 'plain calls x6', push: () => undefined, cpuUs: 0, frames: 0, latencies: [] };
  const plainChains: ((frame: Frame) => void)[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    const session = s;
    let next: (frame: Frame) => void = () => onSink(plain, session);
    for (let h = 0; h < HOPS; h++) {
      const after = next;
      next = (frame) => after(frame);
    }
    plainChains.push(next);
  }
  plain.push = (s, frame) => plainChains[s](frame);
  variants.push(plain);

  // RxJS map x6
  const rx: Variant = { name: 'RxJS map x6', push: () => undefined, cpuUs: 0, frames: 0, latencies: [] };
  const rxInputs: Subject<Frame>[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    const input = new Subject<Frame>();
    let chain: Observable<Frame> = input;
    for (let h = 0; h < HOPS; h++) chain = chain.pipe(map((f: Frame) => f));
    const session = s;
    chain.subscribe(() => onSink(rx, session));
    rxInputs.push(input);
  }
  rx.push = (s, frame) => rxInputs[s].next(frame);
  variants.push(rx);

  // Node Transform streams x6 (objectMode), piped
  const streams: Variant = { name: 'Transform streams x6', push: () => undefined, cpuUs: 0, frames: 0, latencies: [] };
  const streamInputs: Transform[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    const hops = Array.from(
      { length: HOPS },
      () =>
        new Transform({
          objectMode: true,
          transform(chunk: Frame, _encoding: BufferEncoding, callback: TransformCallback) {
            callback(null, chunk);
          },
        }),
    );
    for (let h = 0; h + 1 < HOPS; h++) hops[h].pipe(hops[h + 1]);
    const session = s;
    hops[HOPS - 1].on('data', () => onSink(streams, session));
    streamInputs.push(hops[0]);
  }
  streams.push = (s, frame) => void streamInputs[s].write(frame);
  variants.push(streams);
  return variants;
}

export async function run({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const ticks = quick ? 60 : 250;
  const warmupTicks = quick ? 10 : 25;
  const pushedAt = new Float64Array(SESSIONS);
  let pending = 0;
  let drained: (() => void) | undefined;
  let measuring = false;
  const onSink = (variant: Variant, session: number): void => {
    if (measuring) variant.latencies.push((performance.now() - pushedAt[session]) * 1000);
    pending -= 1;
    if (pending === 0 && drained) drained();
  };
  const variants = makeVariants(onSink);
  // One pooled buffer: frames are views over it, as on a real audio path.
  const pool = new Int16Array(SAMPLES_PER_FRAME * 4);
  let frameId = 0;
  for (let tick = 0; tick < ticks + warmupTicks; tick++) {
    measuring = tick >= warmupTicks;
    const tickStart = performance.now();
    // Rotate the order so no variant always runs first (cache and GC effects spread evenly).
    for (let v = 0; v < variants.length; v++) {
      const variant = variants[(tick + v) % variants.length];
      pending = SESSIONS;
      const done = new Promise<void>((resolve) => {
        drained = resolve;
      });
      const cpu0 = process.cpuUsage();
      for (let s = 0; s < SESSIONS; s++) {
        const frame = {
          type: 'audio.input',
          kind: 'data',
          id: ++frameId,
          ptsMs: tick * TICK_MS,
          samples: pool.subarray((s % 4) * SAMPLES_PER_FRAME, ((s % 4) + 1) * SAMPLES_PER_FRAME),
          sampleRate: 16000,
          channels: 1,
        } as Frame;
        pushedAt[s] = performance.now();
        variant.push(s, frame);
      }
      if (pending > 0) await done;
      const cpu = process.cpuUsage(cpu0);
      if (measuring) {
        variant.cpuUs += cpu.user + cpu.system;
        variant.frames += SESSIONS;
      }
    }
    const elapsed = performance.now() - tickStart;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, TICK_MS - elapsed)));
  }
  const perFrame = (v: Variant): number => v.cpuUs / v.frames;
  const [vox, plain, rx, streams] = variants;
  const sorted = vox.latencies.sort((a, b) => a - b);
  const voxUs = perFrame(vox);
  const rows: BenchRow[] = [
    { name: 'pipeline x6: CPU per frame', value: voxUs, unit: 'us', anchor: 'plain calls x6', anchorValue: perFrame(plain), ratio: voxUs / perFrame(plain), target: '<= 5 us', pass: voxUs <= 5 },
    { name: 'pipeline x6 vs RxJS map x6', value: voxUs, unit: 'us', anchor: 'RxJS map x6', anchorValue: perFrame(rx), ratio: voxUs / perFrame(rx) },
    {
      name: 'pipeline x6 vs Transform streams x6',
      value: voxUs,
      unit: 'us',
      anchor: 'Transform streams x6',
      anchorValue: perFrame(streams),
      ratio: voxUs / perFrame(streams),
      target: 'ratio <= 0.5',
      pass: voxUs / perFrame(streams) <= 0.5,
    },
    { name: 'pipeline x6: push->sink p50', value: percentile(sorted, 50), unit: 'us' },
    {
      name: 'pipeline x6: push->sink p99',
      value: percentile(sorted, 99),
      unit: 'us',
      anchor: 'RxJS map x6 p99',
      anchorValue: percentile(rx.latencies.sort((a, b) => a - b), 99),
      target: '<= 50 us',
      pass: percentile(sorted, 99) <= 50,
      notes: `${SESSIONS} sessions x ${1000 / TICK_MS} frames/s, ${ticks} ticks of ${TICK_MS} ms, frames are views over one pooled buffer`,
    },
  ];
  for (const r of rows) if (r.ratio === undefined && r.anchorValue !== undefined) r.ratio = r.value / r.anchorValue;
  return rows;
}
