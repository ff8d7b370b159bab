/**
 * Virtual-time helpers on RxJS `TestScheduler`, for timing logic (VAD hysteresis, barge-in, timeouts).
 *
 * @packageDocumentation
 */
import { deepStrictEqual } from 'node:assert';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import { createProcessorContext, type ProcessorContext } from '../context';

/**
 * A TestScheduler whose assertions use `assertEqual` (default: node's `deepStrictEqual`, so it works with any test
 * runner; pass `(a, b) => expect(a).toEqual(b)` for jest diffs).
 */
export function createTestScheduler(assertEqual: (actual: unknown, expected: unknown) => void = deepStrictEqual): TestScheduler {
  return new TestScheduler((actual, expected) => assertEqual(actual, expected));
}

/** A virtual clock advanced by hand: a TestScheduler with `advanceTo`/`advanceBy`. */
export type VirtualClock = TestScheduler & {
  /** Runs every action due up to and including `ms` (virtual), then stops there. */
  advanceTo(ms: number): void;
  /** Advances by `ms` from now. */
  advanceBy(ms: number): void;
};

/**
 * A virtual clock for tests that act between steps (send a frame, advance 100 ms, check, interrupt, ...), which
 * `TestScheduler.run` cannot do: its callback runs before virtual time moves, and async `onStart` setups (a promise)
 * never settle inside it. Give it to a harness or runner as `scheduler`, then `advanceTo(ms)`.
 */
export function createVirtualClock(): VirtualClock {
  const clock = new TestScheduler(() => undefined) as VirtualClock;
  clock.maxFrames = Number.POSITIVE_INFINITY;
  clock.advanceTo = (ms: number) => {
    if (ms < clock.now()) throw new RangeError(`VirtualClock: cannot go back from ${clock.now()} to ${ms} ms.`);
    // An action at `ms` moves the clock there even when nothing else is due.
    clock.schedule(() => undefined, ms - clock.now());
    clock.maxFrames = ms;
    clock.flush();
    clock.maxFrames = Number.POSITIVE_INFINITY;
  };
  clock.advanceBy = (ms: number) => clock.advanceTo(clock.now() + ms);
  return clock;
}

/**
 * Runs `body` in virtual time: RxJS time inside runs on the TestScheduler, and `context` is a processor context
 * whose clock is that scheduler, for processors under test.
 */
export function runInVirtualTime<T>(
  body: (helpers: RunHelpers & { readonly context: ProcessorContext; readonly scheduler: TestScheduler }) => T,
  assertEqual?: (actual: unknown, expected: unknown) => void,
): T {
  const scheduler = createTestScheduler(assertEqual);
  return scheduler.run((helpers) => body({ ...helpers, scheduler, context: createProcessorContext({ scheduler }) }));
}
