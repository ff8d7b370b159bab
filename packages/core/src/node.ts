/**
 * The shape shared by processors and composites (pipelines, parallel branches): something frames go into and come
 * out of, in both directions.
 *
 * @packageDocumentation
 */
import type { Observable } from 'rxjs';
import type { ProcessorContext } from './context';
import type { Frame, FrameDirection } from './frames';

/** Anything that takes frames: the next node in a pipeline, or an adapter at its ends. */
export interface FrameTarget {
  receive(frame: Frame, direction: FrameDirection): void;
}

/** A processor or a composite of processors. */
export interface FrameNode extends FrameTarget {
  /** Name in logs and metrics. */
  readonly name: string;
  /** Frames leaving towards the output. */
  readonly downstream: Observable<Frame>;
  /** Frames leaving towards the input. */
  readonly upstream: Observable<Frame>;
  /** Hands the node a frame travelling in `direction`. Never throws. */
  receive(frame: Frame, direction: FrameDirection): void;
  /**
   * Sets the neighbour that frames leaving in `direction` are handed to directly (the fast path pipelines use,
   * cheaper than a Subject per hop). One target per direction; `undefined` unlinks. The Observables still see
   * every frame.
   */
  setTarget(direction: FrameDirection, target: FrameTarget | undefined): void;
  /** Joins a run (logger, clock, observers). */
  attach(context: ProcessorContext): void;
  /** Ends the node's life and releases what it holds. */
  dispose(): void;
  /** Nodes inside a composite, for introspection. */
  readonly children?: readonly FrameNode[];
}

