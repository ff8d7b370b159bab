/**
 * Outliving the 8-minute stream limit (protocol note §1): once a stream is `maxStreamMs` old, the session opens the
 * next one at the first pause. Timers run on an injected rxjs scheduler, so tests drive them in virtual time.
 *
 * @packageDocumentation
 */
import type { SchedulerLike, Subscription } from 'rxjs';

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
  /** Whether a turn is in progress (user speech being transcribed, a response, a tool call waiting). */
  isBusy(): boolean;
  /** Rotate now. */
  rotate(): void;
}

/**
 * Decides when to rotate: once the stream is old enough, at the first moment the session is not busy and has seen
 * `quietMs` without model output.
 */
export class RotationScheduler {
  readonly #maxStreamMs: number;
  readonly #quietMs: number;
  readonly #scheduler: SchedulerLike;
  readonly #hooks: RotationHooks;
  #due = false;
  #lastActivityAt: number;
  #ageTimer: Subscription | undefined;
  #pauseTimer: Subscription | undefined;

  constructor(maxStreamMs: number, quietMs: number, scheduler: SchedulerLike, hooks: RotationHooks) {
    this.#maxStreamMs = maxStreamMs;
    this.#quietMs = quietMs;
    this.#scheduler = scheduler;
    this.#hooks = hooks;
    this.#lastActivityAt = scheduler.now();
  }

  /** Whether the stream is old enough to rotate. */
  get due(): boolean {
    return this.#due;
  }

  /** Starts the age clock of a fresh stream. */
  arm(afterMs: number = this.#maxStreamMs): void {
    this.disarm();
    this.#ageTimer = this.#scheduler.schedule(() => {
      this.#ageTimer = undefined;
      this.#due = true;
      this.#check();
    }, afterMs);
  }

  /** Stops all timers (closing, or a rotation started). */
  disarm(): void {
    this.#due = false;
    this.#ageTimer?.unsubscribe();
    this.#pauseTimer?.unsubscribe();
    this.#ageTimer = undefined;
    this.#pauseTimer = undefined;
  }

  /** The model said something or a turn moved on: the pause starts again from now. */
  notifyActivity(): void {
    this.#lastActivityAt = this.#scheduler.now();
    if (this.#due) this.#check();
  }

  #check(): void {
    this.#pauseTimer?.unsubscribe();
    this.#pauseTimer = undefined;
    if (!this.#due) return;
    const wait = this.#hooks.isBusy() ? this.#quietMs : this.#lastActivityAt + this.#quietMs - this.#scheduler.now();
    if (wait <= 0) {
      this.#due = false;
      this.#hooks.rotate();
      return;
    }
    this.#pauseTimer = this.#scheduler.schedule(() => {
      this.#pauseTimer = undefined;
      this.#check();
    }, wait);
  }
}
