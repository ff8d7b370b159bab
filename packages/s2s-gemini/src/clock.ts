/**
 * Timers on the injected clock (`extra.scheduler`, an rxjs scheduler): `asyncScheduler` in production, a virtual
 * clock in tests, so rotation, backoff and timeouts can run in virtual time.
 *
 * @packageDocumentation
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';

/** A clock with cancellable timers. */
export interface Clock {
  /** Current time, ms. */
  now(): number;
  /** Runs `action` after `delayMs`; returns a cancel function (safe to call twice). */
  setTimer(delayMs: number, action: () => void): () => void;
  /** Resolves `true` after `delayMs`, or `false` when `signal` aborts first. */
  sleep(delayMs: number, signal: AbortSignal): Promise<boolean>;
}

/** A {@link Clock} on an rxjs scheduler. */
export function schedulerClock(scheduler: SchedulerLike = asyncScheduler): Clock {
  const setTimer = (delayMs: number, action: () => void): (() => void) => {
    const subscription = scheduler.schedule(action, Math.max(0, delayMs));
    return () => subscription.unsubscribe();
  };
  return {
    now: () => scheduler.now(),
    setTimer,
    sleep: (delayMs, signal) => {
      if (signal.aborted) return Promise.resolve(false);
      if (delayMs <= 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const onAbort = (): void => {
          cancel();
          resolve(false);
        };
        const cancel = setTimer(delayMs, () => {
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        });
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
