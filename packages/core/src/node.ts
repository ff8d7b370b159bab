/**
 * The shape shared by processors and composites (pipelines, parallel branches): something frames go into and come
 * out of, in both directions.
 *
 * @packageDocumentation
 */
import type { Observable } from 'rxjs';
import type { ProcessorContext } from './context';
import type { Frame, FrameDirection } from './frames';

/** A processor or a composite of processors. */
export interface FrameNode {
  /** Name in logs and metrics. */
  readonly name: string;
  /** Frames leaving towards the output. */
  readonly downstream: Observable<Frame>;
  /** Frames leaving towards the input. */
  readonly upstream: Observable<Frame>;
  /** Hands the node a frame travelling in `direction`. Never throws. */
  receive(frame: Frame, direction: FrameDirection): void;
  /** Joins a run (logger, clock, observers). */
  attach(context: ProcessorContext): void;
  /** Ends the node's life and releases what it holds. */
  dispose(): void;
  /** Nodes inside a composite, for introspection. */
  readonly children?: readonly FrameNode[];
}

