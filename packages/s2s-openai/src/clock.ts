/**
 * The session's clock: the run's scheduler when one is given (`S2SStartOptions.scheduler`, so tests run in virtual
 * time), else real time. Every timer of the provider (connect, keepalive, reconnect backoff, rotation, closing
 * deadline) goes through it, and real-time timers are unref'd so a forgotten session never holds the process open.
 *
 * @packageDocumentation
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';

/** Cancels a timer; safe to call twice. */
export type CancelTimer = () => void;

/** Time and timers. */
export interface Clock {
  /** Milliseconds on this clock's scale. */
  now(): number;
  /** Runs `fn` once after `ms`. */
  after(ms: number, fn: () => void): CancelTimer;
}

/** Real time: `Date.now` and unref'd `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

/** A clock on an RxJS scheduler (the run's `asyncScheduler`, or a virtual one in tests). */
export function schedulerClock(scheduler: SchedulerLike): Clock {
  return {
    now: () => scheduler.now(),
    after(ms, fn) {
      const subscription = scheduler.schedule(fn, Math.max(0, ms));
      return () => subscription.unsubscribe();
    },
  };
}

/**
 * The clock for a session: its scheduler's, or real time. RxJS's `asyncScheduler` (a run's default) is real time
 * too, so it gets the system clock, whose timers are unref'd (its own intervals would hold the process open).
 */
export function clockFor(scheduler: SchedulerLike | undefined): Clock {
  return scheduler === undefined || scheduler === asyncScheduler ? systemClock : schedulerClock(scheduler);
}

/** Waits `ms` on `clock`; resolves `false` when the signal aborts first. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const cancel = clock.after(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    });
    const onAbort = (): void => {
      cancel();
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
