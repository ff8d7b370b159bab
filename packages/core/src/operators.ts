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
 * state it holds (buffers, timers) is flushed with the ordered lane.
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

  protected override onInterruption(): void {
    this.#subscription?.unsubscribe();
    this.#connect();
  }

  protected override onDispose(): void {
    this.#subscription?.unsubscribe();
  }

  #connect(): void {
    this.#input = new Subject<Frame>();
    this.#subscription = this.#input.pipe(this.#operator).subscribe({
      next: (frame) => this.push(frame),
      error: (error: unknown) => {
        this.pushError(error);
        this.#connect();
      },
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
