/**
 * Drive a processor or pipeline by hand in tests: start it, send frames either way, read what came out.
 *
 * @packageDocumentation
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { createProcessorContext, ObserverHub } from '../context';
import { VoxframeError } from '../errors';
import { makeFrame, type Frame, type FrameMap, type FrameType, type StartFrame } from '../frames';
import { silentLogger, type Logger } from '../logger';
import type { FrameNode } from '../node';

/** Options of {@link ProcessorHarness}. */
export interface HarnessOptions {
  /** Clock (a `TestScheduler` for virtual time). @defaultValue `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
  /** @defaultValue a silent logger (set `VOXFRAME_LOG_LEVEL` to see logs via your own logger) */
  readonly logger?: Logger;
}

/** A frame-in/frames-out test bench around one node. */
export class ProcessorHarness {
  /** Frames the node emitted downstream, in order. */
  readonly downstream: Frame[] = [];
  /** Frames the node emitted upstream, in order. */
  readonly upstream: Frame[] = [];
  readonly #node: FrameNode;
  readonly #subscriptions: Subscription[];
  #waiters: {
    predicate: (frame: Frame, direction: 'downstream' | 'upstream') => boolean;
    resolve: (f: Frame) => void;
    timer: ReturnType<typeof setTimeout>;
  }[] = [];

  constructor(node: FrameNode, options: HarnessOptions = {}) {
    this.#node = node;
    node.attach(
      createProcessorContext({
        logger: options.logger ?? silentLogger(),
        ...(options.scheduler ? { scheduler: options.scheduler } : {}),
        observers: new ObserverHub(),
      }),
    );
    this.#subscriptions = [
      node.downstream.subscribe((frame) => this.#collect(frame, 'downstream')),
      node.upstream.subscribe((frame) => this.#collect(frame, 'upstream')),
    ];
  }

  /** The node under test. */
  get node(): FrameNode {
    return this.#node;
  }

  /** Sends the start frame. Resolves once it came out downstream (async setup done). */
  start(fields: Partial<Omit<StartFrame, 'type' | 'kind' | 'id'>> = {}, timeoutMs = 5000): Promise<Frame> {
    const start = makeFrame('start', { allowInterruptions: true, enableMetrics: false, ...fields });
    const started = this.waitFor((f) => f.id === start.id, timeoutMs, 'the start frame to come out');
    this.#node.receive(start, 'downstream');
    return started;
  }

  /** Sends frames downstream, in order. */
  send(...frames: Frame[]): void {
    for (const frame of frames) this.#node.receive(frame, 'downstream');
  }

  /** Sends frames upstream (as if from a later processor), in order. */
  sendUpstream(...frames: Frame[]): void {
    for (const frame of frames) this.#node.receive(frame, 'upstream');
  }

  /** Sends an end frame and resolves when it came out downstream (everything before it drained). */
  end(timeoutMs = 5000): Promise<Frame> {
    const end = makeFrame('end', {});
    const ended = this.waitFor((f) => f.id === end.id, timeoutMs, 'the end frame to drain through');
    this.#node.receive(end, 'downstream');
    return ended;
  }

  /** Sends a cancel frame. */
  cancel(): void {
    this.#node.receive(makeFrame('cancel', {}), 'downstream');
  }

  /** Sends an interruption (barge-in) downstream. */
  interrupt(reason = 'user-speech'): void {
    this.#node.receive(makeFrame('interruption.start', { reason }), 'downstream');
  }

  /**
   * Resolves with the first frame (already emitted or future) matching the predicate.
   * @throws {@link HarnessTimeoutError} after `timeoutMs`, listing what did come out.
   */
  waitFor(
    predicate: (frame: Frame, direction: 'downstream' | 'upstream') => boolean,
    timeoutMs = 5000,
    what = 'a matching frame',
  ): Promise<Frame> {
    const seen = this.downstream.find((f) => predicate(f, 'downstream')) ?? this.upstream.find((f) => predicate(f, 'upstream'));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new HarnessTimeoutError(what, timeoutMs, this.downstream, this.upstream));
      }, timeoutMs);
      // A wait nobody settles (a test that moved on) must not keep the test process alive.
      timer.unref?.();
      const waiter = {
        predicate,
        timer,
        resolve: (frame: Frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      this.#waiters.push(waiter);
    });
  }

  /** Waits for a frame of a type (either direction). */
  waitForType<T extends FrameType>(type: T, timeoutMs = 5000): Promise<FrameMap[T]> {
    return this.waitFor((f) => f.type === type, timeoutMs, `a '${type}' frame`) as Promise<FrameMap[T]>;
  }

  /** Frames of a type that came out downstream. */
  framesOf<T extends FrameType>(type: T, direction: 'downstream' | 'upstream' = 'downstream'): FrameMap[T][] {
    return (direction === 'downstream' ? this.downstream : this.upstream).filter((f) => f.type === type) as FrameMap[T][];
  }

  /** Stops collecting and disposes the node. Waits still pending never settle (their timers are cleared). */
  dispose(): void {
    for (const waiter of this.#waiters) clearTimeout(waiter.timer);
    this.#waiters = [];
    for (const s of this.#subscriptions) s.unsubscribe();
    this.#node.dispose();
  }

  #collect(frame: Frame, direction: 'downstream' | 'upstream'): void {
    (direction === 'downstream' ? this.downstream : this.upstream).push(frame);
    if (this.#waiters.length === 0) return;
    for (const waiter of [...this.#waiters]) {
      if (waiter.predicate(frame, direction)) {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        waiter.resolve(frame);
      }
    }
  }
}

/** A harness wait ran out of time. The message lists the frame types that did come out. */
export class HarnessTimeoutError extends VoxframeError {
  constructor(what: string, timeoutMs: number, downstream: readonly Frame[], upstream: readonly Frame[]) {
    super(
      'test_timeout',
      `Waited ${timeoutMs} ms for ${what}. Downstream got [${summarize(downstream)}], upstream got [${summarize(upstream)}].`,
      { recoverable: false },
    );
  }
}

function summarize(frames: readonly Frame[]): string {
  const types = frames.map((f) => f.type);
  return types.length > 30 ? `${types.slice(0, 30).join(', ')}, ... (${types.length})` : types.join(', ');
}
