/**
 * The session's event stream: a hot subject whose events, until the first subscriber arrives, are kept (bounded)
 * and replayed to it, so nothing emitted during `start()` is lost.
 *
 * @packageDocumentation
 */
import { Observable, Subject } from 'rxjs';
import type { Logger, S2SEvent } from '@voxframe/core';

/** Events kept for a late first subscriber; beyond, the older half is dropped with a warning. */
const MAX_UNOBSERVED_EVENTS = 2000;

/** An event stream that holds events for its first subscriber. */
export class SessionEvents {
  readonly observable: Observable<S2SEvent>;
  readonly #subject = new Subject<S2SEvent>();
  readonly #unobserved: S2SEvent[] = [];
  readonly #logger: Logger;
  #warned = false;

  constructor(logger: Logger) {
    this.#logger = logger;
    this.observable = new Observable<S2SEvent>((subscriber) => {
      for (const event of this.#unobserved.splice(0)) subscriber.next(event);
      return this.#subject.subscribe(subscriber);
    });
  }

  /** Emits one event. */
  emit(event: S2SEvent): void {
    if (this.#subject.observed) {
      this.#subject.next(event);
      return;
    }
    if (this.#unobserved.length >= MAX_UNOBSERVED_EVENTS) {
      if (!this.#warned) this.#logger.warn({ kept: MAX_UNOBSERVED_EVENTS / 2 }, 'session events are not observed; dropping the oldest');
      this.#warned = true;
      this.#unobserved.splice(0, MAX_UNOBSERVED_EVENTS / 2);
    }
    this.#unobserved.push(event);
  }

  /** Ends the stream. */
  complete(): void {
    this.#subject.complete();
  }
}
