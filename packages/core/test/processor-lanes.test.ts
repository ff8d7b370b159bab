import { FrameProcessor, makeFrame, type Frame, type FrameDirection } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { Observable } from 'rxjs';
import { Gate, flush, text } from './helpers';

describe('the two lanes of a processor', () => {
  test('system frames overtake data frames queued behind async work', async () => {
    const gate = new Gate();
    const h = new ProcessorHarness(gate);
    await h.start();
    h.send(text('a'), text('b'));
    const speaking = makeFrame('user.started-speaking', {});
    h.send(speaking);
    expect(h.downstream.map((f) => f.type)).toEqual(['start', 'user.started-speaking']);
    gate.release();
    await flush();
    gate.release();
    await flush();
    expect(h.downstream.map((f) => (f.type === 'text' ? f.text : f.type))).toEqual(['start', 'user.started-speaking', 'a', 'b']);
    h.dispose();
  });

  test('ordered frames are processed one at a time, in order, across async steps', async () => {
    const gate = new Gate();
    const h = new ProcessorHarness(gate);
    await h.start();
    h.send(text('1'), text('2'), text('3'));
    expect(gate.started).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      gate.release();
      await flush();
    }
    expect(gate.started).toHaveLength(3);
    expect(h.framesOf('text').map((f) => f.text)).toEqual(['1', '2', '3']);
    h.dispose();
  });

  test('frames a processor does not handle pass through unchanged and in order', async () => {
    class OnlyText extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): void {
        if (frame.type === 'text') this.push(makeFrame('text', { text: frame.text + '!', role: frame.role }), direction);
        else this.push(frame, direction);
      }
    }
    const h = new ProcessorHarness(new OnlyText());
    await h.start();
    const dtmf = makeFrame('dtmf', { digit: '5' });
    const turn = makeFrame('turn.end', { role: 'user', status: 'completed' });
    h.send(dtmf, text('x'), turn);
    await h.end();
    expect(h.downstream.slice(1, 4)).toEqual([dtmf, expect.objectContaining({ text: 'x!' }), turn]);
    h.dispose();
  });

  test('interruption aborts in-flight work and drops queued data and control frames but keeps uninterruptible ones', async () => {
    const gate = new Gate();
    const h = new ProcessorHarness(gate);
    await h.start();
    const inflight = text('in-flight');
    const result = makeFrame('tool.result', { callId: 'c1', name: 'lookup', output: '{}', isError: false });
    h.send(inflight, text('queued'), makeFrame('turn.end', { role: 'assistant', status: 'completed' }), result, text('also queued'));
    h.interrupt();
    expect(gate.aborted).toEqual([inflight]);
    // The uninterruptible tool result is now in flight; everything else was dropped.
    expect(gate.started.map((f) => f.type)).toEqual(['text', 'tool.result']);
    gate.release();
    await flush();
    expect(h.downstream.map((f) => f.type)).toEqual(['start', 'interruption.start', 'tool.result']);
    h.dispose();
  });

  test('output pushed with an aborted signal is dropped: stale work never escapes', async () => {
    let late: (() => void) | undefined;
    class Slow extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection, signal: AbortSignal): void | Promise<void> {
        if (frame.type !== 'text') return this.push(frame, direction);
        late = () => this.push(makeFrame('text', { text: 'stale', role: 'assistant' }), direction, signal);
        return Promise.resolve();
      }
    }
    const h = new ProcessorHarness(new Slow());
    await h.start();
    h.send(text('q'));
    h.interrupt();
    late?.();
    expect(h.framesOf('text')).toHaveLength(0);
    h.dispose();
  });

  test('an Observable step is unsubscribed on interruption (switchMap semantics)', async () => {
    let unsubscribed = 0;
    class Streaming extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): void | Observable<Frame> {
        if (frame.type !== 'text') return this.push(frame, direction);
        return new Observable<Frame>((subscriber) => {
          subscriber.next(makeFrame('text', { text: `${frame.text}-1`, role: 'assistant' }));
          return () => {
            unsubscribed += 1;
          };
        });
      }
    }
    const h = new ProcessorHarness(new Streaming());
    await h.start();
    h.send(text('a'), text('b'));
    expect(h.framesOf('text').map((f) => f.text)).toEqual(['a-1']);
    h.interrupt();
    expect(unsubscribed).toBe(1);
    h.send(text('c'));
    expect(h.framesOf('text').map((f) => f.text)).toEqual(['a-1', 'c-1']);
    h.dispose();
  });

  test('end drains the ordered lane in order before it is forwarded', async () => {
    const gate = new Gate();
    const h = new ProcessorHarness(gate);
    await h.start();
    h.send(text('1'), text('2'));
    const ended = h.end();
    gate.release();
    await flush();
    expect(h.downstream.map((f) => f.type)).not.toContain('end');
    gate.release();
    await ended;
    expect(h.downstream.map((f) => (f.type === 'text' ? f.text : f.type))).toEqual(['start', '1', '2', 'end']);
    expect(gate.state).toBe('ended');
    h.dispose();
  });

  test('cancel is immediate: it overtakes queued frames, aborts work, and calls onCancel', async () => {
    const calls: string[] = [];
    class Tracked extends Gate {
      protected override onCancel(): void {
        calls.push('onCancel');
      }
    }
    const gate = new Tracked();
    const h = new ProcessorHarness(gate);
    await h.start();
    h.send(text('1'), text('2'));
    h.cancel();
    expect(calls).toEqual(['onCancel']);
    expect(gate.aborted).toHaveLength(1);
    expect(h.downstream.map((f) => f.type)).toEqual(['start', 'cancel']);
    h.send(text('after'));
    expect(gate.started).toHaveLength(1);
    h.dispose();
  });

  test('async onStart holds ordered frames until setup is done; start is forwarded first', async () => {
    let ready!: () => void;
    class SlowStart extends FrameProcessor {
      protected override onStart(): Promise<void> {
        return new Promise((resolve) => {
          ready = resolve;
        });
      }
    }
    const h = new ProcessorHarness(new SlowStart());
    const started = h.start();
    h.send(text('early'));
    expect(h.downstream).toHaveLength(0);
    ready();
    await started;
    expect(h.downstream.map((f) => f.type)).toEqual(['start', 'text']);
    h.dispose();
  });

  test('a throwing process becomes an upstream error frame and the processor keeps going', async () => {
    class Picky extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): void {
        if (frame.type === 'text' && frame.text === 'bad') throw new Error('cannot handle bad');
        this.push(frame, direction);
      }
    }
    const h = new ProcessorHarness(new Picky());
    await h.start();
    h.send(text('bad'), text('good'));
    const [error] = h.framesOf('error', 'upstream');
    expect(error.fatal).toBe(false);
    expect(error.processor).toBe('Picky');
    expect(error.error.code).toBe('processor_failed');
    expect(error.error.message).toContain('cannot handle bad');
    expect(h.framesOf('text').map((f) => f.text)).toEqual(['good']);
    h.dispose();
  });

  test('a rejected async step becomes an error frame and the lane moves on', async () => {
    class Rejecting extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): void | Promise<void> {
        if (frame.type === 'text' && frame.text === 'bad') return Promise.reject(new Error('async failure'));
        this.push(frame, direction);
      }
    }
    const h = new ProcessorHarness(new Rejecting());
    await h.start();
    h.send(text('bad'), text('good'));
    await h.waitForType('error');
    await h.waitFor((f) => f.type === 'text');
    expect(h.framesOf('text').map((f) => f.text)).toEqual(['good']);
    h.dispose();
  });

  test('a full ordered lane applies drop-oldest, reports one recoverable error per episode and a metric', async () => {
    const gate = new Gate({ maxQueuedFrames: 2 });
    const h = new ProcessorHarness(gate);
    await h.start();
    h.send(text('in-flight'), text('q1'), text('q2'), text('q3'), text('q4'));
    const errors = h.framesOf('error', 'upstream');
    expect(errors).toHaveLength(1);
    expect(errors[0].error.code).toBe('queue_overflow');
    expect(errors[0].fatal).toBe(false);
    for (let i = 0; i < 3; i++) {
      gate.release();
      await flush();
    }
    expect(h.framesOf('text').map((f) => f.text)).toEqual(['in-flight', 'q3', 'q4']);
    const overflow = h.framesOf('metrics').flatMap((m) => m.metrics);
    expect(overflow).toEqual([{ kind: 'queue-overflow', processor: 'Gate', dropped: 2 }]);
    h.dispose();
  });

  test('frames can travel upstream through a processor, on the same ordered lane', async () => {
    const gate = new Gate();
    const h = new ProcessorHarness(gate);
    await h.start();
    const progress = makeFrame('playback.progress', { playedMs: 120, final: false });
    h.sendUpstream(progress, text('up'));
    expect(h.upstream[0]).toBe(progress);
    expect(h.upstream.map((f) => f.type)).toEqual(['playback.progress', 'text']);
    h.dispose();
  });
});
