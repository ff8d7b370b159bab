/**
 * Bridges between processors and plain RxJS: a processor from an operator, and a processor used as an operator.
 *
 * @packageDocumentation
 */
import { Observable, Subject, type OperatorFunction, type Subscription } from 'rxjs';
import type { Frame, FrameDirection } from './frames';
import type { FrameNode } from './node';
import { FrameProcessor, type FrameProcessorOptions } from './processor';

/**
 * A processor whose ordered lane is an RxJS operator over data/control frames. System frames and upstream frames
 * pass through; the operator's output goes downstream. The operator is re-subscribed after an interruption, so any
 * state it holds (buffers, timers) is flushed with the ordered lane. A graceful end completes the operator's input
 * and waits for its output to complete, so what it holds (`delay`, the last `bufferCount`) comes out before `end`;
 * an operator that never completes holds the end until the run's drain deadline (`endTimeoutMs`).
 *
 * @example
 * ```ts
 * const dropEmptyText = fromOperator(filter((f) => f.type !== 'text' || f.text.trim() !== ''));
 * ```
 */
export function fromOperator(operator: OperatorFunction<Frame, Frame>, options: FrameProcessorOptions = {}): FrameProcessor {
  return new OperatorProcessor(operator, { name: options.name ?? 'fromOperator', ...options });
}

class OperatorProcessor extends FrameProcessor {
  readonly #operator: OperatorFunction<Frame, Frame>;
  #input = new Subject<Frame>();
  #subscription: Subscription | undefined;
  /** Resolves when the current operator subscription completed or was torn down. */
  #drained: Promise<void> = Promise.resolve();
  #settle: () => void = () => {};
  #ending = false;

  constructor(operator: OperatorFunction<Frame, Frame>, options: FrameProcessorOptions) {
    super(options);
    this.#operator = operator;
  }

  protected override onStart(): void {
    this.#connect();
  }

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction === 'upstream' || frame.kind === 'system') this.push(frame, direction);
    else this.#input.next(frame);
  }

  /** A graceful end completes the operator's input and waits until it emitted what it holds (a delay, a buffer). */
  protected override onEnd(): Promise<void> {
    this.#ending = true;
    this.#input.complete();
    return this.#drained;
  }

  protected override onInterruption(): void {
    this.#teardown();
    if (this.#ending) return; // the end passes on at once: what the operator held was flushed
    this.#connect();
  }

  protected override onCancel(): void {
    this.#teardown();
  }

  protected override onDispose(): void {
    this.#teardown();
  }

  #teardown(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    this.#settle();
  }

  #connect(): void {
    this.#input = new Subject<Frame>();
    let settle!: () => void;
    this.#drained = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.#settle = settle;
    this.#subscription = this.#input.pipe(this.#operator).subscribe({
      next: (frame) => this.push(frame),
      error: (error: unknown) => {
        this.pushError(error);
        if (this.#ending) settle();
        else this.#connect();
      },
      complete: () => settle(),
    });
  }
}

/**
 * Uses a processor (or pipeline) as an RxJS operator over downstream frames: frames in, the frames it emits
 * downstream out. Upstream output is discarded unless `onUpstream` is given. Sends no start/end itself: put them
 * in the source stream (the runner is the usual way to run a pipeline).
 */
export function asOperator(node: FrameNode, onUpstream?: (frame: Frame) => void): OperatorFunction<Frame, Frame> {
  return (source) =>
    new Observable<Frame>((subscriber) => {
      const out = node.downstream.subscribe(subscriber);
      const up = onUpstream ? node.upstream.subscribe(onUpstream) : undefined;
      const input = source.subscribe({
        next: (frame) => node.receive(frame, 'downstream'),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        input.unsubscribe();
        out.unsubscribe();
        up?.unsubscribe();
      };
    });
}
