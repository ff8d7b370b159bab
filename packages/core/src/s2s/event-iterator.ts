/**
 * Turns a session's event Observable into an async iterator (for `for await` users).
 *
 * @packageDocumentation
 */
import type { Observable, Subscription } from 'rxjs';
import { QueueOverflowError } from '../errors';
import type { OverflowPolicy } from '../frame-queue';

/** Options of {@link observableToAsyncIterator}. */
export interface AsyncIteratorOptions {
  /**
   * Most values buffered while the consumer is busy; beyond it `overflowPolicy` applies, as in a processor's
   * ordered lane.
   * @defaultValue 1024
   */
  readonly maxBuffered?: number;
  /**
   * What a full buffer does: `drop-oldest` (keeps the newest values) or `drop-newest`.
   * @defaultValue `'drop-oldest'`
   */
  readonly overflowPolicy?: OverflowPolicy;
  /**
   * Called once per overflow episode (the first drop after the buffer was last empty), e.g. to log it. A session
   * passes its logger's warning here.
   */
  readonly onOverflow?: (error: QueueOverflowError) => void;
  /** Name in the overflow error. @defaultValue `'async iterator'` */
  readonly name?: string;
}

/** Defaults of {@link AsyncIteratorOptions}. */
export const asyncIteratorDefaults = {
  maxBuffered: 1024,
  overflowPolicy: 'drop-oldest',
  name: 'async iterator',
} as const satisfies AsyncIteratorOptions;

/**
 * Subscribes to an Observable at the first `next()` call (not before: values emitted earlier are not seen) and
 * yields its values in order, buffering at most `maxBuffered` of them while the consumer is busy; ends when the
 * Observable completes, throws when it errors. `return()` (a `break` in `for await`) unsubscribes.
 */
export function observableToAsyncIterator<T>(source: Observable<T>, options: AsyncIteratorOptions = {}): AsyncIterator<T> & AsyncIterable<T> {
  const maxBuffered = options.maxBuffered ?? asyncIteratorDefaults.maxBuffered;
  const policy = options.overflowPolicy ?? asyncIteratorDefaults.overflowPolicy;
  let buffer: T[] = [];
  let head = 0;
  let overflowing = false;
  let done = false;
  let failure: { error: unknown } | undefined;
  let waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  let subscription: Subscription | undefined;

  const buffered = (): number => buffer.length - head;
  const overflow = (): void => {
    if (overflowing) return;
    overflowing = true;
    options.onOverflow?.(new QueueOverflowError(options.name ?? asyncIteratorDefaults.name, maxBuffered, policy));
  };
  const take = (): T => {
    const value = buffer[head++];
    if (head === buffer.length) {
      buffer = [];
      head = 0;
      overflowing = false;
    } else if (head > 1024 && head * 2 > buffer.length) {
      buffer = buffer.slice(head);
      head = 0;
    }
    return value;
  };
  const subscribe = (): void => {
    subscription = source.subscribe({
      next: (value) => {
        if (waiting) {
          const w = waiting;
          waiting = undefined;
          w.resolve({ value, done: false });
          return;
        }
        if (buffered() >= maxBuffered) {
          overflow();
          if (policy === 'drop-newest') return;
          take();
        }
        buffer.push(value);
      },
      error: (error: unknown) => {
        failure = { error };
        if (waiting) {
          const w = waiting;
          waiting = undefined;
          w.reject(error);
        }
      },
      complete: () => {
        done = true;
        if (waiting) {
          const w = waiting;
          waiting = undefined;
          w.resolve({ value: undefined, done: true });
        }
      },
    });
  };

  const iterator: AsyncIterator<T> & AsyncIterable<T> = {
    next(): Promise<IteratorResult<T>> {
      if (subscription === undefined && !done) subscribe();
      if (buffered() > 0) return Promise.resolve({ value: take(), done: false });
      if (failure) return Promise.reject(failure.error);
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    return(): Promise<IteratorResult<T>> {
      subscription?.unsubscribe();
      done = true;
      buffer = [];
      head = 0;
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w.resolve({ value: undefined, done: true });
      }
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
