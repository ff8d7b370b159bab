import {
  FrameProcessor,
  PipelineRunner,
  makeFrame,
  parallel,
  pipeline,
  silentLogger,
  type Frame,
  type FrameDirection,
  type FrameObservation,
} from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { Gate, flush, text } from './helpers';

class Pass extends FrameProcessor {}

class Tag extends FrameProcessor {
  constructor(readonly tag: string) {
    super({ name: `tag-${tag}` });
  }
  protected override process(frame: Frame, direction: FrameDirection): void {
    if (frame.type === 'text' && direction === 'downstream') this.push(makeFrame('text', { text: frame.text + this.tag, role: frame.role }), direction);
    else this.push(frame, direction);
  }
}

/** Hangs forever on end: onEnd never resolves. */
class HangsOnEnd extends FrameProcessor {
  protected override onEnd(): Promise<void> {
    return new Promise(() => undefined);
  }
}

const quiet = { logger: silentLogger() };

describe('pipeline()', () => {
  test('chains processors in order, and nests', async () => {
    const p = pipeline(new Tag('a'), pipeline(new Tag('b'), new Tag('c')), new Tag('d'));
    const h = new ProcessorHarness(p);
    await h.start();
    h.send(text('x'));
    await h.end();
    expect(h.framesOf('text').map((f) => f.text)).toEqual(['xabcd']);
    h.dispose();
  });

  test('upstream frames travel from the tail back to the head', async () => {
    const tail = new (class extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): void {
        if (frame.type === 'text') this.push(makeFrame('playback.progress', { playedMs: 40, final: false }), 'upstream');
        this.push(frame, direction);
      }
    })();
    const h = new ProcessorHarness(pipeline(new Pass(), new Pass(), tail));
    await h.start();
    h.send(text('x'));
    expect(h.framesOf('playback.progress', 'upstream')).toHaveLength(1);
    h.dispose();
  });

  test('rejects a processor placed twice, with an actionable error', () => {
    const shared = new Pass();
    pipeline(shared);
    expect(() => pipeline(new Pass(), shared)).toThrow(/already part of a pipeline/);
    expect(() => pipeline()).toThrow(/at least one/);
    expect(() => pipeline({} as never)).toThrow(/expected a processor/);
  });
});

describe('parallel()', () => {
  test('every branch sees each frame; a frame passed by several branches comes out once; made frames all come out', async () => {
    const p = parallel(new Pass(), new Tag('!'));
    const h = new ProcessorHarness(p);
    await h.start();
    const dtmf = makeFrame('dtmf', { digit: '1' });
    h.send(text('hi'), dtmf);
    await h.end();
    expect(h.downstream.filter((f) => f.type === 'start')).toHaveLength(1);
    expect(h.downstream.filter((f) => f.type === 'end')).toHaveLength(1);
    expect(h.framesOf('dtmf')).toEqual([dtmf]);
    expect(h.framesOf('text').map((f) => f.text).sort()).toEqual(['hi', 'hi!']);
    h.dispose();
  });

  test('end leaves only when every branch drained', async () => {
    const gate = new Gate();
    const h = new ProcessorHarness(parallel(new Pass(), gate));
    await h.start();
    h.send(text('slow'));
    const ended = h.end();
    await flush();
    expect(h.downstream.map((f) => f.type)).not.toContain('end');
    gate.release();
    await ended;
    expect(h.downstream.at(-1)?.type).toBe('end');
    h.dispose();
  });

  test('an interruption reaches every branch and comes out once', async () => {
    const a = new Gate();
    const b = new Gate();
    const h = new ProcessorHarness(parallel(a, b));
    await h.start();
    h.send(text('x'));
    h.interrupt();
    expect(a.aborted).toHaveLength(1);
    expect(b.aborted).toHaveLength(1);
    expect(h.framesOf('interruption.start')).toHaveLength(1);
    h.dispose();
  });
});

describe('PipelineRunner', () => {
  test('start, frames, graceful end: events and output in order', async () => {
    const runner = new PipelineRunner(pipeline(new Tag('1'), new Tag('2')), quiet);
    const events: string[] = [];
    const out: Frame[] = [];
    runner.events.subscribe((e) => events.push(e.type === 'finished' ? `finished:${e.reason}` : e.type));
    runner.output.subscribe((f) => out.push(f));
    const finished = runner.run();
    runner.push(text('a'));
    runner.push(text('b'));
    await runner.end();
    expect(await finished).toBe('ended');
    expect(events).toEqual(['started', 'finished:ended']);
    expect(out.map((f) => (f.type === 'text' ? f.text : f.type))).toEqual(['start', 'a12', 'b12', 'end']);
  });

  test('a hung processor cannot hang shutdown: the end times out into a cancel', async () => {
    const hung = new HangsOnEnd();
    const runner = new PipelineRunner(pipeline(new Pass(), hung, new Pass()), { ...quiet, endTimeoutMs: 50 });
    const errors: string[] = [];
    runner.events.subscribe((e) => e.type === 'error' && errors.push(e.error.code));
    void runner.run();
    const reason = await runner.end();
    expect(reason).toBe('end-timeout');
    expect(errors).toEqual(['timeout']);
    expect(hung.state).toBe('cancelled');
  });

  test('cancel is immediate even with work in flight, and disposes every processor', async () => {
    const gate = new Gate();
    const disposed: string[] = [];
    class Tracked extends FrameProcessor {
      protected override onDispose(): void {
        disposed.push(this.name);
      }
    }
    const runner = new PipelineRunner(pipeline(new Tracked({ name: 'first' }), gate, new Tracked({ name: 'last' })), quiet);
    void runner.run();
    runner.push(text('stuck'));
    expect(await runner.cancel()).toBe('cancelled');
    expect(gate.aborted).toHaveLength(1);
    expect(disposed).toEqual(['first', 'last']);
  });

  test('an error frame from a processor reaches the runner upstream; the default policy keeps going on recoverable errors', async () => {
    class Faulty extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): void {
        if (frame.type === 'text' && frame.text === 'boom') throw new Error('boom');
        this.push(frame, direction);
      }
    }
    const runner = new PipelineRunner(pipeline(new Pass(), new Faulty(), new Pass()), quiet);
    const errors: { code: string; fatal: boolean; processor?: string }[] = [];
    runner.events.subscribe((e) => e.type === 'error' && errors.push({ code: e.error.code, fatal: e.fatal, processor: e.processor }));
    const out: Frame[] = [];
    runner.output.subscribe((f) => out.push(f));
    void runner.run();
    runner.push(text('boom'));
    runner.push(text('fine'));
    expect(await runner.end()).toBe('ended');
    expect(errors).toEqual([{ code: 'processor_failed', fatal: false, processor: 'Faulty' }]);
    expect(out.filter((f) => f.type === 'text')).toHaveLength(1);
  });

  test('a fatal error cancels the run under the default policy; a custom policy can end it instead', async () => {
    class Fatal extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): void {
        if (frame.type === 'text') this.pushError(new Error('unrecoverable'), true);
        else this.push(frame, direction);
      }
    }
    const cancelled = new PipelineRunner(pipeline(new Pass(), new Fatal()), quiet);
    void cancelled.run();
    cancelled.push(text('x'));
    expect(await cancelled.finished).toBe('error');

    const policies: boolean[] = [];
    const ended = new PipelineRunner(pipeline(new Pass(), new Fatal()), {
      ...quiet,
      errorPolicy: (e) => {
        policies.push(e.fatal);
        return 'end';
      },
    });
    void ended.run();
    ended.push(text('x'));
    expect(await ended.finished).toBe('ended');
    expect(policies).toEqual([true]);
  });

  test('an interruption request sent upstream makes the runner interrupt the whole pipeline from its head', async () => {
    const interrupted: string[] = [];
    class Head extends FrameProcessor {
      protected override onInterruption(): void {
        interrupted.push('head');
      }
    }
    const requester = new (class extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): void {
        if (frame.type === 'dtmf') this.push(makeFrame('interruption.request', { reason: 'request' }), 'upstream');
        else this.push(frame, direction);
      }
      protected override onInterruption(): void {
        interrupted.push('requester');
      }
    })();
    const runner = new PipelineRunner(pipeline(new Head(), requester), quiet);
    const out: Frame[] = [];
    runner.output.subscribe((f) => out.push(f));
    void runner.run();
    runner.push(makeFrame('dtmf', { digit: '#' }));
    expect(interrupted).toEqual(['head', 'requester']);
    expect(out.filter((f) => f.type === 'interruption.start')).toEqual([expect.objectContaining({ reason: 'request' })]);
    await runner.cancel();
  });

  test('observers see every frame every processor pushes, with its source', async () => {
    const seen: FrameObservation[] = [];
    const runner = new PipelineRunner(pipeline(new Tag('a'), new Tag('b')), { ...quiet, observers: [{ onFrame: (o) => seen.push(o) }] });
    void runner.run();
    runner.push(text('x'));
    await runner.end();
    const texts = seen.filter((o) => o.frame.type === 'text').map((o) => `${o.source}:${(o.frame as { text: string }).text}`);
    expect(texts).toEqual(['tag-a:xa', 'tag-b:xab']);
  });

  test('the idle timeout ends a run with no activity', async () => {
    const runner = new PipelineRunner(pipeline(new Pass()), { ...quiet, idleTimeoutMs: 30 });
    void runner.run();
    runner.push(text('activity'));
    expect(await runner.finished).toBe('idle');
  });

  test('an end frame pushed from inside the pipeline (a caller hung up) finishes the run once it drained', async () => {
    const hangsUp = new (class extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): void {
        if (frame.type === 'dtmf') this.push(makeFrame('end', { reason: 'caller hung up' }));
        else this.push(frame, direction);
      }
    })();
    const runner = new PipelineRunner(pipeline(hangsUp, new Pass()), quiet);
    void runner.run();
    runner.push(makeFrame('dtmf', { digit: '1' }));
    expect(await runner.finished).toBe('ended');
  });

  test('run() twice is a usage error', () => {
    const runner = new PipelineRunner(pipeline(new Pass()), quiet);
    void runner.run();
    expect(() => runner.run()).toThrow(/twice/);
    void runner.cancel();
  });
});
