/**
 * The controller as an RxJS operator: window scores in, speech events out. For reactive code outside a pipeline
 * and for testing the timing logic in virtual time with marble diagrams.
 *
 * @packageDocumentation
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { VadController, type VadControllerOptions, type VadEvent } from './vad-controller';

/** One analyzed window: its score and where it sits in media time. */
export interface VadWindowScore {
  /** Speech score in `[0, 1]`. */
  readonly probability: number;
  /** Media time of the window's first sample, ms. */
  readonly startMs: number;
  /** Window duration, ms (32 for Silero windows). */
  readonly durationMs: number;
}

/**
 * Runs a fresh {@link VadController} per subscription over a stream of window scores. On completion, speech still
 * announced is closed with a speech-end at the end of the last window.
 *
 * @example
 * ```ts
 * scores$.pipe(vadEvents({ minSilenceMs: 300 })).subscribe((event) => console.log(event.type, event.startMs));
 * ```
 */
export function vadEvents(options: VadControllerOptions = {}): OperatorFunction<VadWindowScore, VadEvent> {
  return (source) =>
    new Observable<VadEvent>((subscriber) => {
      const controller = new VadController(options);
      let lastEndMs = 0;
      return source.subscribe({
        next: (score) => {
          lastEndMs = score.startMs + score.durationMs;
          const event = controller.update(score.probability, score.startMs, score.durationMs);
          if (event !== undefined) subscriber.next(event);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          const end = controller.flush(lastEndMs);
          if (end !== undefined) subscriber.next(end);
          subscriber.complete();
        },
      });
    });
}
