/**
 * The core keeps what its docs promise (issue 15 "broken promises", issue 8 defect 5): each test failed before
 * its fix.
 */
import { FrameProcessor, fromOperator, makeFrame, observableToAsyncIterator, parallel, withFields, type Frame, type FrameDirection } from '@voxframe/core';
import { ProcessorHarness, createVirtualClock } from '@voxframe/core/testing';
import { Observable, Subject, bufferCount, delay, interval, map, mergeMap} from 'rxjs';
import { Gate, flush, text } from './helpers';

class Pass extends FrameProcessor {}

/** Upper-cases text after an await, with `withFields` (the documented way to transform: the id is kept). */
class SlowUpper extends FrameProcessor {
  protected override async process(frame: Frame, direction: FrameDirection): Promise<void> {
    await Promise.resolve();
    this.push(frame.type === 'text' ? withFields(frame, { text: frame.text.toUpperCase() }) : frame, direction);
  }
}

const texts = (frames: readonly Frame[]): string[] => frames.flatMap((f) => (f.type === 'text' ? [f.text] : []));

describe('parallel(): what comes out', () => {
  test('a frame a branch transforms (same id, new object) comes out beside the one another branch passed on', async () => {
    const h = new ProcessorHarness(parallel(new SlowUpper(), new Pass()));
    await h.start();
    h.send(text('hello'));
    await flush();
    expect(texts(h.downstream)).toEqual(['hello', 'HELLO']);
    h.dispose();
  });

  test('a frame every branch passes on unchanged comes out once, whichever branch is first', async () => {
    const gate = new Gate();
    const h = new ProcessorHarness(parallel(gate, new Pass(), new Pass()));
    await h.start();
    const frame = text('once');
    h.send(frame);
    gate.release();
    await flush();
    expect(h.downstream.filter((f) => f.type === 'text')).toEqual([frame]);
    h.dispose();
  });

  test('a frame held long in one branch (behind more than 4096 others) still comes out once', async () => {
    const gate = new Gate({ maxQueuedFrames: 8192 });
    const h = new ProcessorHarness(parallel(gate, new Pass()));
    await h.start();
    const held = text('held');
    h.send(held);
    for (let i = 0; i < 5000; i++) h.send(text(String(i)));
    expect(h.downstream.filter((f) => f === held)).toHaveLength(1);
    gate.release(); // the held frame leaves the gate branch now
    await flush();
    expect(h.downstream.filter((f) => f === held)).toHaveLength(1);
    h.dispose();
  });
});

describe('fromOperator(): a graceful end drains the operator', () => {
  test('frames an operator delays come out before the end', async () => {
    const h = new ProcessorHarness(fromOperator(delay(20)));
    await h.start();
    h.send(text('a'), text('b'));
    await h.end();
    expect(h.downstream.map((f) => (f.type === 'text' ? f.text : f.type))).toEqual(['start', 'a', 'b', 'end']);
    h.dispose();
  });

  test('the last partial buffer of bufferCount comes out before the end', async () => {
    const pairs = fromOperator((source) => source.pipe(bufferCount(2), mergeMap((batch) => batch)));
    const h = new ProcessorHarness(pairs);
    await h.start();
    h.send(text('1'), text('2'), text('3'));
    await h.end();
    expect(h.downstream.map((f) => (f.type === 'text' ? f.text : f.type))).toEqual(['start', '1', '2', '3', 'end']);
    h.dispose();
  });

  test('an interruption during the drain flushes what the operator held and lets the end through', async () => {
    const h = new ProcessorHarness(fromOperator(delay(60_000)));
    await h.start();
    h.send(text('held'));
    const ended = h.end();
    h.interrupt();
    await ended;
    expect(texts(h.downstream)).toEqual([]);
    h.dispose();
  });

  test('an operator that mapped frames still maps after an interruption', async () => {
    const h = new ProcessorHarness(fromOperator(map((f: Frame) => (f.type === 'text' ? withFields(f, { text: f.text + '!' }) : f))));
    await h.start();
    h.interrupt();
    h.send(text('x'));
    await h.end();
    expect(texts(h.downstream)).toEqual(['x!']);
    h.dispose();
  });
});

describe('work returned for system frames is torn down', () => {
  /** Starts an `interval` on every `user.started-speaking` and a signal-aware promise on `bot.started-speaking`. */
  class Ticker extends FrameProcessor {
    ticks = 0;
    readonly signals: AbortSignal[] = [];
    readonly #clock: ReturnType<typeof createVirtualClock>;
    constructor(clock: ReturnType<typeof createVirtualClock>) {
      super();
      this.#clock = clock;
    }
    protected override process(frame: Frame, direction: FrameDirection, signal: AbortSignal): void | Promise<void> | Observable<Frame> {
      if (frame.type === 'user.started-speaking') {
        return interval(10, this.#clock).pipe(
          map(() => {
            this.ticks += 1;
            return makeFrame('metrics', { metrics: [] });
          }),
        );
      }
      if (frame.type === 'bot.started-speaking') {
        this.signals.push(signal);
        return new Promise<void>(() => undefined);
      }
      this.push(frame, direction);
    }
  }

  const scenarios: [string, (h: ProcessorHarness) => void][] = [
    ['interruption', (h) => h.interrupt()],
    ['cancel', (h) => h.cancel()],
    ['dispose', (h) => h.dispose()],
  ];

  test.each(scenarios)('by %s: the Observable is unsubscribed and the signal aborted', async (_name, stop) => {
    const clock = createVirtualClock();
    const ticker = new Ticker(clock);
    const h = new ProcessorHarness(ticker, { scheduler: clock });
    await h.start();
    h.send(makeFrame('user.started-speaking', {}), makeFrame('bot.started-speaking', {}));
    clock.advanceBy(35);
    expect(ticker.ticks).toBe(3);
    expect(ticker.signals[0].aborted).toBe(false);
    stop(h);
    clock.advanceBy(100);
    expect(ticker.ticks).toBe(3);
    expect(ticker.signals[0].aborted).toBe(true);
    h.dispose();
  });

  test('work started after an interruption runs until the next one', async () => {
    const clock = createVirtualClock();
    const ticker = new Ticker(clock);
    const h = new ProcessorHarness(ticker, { scheduler: clock });
    await h.start();
    h.interrupt();
    h.send(makeFrame('user.started-speaking', {}));
    clock.advanceBy(25);
    expect(ticker.ticks).toBe(2);
    h.dispose();
  });
});

describe('the session async iterator', () => {
  test('subscribes at the first next(), not at creation', async () => {
    let subscriptions = 0;
    const events = new Subject<number>();
    const source = new Observable<number>((subscriber) => {
      subscriptions += 1;
      return events.subscribe(subscriber);
    });
    const iterator = observableToAsyncIterator(source);
    events.next(1); // before the first next(): not seen
    expect(subscriptions).toBe(0);
    const first = iterator.next();
    expect(subscriptions).toBe(1);
    events.next(2);
    expect(await first).toEqual({ value: 2, done: false });
    await iterator.return?.();
  });

  test('buffers at most maxBuffered values and drops the oldest (default policy), reporting once per episode', async () => {
    const events = new Subject<number>();
    const overflows: string[] = [];
    const iterator = observableToAsyncIterator(events, { onOverflow: (e) => overflows.push(e.code) });
    const first = iterator.next();
    for (let i = 0; i < 3000; i++) events.next(i);
    expect(await first).toEqual({ value: 0, done: false });
    const rest: number[] = [];
    events.complete();
    for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) rest.push(r.value);
    expect(rest).toHaveLength(1024);
    expect(rest[0]).toBe(3000 - 1024);
    expect(rest[1023]).toBe(2999);
    expect(overflows).toEqual(['queue_overflow']);
  });

  test('drop-newest keeps the first values', async () => {
    const events = new Subject<number>();
    const iterator = observableToAsyncIterator(events, { maxBuffered: 2, overflowPolicy: 'drop-newest' });
    const first = iterator.next();
    for (let i = 0; i < 5; i++) events.next(i);
    events.complete();
    expect(await first).toEqual({ value: 0, done: false });
    expect(await iterator.next()).toEqual({ value: 1, done: false });
    expect(await iterator.next()).toEqual({ value: 2, done: false });
    expect((await iterator.next()).done).toBe(true);
  });
});

describe('a full ordered lane of uninterruptible frames (issue 8, defect 5)', () => {
  test('one more uninterruptible frame waits its turn behind the in-flight step and is not counted as dropped', async () => {
    const gate = new Gate({ maxQueuedFrames: 2 });
    const h = new ProcessorHarness(gate);
    await h.start();
    const keep = (name: string): Frame => text(name, true);
    h.send(text('in-flight'), keep('u1'), keep('u2'), keep('u3'));
    expect(gate.started.map((f) => (f.type === 'text' ? f.text : f.type))).toEqual(['in-flight']);
    for (let i = 0; i < 4; i++) {
      gate.release();
      await flush();
    }
    expect(texts(h.downstream)).toEqual(['in-flight', 'u1', 'u2', 'u3']);
    expect(h.framesOf('error', 'upstream')).toEqual([]);
    h.dispose();
  });

  test('an interruptible frame still makes room by the stated policy (counted as dropped)', async () => {
    const gate = new Gate({ maxQueuedFrames: 2 });
    const h = new ProcessorHarness(gate);
    await h.start();
    h.send(text('in-flight'), text('old'), text('u', true), text('new'));
    for (let i = 0; i < 4; i++) {
      gate.release();
      await flush();
    }
    expect(texts(h.downstream)).toEqual(['in-flight', 'u', 'new']);
    expect(h.framesOf('error', 'upstream').map((f) => f.error.code)).toEqual(['queue_overflow']);
    h.dispose();
  });
});
