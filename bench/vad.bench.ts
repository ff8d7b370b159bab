/**
 * Silero VAD processor (the targets table in docs/benchmarks.md): CPU per 32 ms window with many streams interleaved (50 streams fed
 * 20 ms frames round-robin from one virtual 20 ms ticker), beside the raw single-threaded onnxruntime `session.run`
 * on the same model, the same windows and the same ticker, in the same run. Reports the ratio (target <= 1.2x raw)
 * and streams per core (target >= 150) at 16 and 8 kHz.
 *
 * The processors batch the windows of all streams that complete in the same event-loop turn into one run (see
 * `silero-batcher.ts`), so a second anchor is a hand-written loop doing the same batching: the processor's own
 * overhead is the ratio to that one. The energy VAD's cost is reported for reference.
 *
 * The ticker is virtual (as fast as the CPU allows, one event-loop turn per tick so inference completes), so CPU
 * time per window is what is measured; wall-clock pacing would only add idle time.
 */
import { createProcessorContext, makeFrame, type Frame, type FrameTarget, type InputAudioFrame } from '@voxframe/core';
import {
  configureSileroBatching,
  energyVad,
  loadSileroModel,
  sileroBatcher,
  sileroVad,
  type SileroModel,
  type VadProcessor,
} from '@voxframe/processors';
import type { BenchRow } from './types';
import { cpuUs, median } from './stats';

const STREAMS = 50;
const FRAME_MS = 20;
const WINDOW_MS = 32;
const WINDOWS_PER_STREAM_SECOND = 1000 / WINDOW_MS;

type Rate = 8000 | 16000;

/** A voice-like test signal: 1.5 s of a buzzing vowel, 1 s of faint noise, repeated (the VAD switches state). */
function testAudio(rate: Rate, seconds: number): Int16Array {
  const out = new Int16Array(rate * seconds);
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    const t = i / rate;
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const noise = (seed / 0x7fffffff - 0.5) * 60;
    const voiced = t % 2.5 < 1.5;
    const tone = voiced ? 5000 * (Math.sin(2 * Math.PI * 130 * t) + 0.5 * Math.sin(2 * Math.PI * 650 * t) + 0.3 * Math.sin(2 * Math.PI * 1100 * t)) : 0;
    out[i] = Math.round(tone + noise);
  }
  return out;
}

/** Per stream, the 20 ms frames of the audio, each stream starting at a different offset. */
function streamFrames(audio: Int16Array, rate: Rate, ticks: number): InputAudioFrame[][] {
  const perFrame = (rate * FRAME_MS) / 1000;
  const totalFrames = Math.floor(audio.length / perFrame);
  return Array.from({ length: STREAMS }, (_, s) =>
    Array.from({ length: ticks }, (_, t) => {
      const index = (t + s * 7) % totalFrames;
      const samples = audio.subarray(index * perFrame, (index + 1) * perFrame);
      return makeFrame('audio.input', { samples, sampleRate: rate, channels: 1 }, { ptsMs: t * FRAME_MS });
    }),
  );
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The anchor: what a minimal hand-written loop costs. Per stream, PCM16 is converted into a reused input tensor at
 * each 32 ms window and `session.run` is awaited with the stream's own state; all streams completing a window in a
 * tick run concurrently, as they do behind the processors.
 */
async function measureRaw(model: SileroModel, frames: InputAudioFrame[][], rate: Rate): Promise<{ cpuUs: number; windows: number }> {
  const { ort, session } = model;
  const windowSamples = rate === 16000 ? 512 : 256;
  const sr = new ort.Tensor('int64', BigInt64Array.of(BigInt(rate)), []);
  const streams = frames.map(() => ({
    input: new Float32Array(windowSamples),
    filled: 0,
    h: new ort.Tensor('float32', new Float32Array(128), [2, 1, 64]),
    c: new ort.Tensor('float32', new Float32Array(128), [2, 1, 64]),
  }));
  const ticks = frames[0].length;
  let windows = 0;
  const pending: Promise<void>[] = [];
  const started = process.cpuUsage();
  for (let t = 0; t < ticks; t++) {
    pending.length = 0;
    for (let s = 0; s < streams.length; s++) {
      const stream = streams[s];
      const samples = frames[s][t].samples;
      for (let i = 0; i < samples.length; i++) {
        stream.input[stream.filled++] = samples[i] / 32768;
        if (stream.filled === windowSamples) {
          stream.filled = 0;
          windows += 1;
          const input = new ort.Tensor('float32', stream.input, [1, windowSamples]);
          pending.push(
            session.run({ input, sr, h: stream.h, c: stream.c }).then((out) => {
              stream.h = out.hn as typeof stream.h;
              stream.c = out.cn as typeof stream.c;
            }),
          );
          // The run reads the input at its own turn: give the next window of this stream fresh memory.
          stream.input = new Float32Array(windowSamples);
        }
      }
    }
    await Promise.all(pending);
  }
  return { cpuUs: cpuUs(started), windows };
}

/**
 * The batched anchor: the same loop, but every window completing in a tick goes into one `session.run` with a batch
 * dimension (state gathered into `[2, B, 64]` tensors and scattered back), as the processors' batcher does.
 */
async function measureRawBatched(model: SileroModel, frames: InputAudioFrame[][], rate: Rate): Promise<{ cpuUs: number; windows: number }> {
  const { ort, session } = model;
  const windowSamples = rate === 16000 ? 512 : 256;
  const sr = new ort.Tensor('int64', BigInt64Array.of(BigInt(rate)), []);
  const streams = frames.map(() => ({ input: new Float32Array(windowSamples), filled: 0, h: new Float32Array(128), c: new Float32Array(128) }));
  const ticks = frames[0].length;
  let windows = 0;
  const ready: number[] = [];
  const started = process.cpuUsage();
  for (let t = 0; t < ticks; t++) {
    ready.length = 0;
    for (let s = 0; s < streams.length; s++) {
      const stream = streams[s];
      const samples = frames[s][t].samples;
      for (let i = 0; i < samples.length; i++) {
        stream.input[stream.filled++] = samples[i] / 32768;
        if (stream.filled === windowSamples) {
          stream.filled = 0;
          ready.push(s);
        }
      }
    }
    const batch = ready.length;
    if (batch === 0) continue;
    windows += batch;
    const input = new Float32Array(batch * windowSamples);
    const h = new Float32Array(128 * batch);
    const c = new Float32Array(128 * batch);
    ready.forEach((s, b) => {
      input.set(streams[s].input, b * windowSamples);
      for (let layer = 0; layer < 2; layer++) {
        h.set(streams[s].h.subarray(layer * 64, layer * 64 + 64), (layer * batch + b) * 64);
        c.set(streams[s].c.subarray(layer * 64, layer * 64 + 64), (layer * batch + b) * 64);
      }
    });
    const out = await session.run({
      input: new ort.Tensor('float32', input, [batch, windowSamples]),
      sr,
      h: new ort.Tensor('float32', h, [2, batch, 64]),
      c: new ort.Tensor('float32', c, [2, batch, 64]),
    });
    const hn = out.hn.data as Float32Array;
    const cn = out.cn.data as Float32Array;
    ready.forEach((s, b) => {
      for (let layer = 0; layer < 2; layer++) {
        streams[s].h.set(hn.subarray((layer * batch + b) * 64, (layer * batch + b) * 64 + 64), layer * 64);
        streams[s].c.set(cn.subarray((layer * batch + b) * 64, (layer * batch + b) * 64 + 64), layer * 64);
      }
    });
  }
  return { cpuUs: cpuUs(started), windows };
}

/** The VAD processors, one per stream, driven frame by frame from the same ticker; counts their output. */
async function measureProcessors(make: () => VadProcessor, frames: InputAudioFrame[][]): Promise<{ cpuUs: number; windows: number; events: number }> {
  let events = 0;
  const sink: FrameTarget = {
    receive: (frame: Frame) => {
      if (frame.type === 'user.started-speaking' || frame.type === 'user.stopped-speaking') events += 1;
    },
  };
  const vads = frames.map(() => {
    const vad = make();
    vad.attach(createProcessorContext());
    vad.setTarget('downstream', sink);
    vad.setTarget('upstream', sink);
    vad.receive(makeFrame('start', { allowInterruptions: true, enableMetrics: false }), 'downstream');
    return vad;
  });
  while (vads.some((vad) => vad.state !== 'running')) await turn();
  const ticks = frames[0].length;
  const started = process.cpuUsage();
  for (let t = 0; t < ticks; t++) {
    for (let s = 0; s < vads.length; s++) vads[s].receive(frames[s][t], 'downstream');
    // The batcher dispatches on the next turn and onnxruntime runs the batch on the one after (it defers run() with
    // setImmediate); at most one window per stream completes per 20 ms tick, so two turns finish the tick.
    await turn();
    await turn();
  }
  const used = cpuUs(started);
  let windows = 0;
  for (const vad of vads) {
    const { windowsAnalyzed, windowsDropped, analyzerErrors } = vad.stats;
    if (windowsDropped > 0 || analyzerErrors > 0) throw new Error(`VAD bench: ${windowsDropped} windows dropped, ${analyzerErrors} errors`);
    windows += windowsAnalyzed;
    vad.dispose();
  }
  return { cpuUs: used, windows, events };
}

/**
 * Real-time arrivals: each stream's 20 ms frames arrive on their own schedule, offsets spread over the 20 ms (as
 * frames from many sockets do), delivered by a 1 ms clock. Batches then hold only what lands in the same turn,
 * unless the batcher waits (`maxDelayMs`). Returns CPU per window and the mean batch size.
 */
async function measureArrivals(
  model: SileroModel,
  frames: InputAudioFrame[][],
  rate: Rate,
  seconds: number,
  maxDelayMs: number,
): Promise<{ cpuUs: number; windows: number; meanBatch: number }> {
  configureSileroBatching(model, { maxDelayMs });
  const vads = frames.map(() => {
    const vad = sileroVad({ session: model });
    vad.attach(createProcessorContext());
    vad.setTarget('downstream', { receive: () => undefined });
    vad.setTarget('upstream', { receive: () => undefined });
    vad.receive(makeFrame('start', { allowInterruptions: true, enableMetrics: false }), 'downstream');
    return vad;
  });
  while (vads.some((vad) => vad.state !== 'running')) await turn();
  const ticks = Math.min(frames[0].length, (seconds * 1000) / FRAME_MS);
  const next = new Array<number>(vads.length).fill(0);
  const batcher = sileroBatcher(model, rate);
  const before = batcher.counts;
  const t0 = performance.now();
  const started = process.cpuUsage();
  await new Promise<void>((resolve) => {
    const clock = setInterval(() => {
      const now = performance.now() - t0;
      let done = true;
      for (let s = 0; s < vads.length; s++) {
        const offsetMs = (s * FRAME_MS) / vads.length;
        while (next[s] < ticks && offsetMs + next[s] * FRAME_MS <= now) vads[s].receive(frames[s][next[s]++], 'downstream');
        if (next[s] < ticks) done = false;
      }
      if (done) {
        clearInterval(clock);
        resolve();
      }
    }, 1);
  });
  await new Promise((resolve) => setTimeout(resolve, 50)); // the last windows
  const used = cpuUs(started);
  const after = batcher.counts;
  configureSileroBatching(model, { maxDelayMs: 0 });
  let windows = 0;
  for (const vad of vads) {
    windows += vad.stats.windowsAnalyzed;
    vad.dispose();
  }
  return { cpuUs: used, windows, meanBatch: (after.windows - before.windows) / (after.runs - before.runs) };
}

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  // The hand-written anchors feed v4's inputs (h, c); the v5/v6 models' cost is in vad-barge-in.bench.ts.
  const model = await loadSileroModel({ version: 'v4' });
  const seconds = opts.quick ? 2 : 4;
  const realTimeSeconds = opts.quick ? 1 : 2;
  const rounds = opts.quick ? 1 : 3;
  const ticks = (seconds * 1000) / FRAME_MS;
  const rows: BenchRow[] = [];
  for (const rate of [16000, 8000] as const) {
    const frames = streamFrames(testAudio(rate, 10), rate, ticks);
    // Warm-up: first runs of a session and JIT of both paths.
    const warmUp = frames.map((f) => f.slice(0, 20));
    await measureRaw(model, warmUp, rate);
    await measureRawBatched(model, warmUp, rate);
    await measureProcessors(() => sileroVad({ session: model }), warmUp);
    await measureProcessors(() => energyVad(), warmUp);
    const raw: number[] = [];
    const rawBatched: number[] = [];
    const vad: number[] = [];
    let events = 0;
    for (let r = 0; r < rounds; r++) {
      const a = await measureRaw(model, frames, rate);
      const b = await measureProcessors(() => sileroVad({ session: model }), frames);
      const c = await measureRawBatched(model, frames, rate);
      if (a.windows !== b.windows || c.windows !== b.windows) {
        throw new Error(`VAD bench: raw analyzed ${a.windows} windows, batched raw ${c.windows}, processors ${b.windows}`);
      }
      raw.push(a.cpuUs / a.windows);
      vad.push(b.cpuUs / b.windows);
      rawBatched.push(c.cpuUs / c.windows);
      events = b.events;
    }
    const rawUs = median(raw);
    const rawBatchedUs = median(rawBatched);
    const vadUs = median(vad);
    const ratio = vadUs / rawUs;
    const khz = rate / 1000;
    rows.push({
      name: `Silero VAD processor, ${khz} kHz, ${STREAMS} streams: CPU per 32 ms window`,
      value: vadUs,
      unit: 'us',
      anchor: 'raw single-thread session.run, same model and windows',
      anchorValue: rawUs,
      ratio,
      target: '<= 1.2x raw',
      pass: ratio <= 1.2,
      notes:
        `model ${model.signature} (Silero v4 from @ricky0123/vad-web); ` +
        `windows of a turn batched into one run; ${events} speaking frames per round`,
    });
    rows.push({
      name: `Silero VAD processor, ${khz} kHz, ${STREAMS} streams: overhead over batched raw`,
      value: vadUs,
      unit: 'us',
      anchor: 'raw batched session.run (all windows of a tick in one run)',
      anchorValue: rawBatchedUs,
      ratio: vadUs / rawBatchedUs,
      target: '<= 1.2x',
      pass: vadUs / rawBatchedUs <= 1.2,
      notes: 'the processor path (frames, ring, controller, batcher) against the same inference done by hand',
    });
    const streamsPerCore = 1e6 / (vadUs * WINDOWS_PER_STREAM_SECOND);
    rows.push({
      name: `Silero VAD processor, ${khz} kHz: streams per core`,
      value: streamsPerCore,
      unit: 'streams',
      anchor: 'raw session.run streams per core',
      anchorValue: 1e6 / (rawUs * WINDOWS_PER_STREAM_SECOND),
      ratio: rawUs / vadUs,
      target: '>= 150',
      pass: streamsPerCore >= 150,
      notes: 'from CPU per window at 31.25 windows per stream-second',
    });
    for (const maxDelayMs of [0, 4]) {
      const spread = await measureArrivals(model, frames, rate, realTimeSeconds, maxDelayMs);
      const perWindow = spread.cpuUs / spread.windows;
      rows.push({
        name: `Silero VAD processor, ${khz} kHz, ${STREAMS} streams arriving spread in real time, batch delay ${maxDelayMs} ms: CPU per window`,
        value: perWindow,
        unit: 'us',
        anchor: 'raw single-thread session.run',
        anchorValue: rawUs,
        ratio: perWindow / rawUs,
        target: '<= 1.2x raw',
        pass: perWindow / rawUs <= 1.2,
        notes: `mean batch ${spread.meanBatch.toFixed(1)} windows; ${(1e6 / (perWindow * WINDOWS_PER_STREAM_SECOND)).toFixed(0)} streams per core; CPU includes the 1 ms delivery clock`,
      });
    }
    const energy = await measureProcessors(() => energyVad(), frames);
    rows.push({
      name: `energy VAD processor, ${khz} kHz, ${STREAMS} streams: CPU per 32 ms window`,
      value: energy.cpuUs / energy.windows,
      unit: 'us',
      anchor: 'Silero VAD processor',
      anchorValue: vadUs,
      ratio: energy.cpuUs / energy.windows / vadUs,
      notes: 'includes the 20 ms frame pass-through',
    });
  }
  return rows;
}
