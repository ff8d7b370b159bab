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
