/**
 * Client events whose failure is an expected race with the service, not a problem to report (protocol note §6,
 * §10.5): a `response.cancel` that arrives after the service already cancelled on its own (server VAD), a
 * `response.create` that lost the race against a server-VAD response, a truncate past the audio end.
 *
 * @packageDocumentation
 */

/** Remembered ids per kind; a few suffice since each race resolves within one response. */
const CAPACITY = 16;

/** Ids of client events whose errors are tolerated. */
export class ToleratedIds {
  readonly #ids: string[] = [];

  /** Remembers an event id. */
  add(eventId: string): void {
    this.#ids.push(eventId);
    if (this.#ids.length > CAPACITY) this.#ids.splice(0, this.#ids.length - CAPACITY);
  }

  /**
   * Whether an error belongs to one of the remembered events. With the echoed id, that event is consumed. Without
   * one (the service does not always echo it), the error is tolerated while any such event is outstanding, but
   * nothing is consumed: guessing the oldest would leave the real one unmatched when its own error comes.
   */
  match(echoedId: string | null | undefined): boolean {
    if (echoedId) {
      const at = this.#ids.indexOf(echoedId);
      if (at < 0) return false;
      this.#ids.splice(at, 1);
      return true;
    }
    return this.#ids.length > 0;
  }

  /** Forgets the oldest id (its event succeeded). */
  settleOldest(): void {
    if (this.#ids.length > 0) this.#ids.splice(0, 1);
  }

  /** Forgets everything (a new connection). */
  clear(): void {
    this.#ids.length = 0;
  }
}
