/**
 * The VAD processor: pass-through, speaking frames in media time, barge-in, the bounded inference queue, and bad
 * input turned into error frames. Driven with scripted analyzers (exact control of scores and timing) and the
 * energy analyzer on synthetic audio.
 */
import { makeFrame, type ErrorFrame, type Frame, type InputAudioFrame } from '@voxframe/core';
import { ProcessorHarness, createVirtualClock } from '@voxframe/core/testing';
import type { VadAnalyzer, VadAnalyzerFactory, VadSampleRate } from '../src/vad/analyzer';
import { VadOptionsError } from '../src/vad/errors';
import { energyVad } from '../src/vad/energy-vad';
import { sileroVad } from '../src/vad/silero-vad';
import { VadProcessor, type VadProcessorEvent, type VadProcessorOptions } from '../src/vad/vad-processor';

const FRAME_MS = 20;

/** 20 ms mono frames at `rate`: `loud` or silent, stamped with consecutive media times from `startMs`. */
function audioFrames(pattern: readonly (readonly ['loud' | 'quiet', number])[], rate = 16000, startMs = 0): InputAudioFrame[] {
  const frames: InputAudioFrame[] = [];
  const perFrame = (rate * FRAME_MS) / 1000;
  let ptsMs = startMs;
  let phase = 0;
  for (const [kind, durationMs] of pattern) {
    for (let t = 0; t < durationMs; t += FRAME_MS) {
      const samples = new Int16Array(perFrame);
      if (kind === 'loud') for (let i = 0; i < perFrame; i++) samples[i] = Math.round(8000 * Math.sin((phase++ * 2 * Math.PI * 220) / rate));
      frames.push(makeFrame('audio.input', { samples, sampleRate: rate, channels: 1 }, { ptsMs }));
      ptsMs += FRAME_MS;
    }
  }
  return frames;
}

/** An analyzer whose score for window i is `scores(i)`; async ones wait for {@link release}. */
class ScriptedAnalyzer implements VadAnalyzer {
  readonly windowSamples: number;
  readonly calls: number[] = [];
  #pending: { resolve: (p: number) => void; reject: (e: unknown) => void; index: number }[] = [];
  #active = 0;
  maxConcurrent = 0;

  constructor(
    readonly sampleRate: VadSampleRate,
    private readonly scores: (index: number) => number,
    private readonly mode: 'sync' | 'async' | 'throw' = 'sync',
  ) {
    this.windowSamples = sampleRate === 16000 ? 512 : 256;
  }

  analyze(window: Int16Array | Float32Array): number | Promise<number> {
    if (window.length !== this.windowSamples) throw new Error(`bad window ${window.length}`);
    const index = this.calls.length;
    this.calls.push(index);
    if (this.mode === 'throw') throw new Error('analyzer exploded');
    if (this.mode === 'sync') return this.scores(index);
    this.#active += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.#active);
    return new Promise((resolve, reject) => this.#pending.push({ resolve, reject, index }));
  }

  /** Resolves the oldest waiting analysis (or rejects it with `error`). */
  release(error?: unknown): boolean {
    const next = this.#pending.shift();
    if (next === undefined) return false;
    this.#active -= 1;
    if (error === undefined) next.resolve(this.scores(next.index));
    else next.reject(error);
    return true;
  }

  get waiting(): number {
    return this.#pending.length;
  }

  reset(): void {}
}

function scriptedFactory(analyzer: ScriptedAnalyzer, loadError?: Error): VadAnalyzerFactory {
  return {
    name: 'scripted',
    load: () => (loadError === undefined ? Promise.resolve() : Promise.reject(loadError)),
    create: (rate) => {
      expect(rate).toBe(analyzer.sampleRate);
      return analyzer;
    },
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function started(processor: VadProcessor, allowInterruptions = true): Promise<ProcessorHarness> {
  const harness = new ProcessorHarness(processor);
  await harness.start({ allowInterruptions });
  return harness;
}

const types = (frames: readonly Frame[]): string[] => frames.map((f) => f.type);
const speakingTypes = (frames: readonly Frame[]): string[] =>
  types(frames).filter((t) => t.startsWith('user.') || t.startsWith('interruption.'));
const errors = (harness: ProcessorHarness): ErrorFrame[] => harness.framesOf('error', 'upstream');

/** Scores: speech for windows [from, to), silence elsewhere. */
const speechBetween = (from: number, to: number) => (i: number) => (i >= from && i < to ? 0.9 : 0.05);

describe('VadProcessor pass-through', () => {
  it('passes audio on at once, unchanged and in order, and other frames both ways', async () => {
    const analyzer = new ScriptedAnalyzer(16000, () => 0.1, 'async');
    const harness = await started(new VadProcessor({ analyzer: scriptedFactory(analyzer) }));
    const frames = audioFrames([['loud', 200]]);
    const text = makeFrame('text', { text: 'hi', role: 'user' });
    const progress = makeFrame('playback.progress', { playedMs: 40, final: false });
    harness.send(...frames, text);
    harness.sendUpstream(progress);
    // Nothing was analyzed yet (the async analyzer holds the first window), yet every frame is through.
    expect(analyzer.waiting).toBe(1);
    expect(harness.downstream.slice(1)).toEqual([...frames, text]);
    expect(harness.downstream.slice(1)[0]).toBe(frames[0]);
    expect(harness.upstream).toEqual([progress]);
    while (analyzer.release()) await tick();
    expect(analyzer.calls).toHaveLength(6); // 200 ms = 3200 samples = 6 whole windows of 512
    expect(analyzer.maxConcurrent).toBe(1);
    harness.dispose();
  });
});

describe('VadProcessor speaking frames', () => {
  it('announces speech start and end with their media times (energy VAD on synthetic audio)', async () => {
    const harness = await started(energyVad());
    harness.send(...audioFrames([['quiet', 500], ['loud', 1000], ['quiet', 1000]], 16000, 10_000));
    const out = harness.downstream.filter((f) => f.type.startsWith('user.'));
    expect(types(out)).toEqual(['user.started-speaking', 'user.stopped-speaking']);
    // Windows are 32 ms: boundaries land on the window holding the change.
    expect(out[0].ptsMs).toBeGreaterThanOrEqual(10_500 - 32);
    expect(out[0].ptsMs).toBeLessThanOrEqual(10_500);
    expect(out[1].ptsMs).toBeGreaterThanOrEqual(11_500 - 32);
    expect(out[1].ptsMs).toBeLessThanOrEqual(11_500 + 32);
    // The speaking frames are emitted right after the audio that confirmed them, not before.
    const startIndex = harness.downstream.indexOf(out[0]);
    const audioBefore = harness.downstream.slice(0, startIndex).filter((f) => f.type === 'audio.input');
    expect(audioBefore.at(-1)?.ptsMs).toBeGreaterThanOrEqual(out[0].ptsMs + 64 - FRAME_MS);
    harness.dispose();
  });

  it('analyzes 8 kHz input at 8 kHz', async () => {
    const at8k = new ScriptedAnalyzer(8000, speechBetween(2, 10));
    const harness = await started(new VadProcessor({ analyzer: scriptedFactory(at8k) }));
    harness.send(...audioFrames([['quiet', 1000]], 8000));
    expect((harness.node as VadProcessor).analysisSampleRate).toBe(8000);
    expect(at8k.calls).toHaveLength(31); // 8000 samples / 256
    // Speech in windows 2-9 (64-320 ms); 500 ms of silence after it ends it within the second.
    expect(harness.framesOf('user.started-speaking')[0].ptsMs).toBe(64);
    expect(harness.framesOf('user.stopped-speaking')[0].ptsMs).toBe(320);
    harness.dispose();
  });

  it('resamples other rates, follows a rate change mid-stream, and keeps media time across it', async () => {
    const processor = energyVad();
    const harness = await started(processor);
    harness.send(...audioFrames([['quiet', 1000]], 16000));
    harness.send(...audioFrames([['quiet', 500], ['loud', 500]], 48000, 1000));
    expect(processor.analysisSampleRate).toBe(16000);
    expect(errors(harness)).toEqual([]);
    const start = harness.framesOf('user.started-speaking');
    expect(start).toHaveLength(1);
    // Loud from 1500 ms; windows are 32 ms and the resampler's delay is taken off.
    expect(Math.abs(start[0].ptsMs - 1500)).toBeLessThanOrEqual(32);
    harness.dispose();
  });

  it('closes speech that is still going when the stream ends', async () => {
    const harness = await started(new VadProcessor({ analyzer: scriptedFactory(new ScriptedAnalyzer(16000, () => 0.9)) }));
    harness.send(...audioFrames([['loud', 400]]));
    await harness.end();
    expect(speakingTypes(harness.downstream)).toEqual(['user.started-speaking', 'user.stopped-speaking']);
    expect(types(harness.downstream).at(-1)).toBe('end');
    expect(harness.framesOf('user.stopped-speaking')[0].ptsMs).toBe(400); // where the audio ended
    harness.dispose();
  });

  it('waits for windows still being analyzed before ending', async () => {
    const analyzer = new ScriptedAnalyzer(16000, () => 0.9, 'async');
    const harness = await started(new VadProcessor({ analyzer: scriptedFactory(analyzer) }));
    harness.send(...audioFrames([['loud', 200]]));
    const ended = harness.end();
    for (let i = 0; i < 10 && analyzer.release(); i++) await tick();
    await ended;
    expect(speakingTypes(harness.downstream)).toEqual(['user.started-speaking', 'user.stopped-speaking']);
    harness.dispose();
  });

  it('ends within drainTimeoutMs when the analyzer never answers', async () => {
    const analyzer = new ScriptedAnalyzer(16000, () => 0.9, 'async');
    const processor = new VadProcessor({ analyzer: scriptedFactory(analyzer), drainTimeoutMs: 30 });
    const harness = await started(processor);
    harness.send(...audioFrames([['loud', 100]]));
    await harness.end(2000);
    expect(analyzer.waiting).toBe(1);
    expect(types(harness.downstream).at(-1)).toBe('end');
    analyzer.release(); // too late: ignored
    await tick();
    expect(speakingTypes(harness.downstream)).toEqual([]);
    harness.dispose();
  });

  it('hands out the pre-roll audio with the speech start', async () => {
    const processor = new VadProcessor({ analyzer: scriptedFactory(new ScriptedAnalyzer(16000, speechBetween(20, 40))), prefixPaddingMs: 200 });
    const events: VadProcessorEvent[] = [];
    processor.events.subscribe((e) => events.push(e));
    const harness = await started(processor);
    const frames = audioFrames([['loud', 1000]]);
    harness.send(...frames);
    const start = events[0];
    expect(start).toMatchObject({ type: 'speech-start', startMs: 640, preRollStartMs: 440, atMs: 704 });
    if (start.type !== 'speech-start') throw new Error('expected a speech start');
    // From 440 ms to the newest sample received when the start was confirmed (the frame holding 704 ms).
    expect(start.preRoll).toMatchObject({ sampleRate: 16000, startMs: 440, endMs: 720 });
    const all = new Int16Array(frames.flatMap((f) => Array.from(f.samples)));
    expect(Array.from(start.preRoll.samples)).toEqual(Array.from(all.subarray(440 * 16, 720 * 16)));
    expect(processor.readPreRoll(0)?.startMs).toBeGreaterThan(0); // older audio is not kept forever
    harness.dispose();
  });
});

describe('VadProcessor barge-in', () => {
  const bargeIn = async (allowInterruptions: boolean, botFrom: 'upstream' | 'downstream' | 'none') => {
    const harness = await started(new VadProcessor({ analyzer: scriptedFactory(new ScriptedAnalyzer(16000, speechBetween(5, 20))), minSilenceMs: 96 }), allowInterruptions);
    const bot = makeFrame('bot.started-speaking', {});
    if (botFrom === 'upstream') harness.sendUpstream(bot);
    if (botFrom === 'downstream') harness.send(bot);
    harness.send(...audioFrames([['loud', 1000]]));
    return harness;
  };

  it('interrupts the bot when the user starts speaking over it (bot state reported from downstream)', async () => {
    const harness = await bargeIn(true, 'upstream');
    expect(speakingTypes(harness.downstream)).toEqual(['user.started-speaking', 'interruption.start', 'user.stopped-speaking', 'interruption.stop']);
    expect(harness.framesOf('interruption.start')[0]).toMatchObject({ reason: 'user-speech', ptsMs: 160 });
    // One interruption per barge-in: nothing is asked of the runner, which would flush everything a second time.
    expect(harness.framesOf('interruption.request', 'upstream')).toEqual([]);
    expect(types(harness.upstream)).toEqual(['bot.started-speaking']);
    harness.dispose();
  });

  it('tracks bot speaking frames travelling downstream too', async () => {
    const harness = await bargeIn(true, 'downstream');
    expect(harness.framesOf('interruption.start')).toHaveLength(1);
    harness.dispose();
  });

  it('does not interrupt when interruptions are not allowed or the bot is silent', async () => {
    for (const harness of [await bargeIn(false, 'upstream'), await bargeIn(true, 'none')]) {
      expect(speakingTypes(harness.downstream)).toEqual(['user.started-speaking', 'user.stopped-speaking']);
      expect(harness.framesOf('interruption.start')).toEqual([]);
      harness.dispose();
    }
  });

  it('stops interrupting once the bot stopped speaking', async () => {
    const harness = await started(new VadProcessor({ analyzer: scriptedFactory(new ScriptedAnalyzer(16000, speechBetween(5, 20))) }));
    harness.sendUpstream(makeFrame('bot.started-speaking', {}));
    harness.sendUpstream(makeFrame('bot.stopped-speaking', {}));
    harness.send(...audioFrames([['loud', 1000]]));
    expect((harness.node as VadProcessor).botSpeaking).toBe(false);
    expect(harness.framesOf('interruption.start')).toEqual([]);
    harness.dispose();
  });
});

describe('VadProcessor inference queue', () => {
  it('on live input, drops the oldest windows past maxPendingWindows, reports the episode once and counts it in a metric', async () => {
    const analyzer = new ScriptedAnalyzer(16000, () => 0.1, 'async');
    const processor = new VadProcessor({ analyzer: scriptedFactory(analyzer), maxPendingWindows: 4, inputPace: 'live' });
    const harness = await started(processor);
    harness.send(...audioFrames([['quiet', 500]])); // 15 windows: 1 in flight, 4 waiting, 10 dropped
    expect(errors(harness).map((e) => e.error.code)).toEqual(['vad_backlog']);
    expect(errors(harness)[0].fatal).toBe(false);
    expect(errors(harness)[0].error.message).toMatch(/live audio arrived faster than the VAD could analyze it.*warmUpSileroVad/);
    while (analyzer.release()) await tick();
    expect(analyzer.calls).toHaveLength(5);
    expect(processor.stats).toMatchObject({ windowsAnalyzed: 5, windowsDropped: 10 });
    expect(harness.framesOf('metrics')).toEqual([
      expect.objectContaining({ metrics: [{ kind: 'queue-overflow', processor: processor.name, dropped: 10 }] }),
    ]);
    harness.dispose();
  });

  it('detects live input falling behind real time on the run clock (auto) and drops, saying so', async () => {
    const clock = createVirtualClock();
    const analyzer = new ScriptedAnalyzer(16000, () => 0.1, 'async');
    const processor = new VadProcessor({ analyzer: scriptedFactory(analyzer), maxPendingWindows: 4 });
    const harness = new ProcessorHarness(processor, { scheduler: clock });
    const starting = harness.start();
    clock.advanceBy(0);
    await starting;
    // One 20 ms frame per 20 ms of clock, as a call delivers them; inference never finishes (a saturated CPU).
    for (const frame of audioFrames([['quiet', 500]])) {
      harness.send(frame);
      clock.advanceBy(FRAME_MS);
    }
    expect(errors(harness).map((e) => e.error.code)).toEqual(['vad_backlog']);
    expect(errors(harness)[0].error).toMatchObject({ source: 'live', details: expect.objectContaining({ source: 'live' }) });
    expect(processor.stats).toMatchObject({ offline: false, windowsDropped: 10 });
    harness.dispose();
  });

  it('buffers a source faster than real time (auto): every window analyzed in order, nothing dropped, no error', async () => {
    const analyzer = new ScriptedAnalyzer(16000, speechBetween(5, 20), 'async');
    const processor = new VadProcessor({ analyzer: scriptedFactory(analyzer), maxPendingWindows: 4, minSilenceMs: 100 });
    const harness = await started(processor);
    harness.send(...audioFrames([['quiet', 1000]])); // 31 windows at once: far ahead of the clock
    expect(analyzer.waiting).toBe(1);
    while (analyzer.release()) await tick();
    expect(analyzer.calls).toEqual(Array.from({ length: 31 }, (_, i) => i));
    expect(processor.stats).toMatchObject({ offline: true, windowsAnalyzed: 31, windowsDropped: 0 });
    expect(errors(harness)).toEqual([]);
    // The speech the windows 5..19 hold is found at its media time (window 5 starts at 160 ms).
    expect(harness.framesOf('user.started-speaking').map((f) => f.ptsMs)).toEqual([160]);
    expect(harness.framesOf('user.stopped-speaking').map((f) => f.ptsMs)).toEqual([640]);
    harness.dispose();
  });

  it('bounds an offline source by maxOfflineBacklogMs and says which bound it hit', async () => {
    const analyzer = new ScriptedAnalyzer(16000, () => 0.1, 'async');
    const processor = new VadProcessor({ analyzer: scriptedFactory(analyzer), maxPendingWindows: 4, inputPace: 'offline', maxOfflineBacklogMs: 320 });
    const harness = await started(processor);
    harness.send(...audioFrames([['quiet', 1000]])); // 31 windows: 1 in flight, 10 (320 ms) waiting, 20 dropped
    expect(errors(harness).map((e) => e.error.message)).toEqual([expect.stringMatching(/offline source .* ahead of the VAD.*maxOfflineBacklogMs/)]);
    while (analyzer.release()) await tick();
    expect(processor.stats).toMatchObject({ offline: true, windowsAnalyzed: 11, windowsDropped: 20 });
    harness.dispose();
  });

  it('keeps draining a long offline backlog at end while windows finish, past drainTimeoutMs in total', async () => {
    const clock = createVirtualClock();
    const analyzer = new ScriptedAnalyzer(16000, () => 0.1, 'async');
    const processor = new VadProcessor({ analyzer: scriptedFactory(analyzer), drainTimeoutMs: 100 });
    const harness = new ProcessorHarness(processor, { scheduler: clock });
    const starting = harness.start();
    clock.advanceBy(0);
    await starting;
    harness.send(...audioFrames([['quiet', 1000]]), makeFrame('end', {}));
    for (let i = 0; i < 31; i++) {
      clock.advanceBy(60); // each window takes 60 ms: 1.9 s in all, 19x the drain timeout
      analyzer.release();
      await tick();
    }
    expect(harness.framesOf('end')).toHaveLength(1);
    expect(processor.stats).toMatchObject({ windowsAnalyzed: 31, windowsDropped: 0 });
    harness.dispose();
  });

  it('ignores results that arrive after a cancel', async () => {
    const analyzer = new ScriptedAnalyzer(16000, () => 0.9, 'async');
    const harness = await started(new VadProcessor({ analyzer: scriptedFactory(analyzer), minSpeechMs: 0 }));
    harness.send(...audioFrames([['loud', 40]]));
    harness.cancel();
    analyzer.release();
    await tick();
    expect(speakingTypes(harness.downstream)).toEqual([]);
    harness.dispose();
  });
});

describe('VadProcessor errors', () => {
  it('turns a throwing analyzer into one recoverable error frame and keeps the audio flowing', async () => {
    const analyzer = new ScriptedAnalyzer(16000, () => 0.9, 'throw');
    const processor = new VadProcessor({ analyzer: scriptedFactory(analyzer) });
    const harness = await started(processor);
    const frames = audioFrames([['loud', 300]]);
    harness.send(...frames);
    expect(errors(harness)).toEqual([expect.objectContaining({ fatal: false, error: expect.objectContaining({ code: 'vad_analyzer_failed' }) })]);
    expect(harness.framesOf('audio.input')).toHaveLength(frames.length);
    expect(processor.stats.analyzerErrors).toBe(9);
    expect(speakingTypes(harness.downstream)).toEqual([]);
    harness.dispose();
  });

  it('reports a rejected analysis and scores that are not in [0, 1]', async () => {
    const analyzer = new ScriptedAnalyzer(16000, (i) => (i === 0 ? Number.NaN : 0.1), 'async');
    const harness = await started(new VadProcessor({ analyzer: scriptedFactory(analyzer) }));
    harness.send(...audioFrames([['quiet', 100]]));
    analyzer.release(); // NaN
    await tick();
    analyzer.release(); // fine: ends the failing episode
    await tick();
    analyzer.release(new Error('onnx broke'));
    await tick();
    expect(errors(harness).map((e) => e.error.message)).toEqual([
      expect.stringContaining('returned NaN'),
      expect.stringContaining('onnx broke'),
    ]);
    harness.dispose();
  });

  it('reports malformed audio frames once per episode, passes them on, and analyzes the next good ones', async () => {
    const analyzer = new ScriptedAnalyzer(16000, () => 0.1);
    const processor = new VadProcessor({ analyzer: scriptedFactory(analyzer) });
    const harness = await started(processor);
    const good = audioFrames([['quiet', 100]]);
    const bad: Frame[] = [
      { ...good[0], samples: new Float32Array(320) as unknown as Int16Array },
      { ...good[0], sampleRate: Number.NaN },
      { ...good[0], sampleRate: 0 },
      { ...good[0], channels: 3 },
    ];
    harness.send(...bad);
    expect(errors(harness)).toHaveLength(1);
    expect(errors(harness)[0]).toMatchObject({ fatal: false, error: { code: 'invalid_frame' } });
    expect(errors(harness)[0].error.message).toContain('Int16Array');
    harness.send(...good);
    harness.send(bad[1]);
    expect(errors(harness).map((e) => e.error.message)).toEqual([expect.any(String), expect.stringContaining('sampleRate must be')]);
    expect(processor.stats.invalidFrames).toBe(5);
    expect(analyzer.calls).toHaveLength(3);
    expect(harness.framesOf('audio.input')).toHaveLength(good.length + 5);
    harness.dispose();
  });

  it('downmixes multichannel input', async () => {
    const harness = await started(energyVad());
    const mono = audioFrames([['quiet', 300], ['loud', 600]]);
    const stereo = mono.map((f) => ({ ...f, channels: 2, samples: Int16Array.from(Array.from(f.samples).flatMap((s) => [s, s])) }));
    harness.send(...stereo);
    expect(speakingTypes(harness.downstream)).toEqual(['user.started-speaking']);
    harness.dispose();
  });

  it('reports a missing model as a non-fatal error frame and keeps passing audio', async () => {
    const harness = await started(sileroVad({ modelPath: '/nonexistent/silero_vad.onnx' }));
    expect(errors(harness)).toEqual([
      expect.objectContaining({ fatal: false, error: expect.objectContaining({ code: 'vad_model_missing', path: '/nonexistent/silero_vad.onnx' }) }),
    ]);
    const frames = audioFrames([['loud', 500]]);
    harness.send(...frames);
    expect(harness.framesOf('audio.input')).toEqual(frames);
    await harness.end();
    harness.dispose();
  });

  it('reports a failing load of any kind the same way', async () => {
    const factory = scriptedFactory(new ScriptedAnalyzer(16000, () => 0), new Error('disk on fire'));
    const harness = await started(new VadProcessor({ analyzer: factory }));
    expect(errors(harness)).toEqual([expect.objectContaining({ fatal: false, error: expect.objectContaining({ message: 'disk on fire' }) })]);
    harness.dispose();
  });

  it.each<[Partial<VadProcessorOptions>, RegExp]>([
    [{ sampleRate: 44100 as VadSampleRate }, /sampleRate must be 8000 or 16000/],
    [{ maxPendingWindows: 0 }, /maxPendingWindows/],
    [{ threshold: 2 }, /threshold/],
  ])('rejects invalid options %p', (options, message) => {
    const analyzer = scriptedFactory(new ScriptedAnalyzer(16000, () => 0));
    expect(() => new VadProcessor({ analyzer, ...options })).toThrow(VadOptionsError);
    expect(() => new VadProcessor({ analyzer, ...options })).toThrow(message);
  });
});
