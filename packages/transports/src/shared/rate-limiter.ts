/**
 * A token bucket: at most `ratePerSecond` events on average, with bursts up to `burst`.
 *
 * @packageDocumentation
 */

/** Counts events against a budget refilled continuously. No timers: refills are computed on each call. */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #lastMs: number;

  /**
   * @param ratePerSecond - sustained events per second
   * @param burst - events allowed at once
   * @param now - clock in ms (injected for tests)
   */
  constructor(ratePerSecond: number, burst: number, now: () => number = () => performance.now()) {
    this.#ratePerMs = ratePerSecond / 1000;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#lastMs = now();
  }

  /** Takes one token; `false` when the budget is spent. */
  take(): boolean {
    const nowMs = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (nowMs - this.#lastMs) * this.#ratePerMs);
    this.#lastMs = nowMs;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
