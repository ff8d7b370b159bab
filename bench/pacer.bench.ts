/**
 * Output pacing and barge-in (the targets table in docs/benchmarks.md).
 *
 * 1. CPU per released chunk: N sessions, each an `outputPacer` on the real clock (its own drift-free timer), fed
 *    100 ms frames by one shared 100 ms ticker the way a provider streams a reply. Beside it, in the same run: the
 *    least a pacer can do, one shared 20 ms ticker that cuts a 20 ms chunk per session from a prepared buffer into
 *    a fresh frame and hands it to a sink (no per-session timer, no playback clock, no held frames).
 * 2. Barge-in: `s2sProcessor -> outputPacer` pipelines with 5 s of reply queued; wall time from the interruption
 *    entering the pipeline to it leaving the pacer with the queue dropped, the provider told the played time, and
 *    the final playback progress sent. Anchor: the same with nothing queued.
 */
import { performance } from 'node:perf_hooks';
import { createProcessorContext, makeFrame, pipeline, type Frame, type FrameNode } from '@voxframe/core';
import { ScriptedS2S } from '@voxframe/core/testing';
import { outputPacer, s2sProcessor } from '@voxframe/processors';
import type { BenchRow } from './types';
import { percentile } from './stats';

const RATE = 24000;
const CHUNK = 480;

function sink(node: FrameNode, onFrame: (frame: Frame) => void): void {
  node.setTarget('downstream', { receive: (frame) => onFrame(frame) });
  node.setTarget('upstream', { receive: () => undefined });
}

function start(node: FrameNode): void {
  // The default context runs on the real clock (RxJS asyncScheduler).
  node.attach(createProcessorContext());
  node.receive(makeFrame('start', { allowInterruptions: true, enableMetrics: false }), 'downstream');
}

async function pacerCpu(sessions: number, seconds: number): Promise<{ usPerChunk: number; chunks: number }> {
  let chunks = 0;
  const pacers = Array.from({ length: sessions }, () => {
    const pacer = outputPacer();
    sink(pacer, (frame) => {
      if (frame.type === 'audio.output') chunks += 1;
    });
    start(pacer);
    return pacer;
  });
  const piece = new Int16Array(RATE / 10).fill(1000);
  const feed = (): void => {
    for (const pacer of pacers) pacer.receive(makeFrame('audio.output', { samples: piece, sampleRate: RATE, channels: 1, utteranceId: 'u' }), 'downstream');
  };
  // Half a second ahead, then one piece per 100 ms: the queue never runs dry (a busy loop delays the feeder too)
  // and every chunk goes out on the pacer's own timer.
  for (let i = 0; i < 5; i++) feed();
  const cpu0 = process.cpuUsage();
  const ticker = setInterval(feed, 100);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(ticker);
  const cpu = process.cpuUsage(cpu0);
  const released = chunks;
  for (const pacer of pacers) pacer.dispose();
  return { usPerChunk: (cpu.user + cpu.system) / released, chunks: released };
}

async function naiveCpu(sessions: number, seconds: number): Promise<{ usPerChunk: number; chunks: number }> {
  let chunks = 0;
  const buffers = Array.from({ length: sessions }, () => new Int16Array(RATE).fill(1000));
  const offsets = new Array<number>(sessions).fill(0);
  const deliver = (frame: Frame): void => {
    if (frame.type === 'audio.output') chunks += 1;
  };
  const cpu0 = process.cpuUsage();
  const ticker = setInterval(() => {
    for (let s = 0; s < sessions; s++) {
      const offset = offsets[s];
      const samples = buffers[s].slice(offset, offset + CHUNK);
      offsets[s] = (offset + CHUNK) % RATE;
      deliver(makeFrame('audio.output', { samples, sampleRate: RATE, channels: 1, utteranceId: 'u' }));
    }
  }, 20);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(ticker);
  const cpu = process.cpuUsage(cpu0);
  return { usPerChunk: (cpu.user + cpu.system) / chunks, chunks };
}

async function bargeIn(sessions: number, queuedMs: number): Promise<{ p50: number; p99: number }> {
  const latencies: number[] = [];
  const agents: FrameNode[] = [];
  for (let s = 0; s < sessions; s++) {
    const engine = new ScriptedS2S();
    const agent = pipeline(s2sProcessor({ s2s: engine }), outputPacer());
    let t0 = 0;
    sink(agent, (frame) => {
      if (frame.type === 'interruption.start') latencies.push((performance.now() - t0) * 1000);
    });
    start(agent);
    await new Promise((resolve) => setImmediate(resolve));
    const session = engine.session;
    session.emit({ type: 'response.started' });
    for (let t = 0; t < queuedMs; t += 100) session.emit({ type: 'audio', samples: new Int16Array(RATE / 10), sampleRate: RATE, utteranceId: 'i1' });
    agents.push(agent);
    const interrupt = makeFrame('interruption.start', { reason: 'user-speech' });
    t0 = performance.now();
    agent.receive(interrupt, 'downstream');
  }
  for (const agent of agents) agent.dispose();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  const sessions = opts.quick ? 200 : 1000;
  const seconds = opts.quick ? 2 : 5;
  const naive = await naiveCpu(sessions, seconds);
  const paced = await pacerCpu(sessions, seconds);
  const bargeSessions = opts.quick ? 200 : 1000;
  await bargeIn(20, 5000); // warm-up
  const empty = await bargeIn(bargeSessions, 0);
  const full = await bargeIn(bargeSessions, 5000);
  return [
    {
      name: `outputPacer: CPU per released 20 ms chunk, ${sessions} sessions on real timers`,
      value: paced.usPerChunk,
      unit: 'us',
      anchor: 'shared 20 ms ticker cutting a chunk per session into a frame',
      anchorValue: naive.usPerChunk,
      ratio: paced.usPerChunk / naive.usPerChunk,
      notes: `${paced.chunks} chunks paced vs ${naive.chunks}; includes the pacer's own timer per session, ring writes, progress and speaking frames`,
    },
    {
      name: 'barge-in: interruption -> 5 s of queued output dropped, provider truncated (s2s -> pacer), p99',
      value: full.p99,
      unit: 'us',
      anchor: 'same with nothing queued',
      anchorValue: empty.p99,
      ratio: full.p99 / empty.p99,
      target: '<= 5 ms p99 (whole barge-in, transport clear included)',
      pass: full.p99 <= 5000,
      notes: `p50 ${full.p50.toFixed(1)} us (empty: ${empty.p50.toFixed(1)} us), ${bargeSessions} sessions, wall time`,
    },
  ];
}
