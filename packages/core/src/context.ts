/**
 * What a processor gets from the runner: a logger, a clock, and the observers of every frame.
 *
 * @packageDocumentation
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { EndFrame, Frame, FrameDirection } from './frames';
import { silentLogger, type Logger } from './logger';

/** One frame, as seen by an observer when a processor pushed it. */
export interface FrameObservation {
  /** The frame. */
  readonly frame: Frame;
  /** Name of the processor that pushed it. */
  readonly source: string;
  /** Which way it went. */
  readonly direction: FrameDirection;
  /** Clock time (scheduler `now()`, ms) when it was pushed. */
  readonly atMs: number;
}

/**
 * Watches every frame every processor pushes, without being inside the pipeline (logging, transcripts, debugging
 * UIs, metrics exporters). Observers must be quick: they run inline on the frame path.
 */
export interface FrameObserver {
  onFrame(observation: FrameObservation): void;
}

/** The set of observers of one pipeline run. */
export class ObserverHub {
  #observers: FrameObserver[] = [];

  /** Whether any observer is registered; processors skip all observer work when not. */
  get active(): boolean {
    return this.#observers.length > 0;
  }

  /** Adds an observer; returns a function that removes it. */
  add(observer: FrameObserver): () => void {
    this.#observers = [...this.#observers, observer];
    return () => {
      this.#observers = this.#observers.filter((o) => o !== observer);
    };
  }

  /** Tells every observer about a frame. An observer that throws is removed from this call only and logged. */
  notify(observation: FrameObservation, logger: Logger): void {
    for (const observer of this.#observers) {
      try {
        observer.onFrame(observation);
      } catch (error) {
        logger.warn({ err: error, source: observation.source }, 'frame observer threw; continuing');
      }
    }
  }
}

/** What a processor is given when it joins a run. */
export interface ProcessorContext {
  /** The run's logger (processors make a child with their name). */
  readonly logger: Logger;
  /**
   * Clock and timers. `asyncScheduler` in production, a `TestScheduler` in virtual-time tests: time-based logic
   * (VAD timing, timeouts) must use this, never `Date.now()` or `setTimeout` directly.
   */
  readonly scheduler: SchedulerLike;
  /** Observers of every frame. */
  readonly observers: ObserverHub;
  /**
   * Told when an end frame enters a processor, wherever it came from (the runner's `end()`, an input whose caller
   * hung up): the runner arms its drain deadline, so every graceful end is bounded by `endTimeoutMs`.
   */
  readonly onEndFrame?: (frame: EndFrame) => void;
}

/** Options for {@link createProcessorContext}. */
export interface ProcessorContextOptions {
  /** @defaultValue a silent logger */
  readonly logger?: Logger;
  /** @defaultValue `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
  /** @defaultValue a new, empty hub */
  readonly observers?: ObserverHub;
  /** @defaultValue none */
  readonly onEndFrame?: (frame: EndFrame) => void;
}

/** Builds a processor context with defaults filled in. */
export function createProcessorContext(options: ProcessorContextOptions = {}): ProcessorContext {
  return {
    logger: options.logger ?? silentLogger(),
    scheduler: options.scheduler ?? asyncScheduler,
    observers: options.observers ?? new ObserverHub(),
    ...(options.onEndFrame === undefined ? {} : { onEndFrame: options.onEndFrame }),
  };
}
