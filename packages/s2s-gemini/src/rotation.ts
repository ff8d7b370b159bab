/**
 * Outliving the connection limit (~10 minutes, https://ai.google.dev/gemini-api/docs/live-session): after a
 * `goAway` the session reconnects at the first pause, and no later than `go_away_margin_ms` before the connection
 * ends; an unexpected close is retried with bounded exponential backoff. All timing is on the injected clock.
 *
 * @packageDocumentation
 */
import type { Clock } from './clock';

/**
 * Delay before reconnect attempt `attempt` (0-based): `baseMs * 2^attempt`, capped at `maxMs`, with +-20% jitter so
 * sessions dropped together do not reconnect in lockstep.
 */
export function reconnectDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

/** What the planner asks of the session. */
export interface RotationHooks {
  /** Whether the model is mid-turn or waiting for tool results, or the user's turn is open. */
  isBusy(): boolean;
  /** Reconnect now. */
  rotate(): void;
}

/**
 * Plans the reconnect after a `goAway`: at the first pause (not busy, and `quietMs` without conversation
 * activity), or at the deadline (`timeLeft - marginMs`) if no pause comes.
 */
export class GoAwayPlanner {
  readonly #clock: Clock;
  readonly #quietMs: number;
  readonly #marginMs: number;
  readonly #hooks: RotationHooks;
  #pending = false;
  #lastActivityAt: number;
  #cancelDeadline: (() => void) | undefined;
  #cancelPause: (() => void) | undefined;

  constructor(clock: Clock, quietMs: number, marginMs: number, hooks: RotationHooks) {
    this.#clock = clock;
    this.#quietMs = quietMs;
    this.#marginMs = marginMs;
    this.#hooks = hooks;
    this.#lastActivityAt = clock.now();
  }

  /** Whether a reconnect is planned. */
  get pending(): boolean {
    return this.#pending;
  }

  /** The service said the connection ends in `timeLeftMs`. */
  goAway(timeLeftMs: number): void {
    this.cancel();
    this.#pending = true;
    this.#cancelDeadline = this.#clock.setTimer(Math.max(0, timeLeftMs - this.#marginMs), () => this.#fire());
    this.#check();
  }

  /** Something happened in the conversation: the pause starts again from now. */
  notifyActivity(): void {
    this.#lastActivityAt = this.#clock.now();
    if (this.#pending) this.#check();
  }

  /** Stops all timers (rotated, or closing). */
  cancel(): void {
    this.#pending = false;
    this.#cancelDeadline?.();
    this.#cancelPause?.();
    this.#cancelDeadline = undefined;
    this.#cancelPause = undefined;
  }

  #check(): void {
    this.#cancelPause?.();
    this.#cancelPause = undefined;
    if (!this.#pending || this.#hooks.isBusy()) return; // re-checked on the next activity
    const wait = this.#lastActivityAt + this.#quietMs - this.#clock.now();
    if (wait <= 0) {
      this.#fire();
      return;
    }
    this.#cancelPause = this.#clock.setTimer(wait, () => this.#check());
  }

  #fire(): void {
    if (!this.#pending) return;
    this.cancel();
    this.#hooks.rotate();
  }
}
