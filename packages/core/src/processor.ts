/**
 * The processor base: two lanes, interruption, lifecycle and errors as one inherited mechanism.
 *
 * A third-party processor extends {@link FrameProcessor} and overrides {@link FrameProcessor.process}; it gets:
 * - **two lanes**: system frames are handed to `process` at once, never behind data; data and control frames go
 *   through an ordered lane, one at a time, even when `process` is async;
 * - **interruption**: a `interruption.start` frame aborts the ordered lane's in-flight work (its `AbortSignal`, or
 *   the returned Observable is unsubscribed, `switchMap`-style), drops queued data/control frames except those marked
 *   uninterruptible, calls {@link FrameProcessor.onInterruption}, and passes the interruption on;
 * - **lifecycle**: start, end (drained in order) and cancel (immediate) are handled and forwarded by the base;
 * - **errors**: a throw or rejection becomes an `error` frame sent upstream, and a log line;
 * - **pass-through**: frames `process` does not handle go on unchanged and in order (the default `process`).
 *
 * @packageDocumentation
 */
import { Subject, isObservable, type Observable, type Subscription } from 'rxjs';
import { createProcessorContext, type ProcessorContext } from './context';
import { ProcessorError, UsageError, QueueOverflowError, VoxframeError } from './errors';
import { FrameQueue, type OverflowPolicy } from './frame-queue';
import {
  makeFrame,
  type CancelFrame,
  type EndFrame,
  type Frame,
  type FrameDirection,
  type StartFrame,
  type StartInterruptionFrame,
  type Usage,
} from './frames';
import type { Logger } from './logger';
import type { FrameNode, FrameTarget } from './node';

/** What {@link FrameProcessor.process} may return. */
export type ProcessResult = void | Promise<void> | Observable<Frame>;

/** Options of {@link FrameProcessor.startInterruption}. */
export interface StartInterruptionOptions {
  /** Media time of the cause (e.g. the speech start), carried as the frame's `ptsMs`. @defaultValue 0 */
  readonly ptsMs?: number;
  /**
   * Interrupt this processor too (abort its in-flight work, drop its queue, call `onInterruption`), for a processor
   * that holds output itself. @defaultValue false (only the processors after it)
   */
  readonly includeSelf?: boolean;
}

/** Where a processor is in its life. */
export type ProcessorState = 'idle' | 'starting' | 'running' | 'ending' | 'ended' | 'cancelled';

/** Options of every processor. */
export interface FrameProcessorOptions {
  /**
   * Name in logs, metrics and error frames.
   * @defaultValue the class name
   */
  readonly name?: string;
  /**
   * Most data/control frames waiting in the ordered lane while async work is in flight. 1024 frames is 20 s of
   * 20 ms audio: a processor that far behind real time is broken, and the overflow policy applies.
   * @defaultValue 1024
   */
  readonly maxQueuedFrames?: number;
  /**
   * What a full ordered lane does: `drop-oldest` (default; keeps latency bounded) or `drop-newest`. Either way the
   * drop is counted in a `queue-overflow` metric, logged, and reported once per episode as a recoverable error frame.
   * @defaultValue `'drop-oldest'`
   */
  readonly overflowPolicy?: OverflowPolicy;
}

/** Defaults of {@link FrameProcessorOptions}. */
export const frameProcessorDefaults = {
  maxQueuedFrames: 1024,
  overflowPolicy: 'drop-oldest',
} as const satisfies Omit<FrameProcessorOptions, 'name'>;

function isPromiseLike(value: unknown): value is PromiseLike<void> {
  return typeof (value as PromiseLike<void> | undefined)?.then === 'function';
}

/**
 * Base class of all processors. Override {@link FrameProcessor.process} (and, as needed,
 * {@link FrameProcessor.onStart}, {@link FrameProcessor.onEnd}, {@link FrameProcessor.onCancel},
 * {@link FrameProcessor.onInterruption}, {@link FrameProcessor.onDispose}); emit with {@link FrameProcessor.push}.
 *
 * @example
 * ```ts
 * class Shout extends FrameProcessor {
 *   protected override process(frame: Frame, direction: FrameDirection): void {
 *     if (frame.type === 'text') this.push(withFields(frame, { text: frame.text.toUpperCase() }), direction);
 *     else this.push(frame, direction);
 *   }
 * }
 * ```
 */
export abstract class FrameProcessor implements FrameNode {
  /** Name in logs, metrics and error frames. */
  readonly name: string;
  /** Frames this processor emits downstream. */
  readonly downstream: Observable<Frame>;
  /** Frames this processor emits upstream. */
  readonly upstream: Observable<Frame>;

  readonly #down = new Subject<Frame>();
  readonly #up = new Subject<Frame>();
  #downTarget: FrameTarget | undefined;
  #upTarget: FrameTarget | undefined;
  readonly #queue: FrameQueue;
  readonly #overflowPolicy: OverflowPolicy;
  #context: ProcessorContext | undefined;
  #logger: Logger | undefined;
  #state: ProcessorState = 'idle';
  /** An ordered-lane step (or start/end) is in flight; later ordered frames wait in the queue. */
  #busy = false;
  /** `process` is executing synchronously for an ordered frame: re-entrant ordered frames are queued. */
  #running = false;
  #inflightFrame: Frame | undefined;
  #inflightSubscription: Subscription | undefined;
  #controller = new AbortController();
  /** Cached `#controller.signal`: Node's getter brand-checks on every call, and this is read per frame. */
  #signal = this.#controller.signal;
  /** Work returned for system frames (they may overlap): its signal and its Observables, torn down together. */
  #systemController = new AbortController();
  #systemSignal = this.#systemController.signal;
  readonly #systemWork = new Set<Subscription>();
  #observers: ProcessorContext['observers'] | undefined;
  #generation = 0;
  #overflowing = false;
  #beyondCapacityLogged = false;
  #droppedByOverflow = 0;
  #lateFramesLogged = false;
  #metricsEnabled = false;
  #ttfbStartMs: number | undefined;

  constructor(options: FrameProcessorOptions = {}) {
    this.name = options.name ?? this.constructor.name;
    this.#queue = new FrameQueue(options.maxQueuedFrames ?? frameProcessorDefaults.maxQueuedFrames);
    this.#overflowPolicy = options.overflowPolicy ?? frameProcessorDefaults.overflowPolicy;
    this.downstream = this.#down;
    this.upstream = this.#up;
  }

  // ---------------------------------------------------------------- extension points

  /**
   * Handles one frame. Ordered-lane frames (data, control) arrive one at a time; system frames arrive at once and
   * may re-enter while an ordered step is in flight. Push what you produce with {@link FrameProcessor.push}; frames
   * you do not handle must be pushed on unchanged (the default does exactly that).
   *
   * Async work: return a Promise (later ordered frames wait for it; pass `signal` to what you await and to
   * `push(frame, direction, signal)` so nothing stale escapes after an interruption), or return an Observable of
   * frames to push in `direction` (unsubscribed on interruption).
   *
   * Work returned for a system frame runs beside the ordered lane and is torn down by the next interruption,
   * cancel or dispose: its `signal` aborts and a returned Observable is unsubscribed.
   *
   * Start, end, cancel and `interruption.start` never reach `process`: see the `on*` hooks.
   */
  protected process(frame: Frame, direction: FrameDirection, signal: AbortSignal): ProcessResult {
    void signal;
    this.push(frame, direction);
  }

  /** Called on the start frame, before it is forwarded. Ordered frames wait until it resolves. */
  protected onStart(frame: StartFrame): void | Promise<void> {
    void frame;
  }

  /** Called when the end frame reaches the ordered lane (everything before it processed), before it is forwarded. */
  protected onEnd(frame: EndFrame): void | Promise<void> {
    void frame;
  }

  /**
   * Called right after the start frame was forwarded downstream, so everything after `start` (a session's event
   * subscription, an initial greeting) happens behind it.
   */
  protected afterStart(frame: StartFrame): void {
    void frame;
  }

  /**
   * Called right after an interruption was forwarded: the processors after this one have already flushed and
   * reported what was played (the playback clock), so this is where to act on that (e.g. truncate a model).
   */
  protected afterInterruption(frame: StartInterruptionFrame): void {
    void frame;
  }

  /** Called on cancel, after in-flight work was aborted and the queue cleared. Must not block. */
  protected onCancel(frame: CancelFrame): void {
    void frame;
  }

  /** Called on an interruption, after in-flight work was aborted and queued frames dropped: flush own buffers. */
  protected onInterruption(frame: StartInterruptionFrame): void {
    void frame;
  }

  /** Called once when the run is over (after end or cancel): release sockets, timers, sessions. */
  protected onDispose(): void {}

  // ---------------------------------------------------------------- for subclasses

  /**
   * Emits a frame. `direction` defaults to downstream. With `signal`, the frame is dropped (and counted) if the
   * signal was aborted by an interruption: stale output of cancelled work never escapes.
   */
  protected push(frame: Frame, direction: FrameDirection = 'downstream', signal?: AbortSignal): void {
    if (signal?.aborted === true) {
      this.logger.trace({ type: frame.type }, 'dropped output of interrupted work');
      return;
    }
    const observers = this.#observers;
    if (observers !== undefined && observers.active) {
      observers.notify({ frame, source: this.name, direction, atMs: this.scheduler.now() }, this.logger);
    }
    if (direction === 'downstream') {
      this.#downTarget?.receive(frame, direction);
      if (this.#down.observed) this.#down.next(frame);
    } else {
      this.#upTarget?.receive(frame, direction);
      if (this.#up.observed) this.#up.next(frame);
    }
  }

  /**
   * Reports an error upstream as an error frame (and logs it). `fatal` defaults to `!error.recoverable`.
   */
  protected pushError(error: unknown, fatal?: boolean): void {
    const typed = error instanceof VoxframeError ? error : new ProcessorError(this.name, describe(error), { cause: error });
    const isFatal = fatal ?? !typed.recoverable;
    this.logger[isFatal ? 'error' : 'warn']({ err: typed, code: typed.code, fatal: isFatal }, typed.message);
    this.push(makeFrame('error', { error: typed, fatal: isFatal, processor: this.name }), 'upstream');
  }

  /**
   * Starts an interruption (barge-in) here: the one way to begin one. An `interruption.start` goes downstream from
   * this processor, so everything after it (the model, the pacer, the output transport) aborts and flushes exactly
   * once, while everything before it (the user's audio on its way in) keeps flowing.
   *
   * @param reason - why (e.g. `'user-speech'`), carried by the frame.
   * @param options - see {@link StartInterruptionOptions}.
   */
  protected startInterruption(reason: string, options: StartInterruptionOptions = {}): void {
    const frame = makeFrame('interruption.start', { reason }, options.ptsMs === undefined ? {} : { ptsMs: options.ptsMs });
    if (options.includeSelf === true) this.receive(frame, 'downstream');
    else this.push(frame, 'downstream');
  }

  /** Starts a time-to-first-byte measurement (e.g. when a request goes to a model). */
  protected startTtfb(): void {
    if (this.#metricsEnabled) this.#ttfbStartMs = this.scheduler.now();
  }

  /**
   * Ends the TTFB measurement started by {@link FrameProcessor.startTtfb}, emitting a metrics frame. Later calls do
   * nothing.
   */
  protected stopTtfb(model?: string): void {
    if (this.#ttfbStartMs === undefined) return;
    const valueMs = this.scheduler.now() - this.#ttfbStartMs;
    this.#ttfbStartMs = undefined;
    this.push(makeFrame('metrics', { metrics: [{ kind: 'ttfb', processor: this.name, valueMs, ...(model ? { model } : {}) }] }));
  }

  /** Emits a usage metrics frame. */
  protected pushUsage(usage: Usage, model?: string): void {
    this.push(makeFrame('metrics', { metrics: [{ kind: 'usage', processor: this.name, usage, ...(model ? { model } : {}) }] }));
  }

  /** The processor's logger (a child of the run's, with `processor: name`). */
  protected get logger(): Logger {
    if (this.#logger === undefined) this.attach(createProcessorContext());
    return this.#logger as Logger;
  }

  /** The run's clock and timers; use it for all time-based logic so tests can run in virtual time. */
  protected get scheduler(): ProcessorContext['scheduler'] {
    return (this.#context ?? this.#attachDefault()).scheduler;
  }

  /** The signal of the current ordered-lane generation; aborted by the next interruption or cancel. */
  protected get signal(): AbortSignal {
    return this.#signal;
  }

  /** Where this processor is in its life. */
  get state(): ProcessorState {
    return this.#state;
  }

  // ---------------------------------------------------------------- FrameNode

  /** Joins a run: takes its logger, clock and observers. Called by the runner before the start frame. */
  attach(context: ProcessorContext): void {
    this.#context = context;
    this.#observers = context.observers;
    this.#logger = context.logger.child({ processor: this.name });
  }

  setTarget(direction: FrameDirection, target: FrameTarget | undefined): void {
    if (direction === 'downstream') this.#downTarget = target;
    else this.#upTarget = target;
  }

  /**
   * Ends the processor's life: aborts in-flight work (system-lane work too), completes its outputs, calls
   * {@link FrameProcessor.onDispose}.
   */
  dispose(): void {
    if (this.#state !== 'ended' && this.#state !== 'cancelled') this.#state = 'cancelled';
    this.#abortInflight();
    this.#teardownSystemWork();
    this.#queue.clear();
    try {
      this.onDispose();
    } catch (error) {
      this.logger.warn({ err: error }, 'onDispose threw');
    }
    this.#downTarget = undefined;
    this.#upTarget = undefined;
    this.#down.complete();
    this.#up.complete();
  }

  /** Entry point: a frame arrives from a neighbour (or a test). Never throws. */
  receive(frame: Frame, direction: FrameDirection): void {
    if (frame.kind === 'system') {
      this.#receiveSystem(frame, direction);
      return;
    }
    const state = this.#state;
    if (state === 'ended' || state === 'cancelled') {
      this.#late(frame);
      return;
    }
    if (frame.type === 'end' && direction === 'downstream') this.#context?.onEndFrame?.(frame);
    if (this.#busy || this.#running || this.#queue.size > 0 || state !== 'running') {
      this.#enqueue(frame, direction);
      return;
    }
    this.#runOrdered(frame, direction);
    if (this.#queue.size > 0) this.#drain();
  }

  // ---------------------------------------------------------------- the ordered lane

  #runOrdered(frame: Frame, direction: FrameDirection): void {
    if (frame.type === 'end') {
      this.#handleEnd(frame, direction);
      return;
    }
    let result: ProcessResult;
    this.#running = true;
    try {
      result = this.process(frame, direction, this.#signal);
    } catch (error) {
      this.pushError(error);
      return;
    } finally {
      this.#running = false;
    }
    if (result === undefined) return;
    if (isPromiseLike(result)) this.#awaitStep(frame, result);
    else if (isObservable(result)) this.#subscribeStep(frame, result, direction);
  }

  #awaitStep(frame: Frame, step: PromiseLike<void>): void {
    const generation = this.#generation;
    const startedMs = this.scheduler.now();
    this.#busy = true;
    this.#inflightFrame = frame;
    const settle = (error?: unknown): void => {
      if (generation !== this.#generation) {
        if (error !== undefined) this.logger.debug({ err: error }, 'interrupted step rejected after interruption');
        return;
      }
      this.#reportProcessing(startedMs);
      this.#busy = false;
      this.#inflightFrame = undefined;
      if (error !== undefined) this.pushError(error);
      this.#drain();
    };
    step.then(
      () => settle(),
      (error: unknown) => settle(error ?? new Error('rejected without a reason')),
    );
  }

  #subscribeStep(frame: Frame, step: Observable<Frame>, direction: FrameDirection): void {
    const generation = this.#generation;
    const startedMs = this.scheduler.now();
    this.#busy = true;
    this.#inflightFrame = frame;
    let finished = false;
    const finish = (error?: unknown): void => {
      finished = true;
      if (generation !== this.#generation) return;
      this.#reportProcessing(startedMs);
      this.#busy = false;
      this.#inflightFrame = undefined;
      this.#inflightSubscription = undefined;
      if (error !== undefined) this.pushError(error);
      this.#drain();
    };
    const subscription = step.subscribe({
      next: (out) => this.push(out, direction),
      error: (error: unknown) => finish(error),
      complete: () => finish(),
    });
    if (!finished) this.#inflightSubscription = subscription;
  }

  #drain(): void {
    while (!this.#busy && !this.#running && this.#queue.size > 0 && this.#state === 'running') {
      const direction = this.#queue.peekDirection();
      const frame = this.#queue.shift() as Frame;
      this.#runOrdered(frame, direction);
    }
    if (this.#queue.size === 0) {
      this.#beyondCapacityLogged = false;
      this.#endOverflowEpisode();
    }
  }

  #enqueue(frame: Frame, direction: FrameDirection): void {
    if (this.#queue.push(frame, direction)) return;
    // Full: apply the stated policy, never grow without bound and never drop silently.
    if (this.#overflowPolicy === 'drop-oldest' || frame.uninterruptible === true) {
      // Usually one drop makes room; more when uninterruptible frames were queued beyond the capacity.
      while (this.#queue.size >= this.#queue.capacity && this.#queue.dropOldestInterruptible() !== undefined) this.#countDropped();
      if (this.#queue.push(frame, direction)) return;
    }
    if (frame.uninterruptible === true) {
      // Every queued frame is uninterruptible too. Losing an end or a tool result is worse than a longer queue, and
      // running it now would overtake the frames before it: it waits its turn beyond the capacity (no drop).
      this.#queue.pushBeyondCapacity(frame, direction);
      if (!this.#beyondCapacityLogged) {
        this.#beyondCapacityLogged = true;
        this.logger.warn({ type: frame.type, capacity: this.#queue.capacity }, 'ordered lane full of uninterruptible frames; queued beyond capacity');
      }
      return;
    }
    this.#countDropped(); // the newest frame is the one dropped
  }

  #countDropped(): void {
    this.#droppedByOverflow += 1;
    if (!this.#overflowing) {
      this.#overflowing = true;
      this.pushError(new QueueOverflowError(this.name, this.#queue.capacity, this.#overflowPolicy), false);
    }
  }

  #endOverflowEpisode(): void {
    if (!this.#overflowing) return;
    this.#overflowing = false;
    const dropped = this.#droppedByOverflow;
    this.#droppedByOverflow = 0;
    this.logger.warn({ dropped }, 'ordered lane overflow episode ended');
    this.push(makeFrame('metrics', { metrics: [{ kind: 'queue-overflow', processor: this.name, dropped }] }));
  }

  // ---------------------------------------------------------------- the system lane and lifecycle

  #receiveSystem(frame: Frame, direction: FrameDirection): void {
    switch (frame.type) {
      case 'start':
        this.#handleStart(frame, direction);
        return;
      case 'cancel':
        this.#handleCancel(frame, direction);
        return;
      case 'interruption.start':
        this.#handleInterruption(frame, direction);
        return;
      default:
        break;
    }
    if (this.#state === 'ended' || this.#state === 'cancelled') {
      // Errors and upstream reports still need to reach the runner after this processor ended.
      if (frame.type === 'error' || direction === 'upstream') this.push(frame, direction);
      else this.#late(frame);
      return;
    }
    const signal = this.#systemSignal;
    let result: ProcessResult;
    try {
      result = this.process(frame, direction, signal);
    } catch (error) {
      this.pushError(error);
      return;
    }
    if (result === undefined) return;
    if (isPromiseLike(result)) {
      result.then(undefined, (error: unknown) => {
        if (signal.aborted) this.logger.debug({ err: error }, 'system-lane work rejected after it was torn down');
        else this.pushError(error);
      });
    } else if (isObservable(result)) {
      // Torn down (unsubscribed) by an interruption, cancel or dispose, like the ordered lane's work.
      let done = false;
      const work = result.subscribe({
        next: (out) => this.push(out, direction),
        error: (error: unknown) => {
          done = true;
          this.#systemWork.delete(work);
          this.pushError(error);
        },
        complete: () => {
          done = true;
          this.#systemWork.delete(work);
        },
      });
      if (!done) this.#systemWork.add(work);
    }
  }

  /** Aborts the system lane's signal and unsubscribes the Observables returned for system frames. */
  #teardownSystemWork(): void {
    this.#systemController.abort(new VoxframeError('interrupted', `${this.name}: work interrupted`));
    this.#systemController = new AbortController();
    this.#systemSignal = this.#systemController.signal;
    const work = [...this.#systemWork];
    this.#systemWork.clear();
    for (const subscription of work) subscription.unsubscribe();
  }

  #handleStart(frame: StartFrame, direction: FrameDirection): void {
    if (this.#state !== 'idle') {
      this.logger.warn({ state: this.#state }, 'start frame received twice; ignored');
      return;
    }
    if (this.#context === undefined) this.#attachDefault();
    this.#metricsEnabled = frame.enableMetrics;
    this.#state = 'starting';
    this.#busy = true;
    const started = (): void => {
      if (this.#state !== 'starting') return; // cancelled while starting
      this.#state = 'running';
      this.#busy = false;
      this.push(frame, direction);
      try {
        this.afterStart(frame);
      } catch (error) {
        this.pushError(error);
      }
      this.#drain();
    };
    let result: void | Promise<void>;
    try {
      result = this.onStart(frame);
    } catch (error) {
      this.pushError(error, true);
      started();
      return;
    }
    if (isPromiseLike(result)) {
      result.then(started, (error: unknown) => {
        this.pushError(error, true);
        started();
      });
    } else {
      started();
    }
  }

  #handleEnd(frame: EndFrame, direction: FrameDirection): void {
    this.#state = 'ending';
    this.#busy = true;
    const ended = (): void => {
      if (this.#state !== 'ending') return; // cancelled while ending
      this.#busy = false;
      this.#state = 'ended';
      this.push(frame, direction);
      const dropped = this.#queue.clear();
      if (dropped > 0) this.logger.warn({ dropped }, 'frames queued behind the end frame were discarded');
    };
    let result: void | Promise<void>;
    try {
      result = this.onEnd(frame);
    } catch (error) {
      this.pushError(error);
      ended();
      return;
    }
    if (isPromiseLike(result)) {
      result.then(ended, (error: unknown) => {
        this.pushError(error);
        ended();
      });
    } else {
      ended();
    }
  }

  #handleCancel(frame: CancelFrame, direction: FrameDirection): void {
    if (this.#state === 'cancelled') return;
    const wasEnded = this.#state === 'ended';
    this.#state = 'cancelled';
    this.#abortInflight();
    this.#teardownSystemWork();
    const dropped = this.#queue.clear();
    if (dropped > 0) this.logger.debug({ dropped }, 'cancel discarded queued frames');
    this.#busy = false;
    if (!wasEnded) {
      try {
        this.onCancel(frame);
      } catch (error) {
        this.logger.warn({ err: error }, 'onCancel threw');
      }
    }
    this.push(frame, direction);
  }

  #handleInterruption(frame: StartInterruptionFrame, direction: FrameDirection): void {
    if (this.#state === 'ended' || this.#state === 'cancelled') {
      this.push(frame, direction);
      return;
    }
    const inflight = this.#inflightFrame;
    // Uninterruptible work (a tool result, the end drain) keeps running; everything else is aborted.
    if (this.#state === 'running' && inflight?.uninterruptible !== true) this.#abortInflight();
    this.#teardownSystemWork();
    const dropped = this.#queue.removeInterruptible();
    if (dropped > 0) this.logger.debug({ dropped }, 'interruption dropped queued frames');
    try {
      this.onInterruption(frame);
    } catch (error) {
      this.pushError(error);
    }
    this.push(frame, direction);
    try {
      this.afterInterruption(frame);
    } catch (error) {
      this.pushError(error);
    }
    this.#drain();
  }

  #abortInflight(): void {
    this.#generation += 1;
    this.#controller.abort(new VoxframeError('interrupted', `${this.name}: work interrupted`));
    this.#controller = new AbortController();
    this.#signal = this.#controller.signal;
    this.#inflightSubscription?.unsubscribe();
    this.#inflightSubscription = undefined;
    this.#inflightFrame = undefined;
    if (this.#state === 'running') this.#busy = false;
  }

  #late(frame: Frame): void {
    if (this.#lateFramesLogged) return;
    this.#lateFramesLogged = true;
    this.logger.warn({ type: frame.type, state: this.#state }, 'frame arrived after the processor ended; discarded (logged once)');
  }

  /** Reports how long an async ordered step took (sync steps are too cheap to be worth a frame each). */
  #reportProcessing(startedMs: number): void {
    if (!this.#metricsEnabled) return;
    const valueMs = this.scheduler.now() - startedMs;
    this.push(makeFrame('metrics', { metrics: [{ kind: 'processing', processor: this.name, valueMs }] }));
  }

  #attachDefault(): ProcessorContext {
    const context = createProcessorContext();
    this.attach(context);
    return context;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Throws a {@link UsageError} unless `value` is a processor or other frame node. For authors of composite nodes, to
 * check what they were given before linking it.
 */
export function assertFrameNode(value: unknown, where: string): asserts value is FrameNode {
  const node = value as Partial<FrameNode> | null;
  if (node === null || typeof node !== 'object' || typeof node.receive !== 'function' || node.downstream === undefined) {
    throw new UsageError(`${where}: expected a processor (FrameProcessor, pipeline() or parallel()), got ${String(value)}.`);
  }
}
