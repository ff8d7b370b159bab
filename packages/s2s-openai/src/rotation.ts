/**
 * Outliving the service's limits (protocol note §13): a session is rotated to a fresh one at a pause before the
 * 60-minute cap, and an unexpected close is retried with bounded exponential backoff.
 *
 * @packageDocumentation
 */
import { systemClock, type CancelTimer, type Clock } from './clock';

/**
 * Delay before reconnect attempt `attempt` (0-based): `baseMs * 2^attempt`, capped at `maxMs`, with +-20% jitter
 * so many sessions dropped at once do not reconnect in lockstep.
 */
export function reconnectDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

/** What the scheduler asks of the session. */
export interface RotationHooks {
  /** Whether a response is active, requested or waiting for tool results, or the user is speaking. */
  isBusy(): boolean;
  /** Earliest time (on the session's clock) the rotation may happen: the estimated end of assistant playback. */
  notBefore(): number;
  /** Rotate now. */
  rotate(): void;
}

/**
 * Decides when to rotate: once the connection is `maxSessionMs` old, at the first pause, a pause being no response
 * in flight, the user not speaking, assistant audio played out (estimated), and `quietMs` without conversation
 * events (after the user stops speaking the service creates its response within a few hundred ms).
 */
export class RotationScheduler {
  readonly #maxSessionMs: number;
  readonly #quietMs: number;
  readonly #hooks: RotationHooks;
  readonly #clock: Clock;
  #due = false;
  #lastActivityAt: number;
  #ageTimer: CancelTimer | undefined;
  #pauseTimer: CancelTimer | undefined;

  constructor(maxSessionMs: number, quietMs: number, hooks: RotationHooks, clock: Clock = systemClock) {
    this.#maxSessionMs = maxSessionMs;
    this.#quietMs = quietMs;
    this.#hooks = hooks;
    this.#clock = clock;
    this.#lastActivityAt = clock.now();
  }

  /** Whether the connection is old enough to rotate. */
  get due(): boolean {
    return this.#due;
  }

  /** Starts the age clock of a fresh connection (or retries a failed rotation after `afterMs`). */
  arm(afterMs: number = this.#maxSessionMs): void {
    this.disarm();
    this.#ageTimer = this.#clock.after(afterMs, () => {
      this.#ageTimer = undefined;
      this.#due = true;
      this.#check();
    });
  }

  /** Stops all timers (closing, or a rotation started). */
  disarm(): void {
    this.#due = false;
    this.#ageTimer?.();
    this.#pauseTimer?.();
    this.#ageTimer = undefined;
    this.#pauseTimer = undefined;
  }

  /** Something happened in the conversation: the pause starts again from now. */
  notifyActivity(): void {
    this.#lastActivityAt = this.#clock.now();
    if (this.#due) this.#check();
  }

  #check(): void {
    this.#pauseTimer?.();
    this.#pauseTimer = undefined;
    if (!this.#due || this.#hooks.isBusy()) return; // re-checked on the next activity
    const at = Math.max(this.#lastActivityAt + this.#quietMs, this.#hooks.notBefore());
    const wait = at - this.#clock.now();
    if (wait <= 0) {
      this.#due = false;
      this.#hooks.rotate();
      return;
    }
    this.#pauseTimer = this.#clock.after(wait, () => {
      this.#pauseTimer = undefined;
      this.#check();
    });
  }
}
