/**
 * A per-provider circuit breaker for failover: a provider that failed is skipped for new sessions until its
 * cool-down has passed, then tried again (half-open); a success closes it.
 *
 * @packageDocumentation
 */

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** How long a failed provider is skipped before it is tried again. @defaultValue `30_000` */
  readonly cooldownMs?: number;
  /** Clock, for tests. @defaultValue `Date.now` */
  readonly now?: () => number;
}

/** Defaults of {@link CircuitBreakerOptions}. */
export const circuitBreakerDefaults = { cooldownMs: 30_000 } as const satisfies CircuitBreakerOptions;

/** The breaker's view of one provider. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Tracks failures per provider name. */
export class CircuitBreaker {
  readonly #cooldownMs: number;
  readonly #now: () => number;
  /** Provider -> when it last failed. */
  readonly #failedAt = new Map<string, number>();

  constructor(options: CircuitBreakerOptions = {}) {
    this.#cooldownMs = options.cooldownMs ?? circuitBreakerDefaults.cooldownMs;
    this.#now = options.now ?? Date.now;
  }

  /** `closed`: healthy; `open`: failed within the cool-down; `half-open`: failed before it, worth one more try. */
  state(provider: string): CircuitState {
    const failedAt = this.#failedAt.get(provider);
    if (failedAt === undefined) return 'closed';
    return this.#now() - failedAt < this.#cooldownMs ? 'open' : 'half-open';
  }

  /** Records a failure (connect refused, fatal error, lost connection). */
  recordFailure(provider: string): void {
    this.#failedAt.set(provider, this.#now());
  }

  /** Records a success (a session started): the provider is healthy again. */
  recordSuccess(provider: string): void {
    this.#failedAt.delete(provider);
  }

  /**
   * Orders candidates for a new session: healthy and half-open ones in their given order, then open ones (tried
   * only when nothing else is left: an open breaker is a guess, not a proof).
   */
  order<T>(candidates: readonly T[], nameOf: (candidate: T) => string): T[] {
    const usable = candidates.filter((c) => this.state(nameOf(c)) !== 'open');
    const open = candidates.filter((c) => this.state(nameOf(c)) === 'open');
    return [...usable, ...open];
  }
}
