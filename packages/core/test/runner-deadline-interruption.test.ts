/**
 * One drain deadline for every graceful end (issue 8, defect 2), one way to start an interruption, and the runner's
 * notions of activity and of uninterruptible work pinned by tests (issue 15).
 */
import { FrameProcessor, PipelineRunner, makeFrame, pipeline, runnerDefaults, silentLogger, type Frame, type FrameDirection, type FinishReason } from '@voxframe/core';
import { ProcessorHarness, createVirtualClock } from '@voxframe/core/testing';
import { Gate, flush, text } from './helpers';

class Pass extends FrameProcessor {}

/** Holds the end frame forever, like a pacer holding minutes of output. */
class HoldsEnd extends FrameProcessor {
  protected override onEnd(): Promise<void> {
    return new Promise(() => undefined);
  }
}

/** Pushes an end frame from inside the pipeline on `dtmf` (a caller hanging up). */
class HangsUp extends FrameProcessor {
  protected override process(frame: Frame, direction: FrameDirection): void {
    if (frame.type === 'dtmf') this.push(makeFrame('end', { reason: 'caller hung up' }));
    else this.push(frame, direction);
  }
}

const quiet = { logger: silentLogger() };

function finishedReason(runner: PipelineRunner): () => FinishReason | undefined {
  let reason: FinishReason | undefined;
  void runner.finished.then((r) => {
    reason = r;
  });
  return () => reason;
}

describe('one drain deadline for every graceful end', () => {
  test('an end pushed from inside the pipeline is bounded by endTimeoutMs', async () => {
    const clock = createVirtualClock();
    const runner = new PipelineRunner(pipeline(new HangsUp(), new HoldsEnd(), new Pass()), { ...quiet, scheduler: clock, endTimeoutMs: 1000 });
    const reason = finishedReason(runner);
    void runner.run();
    await flush();
    runner.push(makeFrame('dtmf', { digit: '1' }));
    clock.advanceTo(999);
    await flush();
    expect(reason()).toBeUndefined();
    clock.advanceTo(1000);
    await flush();
    expect(reason()).toBe('end-timeout');
  });

  test('runner.end() is bounded the same way (its own timeoutMs wins)', async () => {
    const clock = createVirtualClock();
    const runner = new PipelineRunner(pipeline(new HoldsEnd()), { ...quiet, scheduler: clock, endTimeoutMs: 1000 });
    const reason = finishedReason(runner);
    void runner.run();
    await flush();
    void runner.end({ timeoutMs: 200 });
    clock.advanceTo(200);
    await flush();
    expect(reason()).toBe('end-timeout');
  });

  test('an end from inside that drains in time finishes the run as ended, and its deadline is cleared', async () => {
    const clock = createVirtualClock();
    const runner = new PipelineRunner(pipeline(new HangsUp(), new Pass()), { ...quiet, scheduler: clock, endTimeoutMs: 1000 });
    void runner.run();
    await flush();
    runner.push(makeFrame('dtmf', { digit: '1' }));
    expect(await runner.finished).toBe('ended');
    expect(clock.actions.filter((a) => !a.closed)).toHaveLength(0);
  });
});

describe('one way to start an interruption: downstream from the processor that decides it', () => {
  /** Decides a barge-in on `dtmf`, like a VAD on speech over the bot. */
  class Detector extends FrameProcessor {
    constructor(readonly includeSelf = false) {
      super({ name: 'detector' });
    }
    protected override process(frame: Frame, direction: FrameDirection): void {
      this.push(frame, direction);
      if (frame.type === 'dtmf') this.startInterruption('user-speech', { ptsMs: 1234, includeSelf: this.includeSelf });
    }
  }
  class Counts extends FrameProcessor {
    interruptions = 0;
    protected override onInterruption(): void {
      this.interruptions += 1;
    }
  }

  test('everything after the origin flushes exactly once; what is before it keeps its queued audio flowing', async () => {
    const before = new Gate({ name: 'before' });
    const beforeCounts = new Counts({ name: 'before-counts' });
    const detector = new Detector();
    const after = new Counts({ name: 'after' });
    const runner = new PipelineRunner(pipeline(beforeCounts, before, detector, after), quiet);
    const out: Frame[] = [];
    runner.output.subscribe((f) => out.push(f));
    void runner.run();
    await flush();
    runner.push(makeFrame('dtmf', { digit: '1' }));
    runner.push(text('user audio 1'));
    runner.push(text('user audio 2'));
    before.release(); // dtmf reaches the detector: barge-in
    await flush();
    expect(after.interruptions).toBe(1);
    expect(out.filter((f) => f.type === 'interruption.start')).toEqual([expect.objectContaining({ reason: 'user-speech', ptsMs: 1234 })]);
    // Nothing before the detector was interrupted: its queued frames were not dropped.
    expect(beforeCounts.interruptions).toBe(0);
    expect(before.aborted).toEqual([]);
    before.release();
    await flush();
    before.release();
    await flush();
    expect(out.flatMap((f) => (f.type === 'text' ? [f.text] : []))).toEqual(['user audio 1', 'user audio 2']);
    await runner.cancel();
  });

  test('includeSelf interrupts the origin too (a processor that holds output itself)', async () => {
    const detector = new (class extends Detector {
      interrupted = 0;
      protected override onInterruption(): void {
        this.interrupted += 1;
      }
    })(true);
    const after = new Counts();
    const h = new ProcessorHarness(pipeline(detector, after));
    await h.start();
    h.send(makeFrame('dtmf', { digit: '1' }));
    expect(detector.interrupted).toBe(1);
    expect(after.interruptions).toBe(1);
    expect(h.framesOf('interruption.start')).toHaveLength(1);
    h.dispose();
  });

  test('the deprecated interruption.request still works, as an interruption started once at the head', async () => {
    const requester = new (class extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): void {
        if (frame.type === 'dtmf') this.push(makeFrame('interruption.request', { reason: 'request' }), 'upstream');
        else this.push(frame, direction);
      }
    })();
    const after = new Counts();
    const runner = new PipelineRunner(pipeline(new Pass(), requester, after), quiet);
    const out: Frame[] = [];
    runner.output.subscribe((f) => out.push(f));
    void runner.run();
    runner.push(makeFrame('dtmf', { digit: '#' }));
    runner.push(makeFrame('dtmf', { digit: '#' }));
    expect(after.interruptions).toBe(2);
    expect(out.filter((f) => f.type === 'interruption.start')).toHaveLength(2);
    await runner.cancel();
  });
});

describe('an interruption never aborts uninterruptible work in flight', () => {
  test('the in-flight uninterruptible step keeps its signal and its output', async () => {
    const gate = new Gate();
    const h = new ProcessorHarness(gate);
    await h.start();
    const result = makeFrame('tool.result', { callId: 'c1', name: 'lookup', output: '{}', isError: false });
    h.send(result, text('queued'));
    expect(gate.started).toEqual([result]);
    h.interrupt();
    expect(gate.aborted).toEqual([]);
    gate.release();
    await flush();
    expect(h.downstream.map((f) => f.type)).toEqual(['start', 'interruption.start', 'tool.result']);
    h.dispose();
  });

  test('interruptible work in flight is aborted', async () => {
    const gate = new Gate();
    const h = new ProcessorHarness(gate);
    await h.start();
    const frame = text('in flight');
    h.send(frame);
    h.interrupt();
    expect(gate.aborted).toEqual([frame]);
    h.dispose();
  });
});

describe('what the idle timeout counts as activity', () => {
  test('the default activity frame types are pinned', () => {
    expect([...runnerDefaults.idleFrameTypes].sort()).toEqual(
      [
        'audio.input',
        'audio.output',
        'bot.started-speaking',
        'bot.stopped-speaking',
        'text',
        'transcript',
        'user.started-speaking',
        'user.stopped-speaking',
      ].sort(),
    );
  });

  async function idleRun(frameEvery20Ms: () => Frame): Promise<FinishReason | undefined> {
    const clock = createVirtualClock();
    const runner = new PipelineRunner(pipeline(new Pass()), { ...quiet, scheduler: clock, idleTimeoutMs: 100 });
    const reason = finishedReason(runner);
    void runner.run();
    for (let t = 20; t <= 300; t += 20) {
      clock.advanceTo(t);
      runner.push(frameEvery20Ms());
      await flush();
      if (reason() !== undefined) return reason();
    }
    await runner.cancel();
    return undefined;
  }

  test('frames that are not activity (metrics, dtmf, settings) do not keep a run alive', async () => {
    let i = 0;
    const frames = [
      () => makeFrame('metrics', { metrics: [] }),
      () => makeFrame('dtmf', { digit: '1' }),
      () => makeFrame('turn.end', { role: 'assistant', status: 'completed' }),
    ];
    expect(await idleRun(() => frames[i++ % frames.length]())).toBe('idle');
  });

  test('activity frames do keep it alive', async () => {
    expect(await idleRun(() => text('still talking'))).toBeUndefined();
  });
});
