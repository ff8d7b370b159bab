/**
 * The runner: starts a pipeline, feeds it, ends it gracefully (drain with a timeout), cancels it at once, applies
 * the error policy, and guarantees that shutdown never hangs.
 *
 * @packageDocumentation
 */
import { Subject, asyncScheduler, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { ObserverHub, type FrameObserver, type ProcessorContext } from './context';
import { TimeoutError, UsageError, VoxframeError } from './errors';
import { makeFrame, type ErrorFrame, type Frame, type FrameType, type StartFrame } from './frames';
import { createLogger, type Logger } from './logger';
import type { FrameNode } from './node';

/** What to do about an error frame that reached the runner. */
export type ErrorAction = 'continue' | 'end' | 'cancel';

/** Decides what an error means for the run. */
export type ErrorPolicy = (error: ErrorFrame) => ErrorAction;

/** The default policy: fatal errors cancel the run, recoverable ones are reported and the run goes on. */
export const defaultErrorPolicy: ErrorPolicy = (error) => (error.fatal ? 'cancel' : 'continue');

/** Why a run finished. */
export type FinishReason = 'ended' | 'cancelled' | 'end-timeout' | 'idle' | 'error';

/** Events of a run. */
export type RunnerEvent =
  | { readonly type: 'started' }
  | { readonly type: 'error'; readonly error: VoxframeError; readonly fatal: boolean; readonly processor?: string }
  | { readonly type: 'finished'; readonly reason: FinishReason };

/** Options of {@link PipelineRunner}. */
export interface RunnerOptions {
  /** Logger of the run. @defaultValue `createLogger()` */
  readonly logger?: Logger;
  /** Clock and timers (a `TestScheduler` in virtual-time tests). @defaultValue `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
  /** Fields of the start frame. */
  readonly start?: Partial<Omit<StartFrame, 'type' | 'kind' | 'id'>>;
  /**
   * How long a graceful end may take to drain before the run is cancelled (`end-timeout`). One deadline for every
   * graceful end: `end()`, the idle end, the error policy's `end`, and an end frame pushed from inside the pipeline
   * (an input whose caller hung up). Long enough for an output pacer to play out a typical queued reply; a hung
   * processor (or one holding output) costs at most this.
   * @defaultValue 10000
   */
  readonly endTimeoutMs?: number;
  /**
   * End the run after this long without activity frames (see `idleFrameTypes`); `0` disables it.
   * @defaultValue 0
   */
  readonly idleTimeoutMs?: number;
  /**
   * Frame types that count as activity for the idle timeout.
   * @defaultValue audio in/out, text, transcripts, user and bot speaking
   */
  readonly idleFrameTypes?: readonly FrameType[];
  /** What error frames mean for the run. @defaultValue {@link defaultErrorPolicy} */
  readonly errorPolicy?: ErrorPolicy;
  /** Observers of every frame. */
  readonly observers?: readonly FrameObserver[];
}

/** Defaults of {@link RunnerOptions}. */
export const runnerDefaults = {
  endTimeoutMs: 10_000,
  idleTimeoutMs: 0,
  idleFrameTypes: [
    'audio.input',
    'audio.output',
    'text',
    'transcript',
    'user.started-speaking',
    'user.stopped-speaking',
    'bot.started-speaking',
    'bot.stopped-speaking',
  ],
} as const satisfies Pick<RunnerOptions, 'endTimeoutMs' | 'idleTimeoutMs' | 'idleFrameTypes'>;

type RunState = 'created' | 'running' | 'ending' | 'finished';

/**
 * Runs one pipeline once.
 *
 * @example
 * ```ts
 * const runner = new PipelineRunner(pipeline(input, vad, s2s, output), { idleTimeoutMs: 300_000 });
 * runner.events.subscribe((e) => console.log(e));
 * const reason = await runner.run(); // resolves when the run finished
 * ```
 */
export class PipelineRunner {
  /** started / error / finished events. Completes after `finished`. */
  readonly events: Observable<RunnerEvent>;
  /** Frames leaving the tail of the pipeline (after the last processor). */
  readonly output: Observable<Frame>;
  /** Frames leaving the head upstream (after the first processor, going back). */
  readonly upstreamOutput: Observable<Frame>;

  readonly #root: FrameNode;
  readonly #events = new Subject<RunnerEvent>();
  readonly #output = new Subject<Frame>();
  readonly #upstreamOutput = new Subject<Frame>();
  readonly #logger: Logger;
  readonly #scheduler: SchedulerLike;
  readonly #options: RunnerOptions;
  readonly #observers = new ObserverHub();
  readonly #subscriptions: Subscription[] = [];
  #state: RunState = 'created';
  #finish!: (reason: FinishReason) => void;
  readonly #finished: Promise<FinishReason>;
  #endTimer: Subscription | undefined;
  #idleTimer: Subscription | undefined;
  #lastActivityMs = 0;
  #endedByIdle = false;
  #requestDeprecationLogged = false;

  constructor(root: FrameNode, options: RunnerOptions = {}) {
    this.#root = root;
    this.#options = options;
    this.#logger = (options.logger ?? createLogger()).child({ component: 'runner' });
    this.#scheduler = options.scheduler ?? asyncScheduler;
    for (const observer of options.observers ?? []) this.#observers.add(observer);
    this.events = this.#events;
    this.output = this.#output;
    this.upstreamOutput = this.#upstreamOutput;
    this.#finished = new Promise((resolve) => {
      this.#finish = resolve;
    });
  }

  /** Adds an observer of every frame; returns a function that removes it. */
  observe(observer: FrameObserver): () => void {
    return this.#observers.add(observer);
  }

  /** Starts the run and resolves with the reason it finished. Call once. */
  run(): Promise<FinishReason> {
    if (this.#state !== 'created') throw new UsageError('PipelineRunner.run() was called twice: a runner runs its pipeline once.');
    this.#state = 'running';
    const context: ProcessorContext = {
      logger: this.#logger,
      scheduler: this.#scheduler,
      observers: this.#observers,
      onEndFrame: () => this.#onEndFrame(),
    };
    this.#subscriptions.push(
      this.#root.downstream.subscribe({ next: (frame) => this.#onTail(frame) }),
      this.#root.upstream.subscribe({ next: (frame) => this.#onHead(frame) }),
    );
    this.#root.attach(context);
    this.#armIdleTimer();
    const start = makeFrame('start', {
      allowInterruptions: true,
      enableMetrics: false,
      ...this.#options.start,
    });
    this.#events.next({ type: 'started' });
    this.#root.receive(start, 'downstream');
    return this.#finished;
  }

  /** Pushes a frame into the head of the pipeline (for applications that feed frames themselves). */
  push(frame: Frame): void {
    if (this.#state !== 'running' && !(this.#state === 'ending' && frame.kind === 'system')) {
      this.#logger.warn({ type: frame.type, state: this.#state }, 'push() outside a running pipeline; frame discarded');
      return;
    }
    this.#root.receive(frame, 'downstream');
  }

  /**
   * Ends gracefully: an end frame goes in behind all queued data; the run finishes when it comes out of the tail.
   * If it has not within `timeoutMs`, the run is cancelled (a hung processor cannot hang shutdown).
   */
  end(options: { readonly timeoutMs?: number; readonly reason?: string } = {}): Promise<FinishReason> {
    if (this.#state === 'created') return this.#finishNow('ended');
    if (this.#state !== 'running') return this.#finished;
    this.#state = 'ending';
    this.#armEndDeadline(options.timeoutMs ?? this.#endTimeoutMs());
    this.#root.receive(makeFrame('end', options.reason === undefined ? {} : { reason: options.reason }), 'downstream');
    return this.#finished;
  }

  /**
   * Bounds a graceful end, wherever its end frame came from: the run is cancelled (`end-timeout`) if the end has not
   * drained through the tail within `timeoutMs`. Armed once; later calls do nothing.
   */
  #armEndDeadline(timeoutMs: number): void {
    if (this.#endTimer !== undefined || this.#state === 'finished') return;
    this.#endTimer = this.#scheduler.schedule(() => {
      const error = new TimeoutError('Graceful end (drain)', timeoutMs, { details: { hint: 'a processor did not pass the end frame on' } });
      this.#logger.warn({ timeoutMs }, error.message + ' Cancelling.');
      this.#events.next({ type: 'error', error, fatal: false });
      this.#cancelWith('end-timeout');
    }, timeoutMs);
  }

  #endTimeoutMs(): number {
    return this.#options.endTimeoutMs ?? runnerDefaults.endTimeoutMs;
  }

  /** An end frame entered a processor: from `end()` (already armed) or from inside the pipeline (armed now). */
  #onEndFrame(): void {
    if (this.#state !== 'running' && this.#state !== 'ending') return;
    if (this.#state === 'running') this.#state = 'ending';
    this.#armEndDeadline(this.#endTimeoutMs());
  }

  /** Cancels at once: a cancel frame overtakes everything, then every processor is disposed. */
  cancel(reason = 'cancelled'): Promise<FinishReason> {
    if (this.#state === 'created') return this.#finishNow('cancelled');
    if (this.#state === 'finished') return this.#finished;
    this.#logger.info({ reason }, 'cancelling pipeline');
    this.#cancelWith('cancelled', reason);
    return this.#finished;
  }

  /** Resolves when the run finished. */
  get finished(): Promise<FinishReason> {
    return this.#finished;
  }

  #onTail(frame: Frame): void {
    this.#output.next(frame);
    // An end frame may also come from inside the pipeline (an input transport whose caller hung up, a file that
    // ended): when it has drained through the tail, the run is over either way.
    if (frame.type === 'end' && (this.#state === 'ending' || this.#state === 'running')) {
      this.#complete(this.#endedByIdle ? 'idle' : 'ended');
    }
    else if (frame.type === 'error') this.#applyPolicy(frame);
  }

  #onHead(frame: Frame): void {
    this.#upstreamOutput.next(frame);
    if (frame.type === 'error') this.#applyPolicy(frame);
    else if (frame.type === 'interruption.request' && this.#state === 'running') {
      // Deprecated path, kept so existing senders work: the request is honoured as an interruption started at the
      // head. Processors start interruptions with `startInterruption()` (downstream from where they are).
      if (!this.#requestDeprecationLogged) {
        this.#requestDeprecationLogged = true;
        this.#logger.warn(
          { reason: frame.reason },
          'interruption.request is deprecated: start interruptions downstream with FrameProcessor.startInterruption() (logged once)',
        );
      }
      this.#root.receive(makeFrame('interruption.start', { reason: frame.reason }), 'downstream');
    }
  }

  #applyPolicy(frame: ErrorFrame): void {
    this.#events.next({ type: 'error', error: frame.error, fatal: frame.fatal, ...(frame.processor ? { processor: frame.processor } : {}) });
    if (this.#state === 'finished') return;
    let action: ErrorAction;
    try {
      action = (this.#options.errorPolicy ?? defaultErrorPolicy)(frame);
    } catch (error) {
      this.#logger.error({ err: error }, 'error policy threw; cancelling');
      action = 'cancel';
    }
    if (action === 'cancel') this.#cancelWith('error', frame.error.message);
    else if (action === 'end' && this.#state === 'running') void this.end();
  }

  #cancelWith(reason: FinishReason, message?: string): void {
    if (this.#state === 'finished') return;
    this.#state = 'ending';
    this.#root.receive(makeFrame('cancel', { reason: message ?? reason }), 'downstream');
    this.#complete(reason);
  }

  #complete(reason: FinishReason): void {
    if (this.#state === 'finished') return;
    this.#state = 'finished';
    this.#endTimer?.unsubscribe();
    this.#idleTimer?.unsubscribe();
    try {
      this.#root.dispose();
    } catch (error) {
      this.#logger.error({ err: error }, 'dispose threw');
    }
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#logger.info({ reason }, 'pipeline finished');
    this.#events.next({ type: 'finished', reason });
    this.#events.complete();
    this.#output.complete();
    this.#upstreamOutput.complete();
    this.#finish(reason);
  }

  #finishNow(reason: FinishReason): Promise<FinishReason> {
    this.#complete(reason);
    return this.#finished;
  }

  #armIdleTimer(): void {
    const idleMs = this.#options.idleTimeoutMs ?? runnerDefaults.idleTimeoutMs;
    if (idleMs <= 0) return;
    const activity = new Set<string>(this.#options.idleFrameTypes ?? runnerDefaults.idleFrameTypes);
    this.#subscriptions.push({
      unsubscribe: this.#observers.add({
        onFrame: ({ frame }) => {
          if (activity.has(frame.type)) this.#lastActivityMs = this.#scheduler.now();
        },
      }),
    } as Subscription);
    this.#lastActivityMs = this.#scheduler.now();
    const check = (): void => {
      if (this.#state !== 'running') return;
      const quietMs = this.#scheduler.now() - this.#lastActivityMs;
      if (quietMs >= idleMs) {
        this.#logger.info({ idleMs }, 'no activity; ending pipeline');
        this.#endedByIdle = true;
        void this.end({ reason: 'idle' });
        return;
      }
      this.#idleTimer = this.#scheduler.schedule(check, idleMs - quietMs);
    };
    this.#idleTimer = this.#scheduler.schedule(check, idleMs);
  }

}
