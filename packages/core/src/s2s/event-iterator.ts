/**
 * Turns a session's event Observable into an async iterator (for `for await` users).
 *
 * @packageDocumentation
 */
import type { Observable } from 'rxjs';

/**
 * Buffers an Observable's values from the moment of the call and yields them in order; ends when the Observable
 * completes, throws when it errors. `return()` (a `break` in `for await`) unsubscribes.
 */
export function observableToAsyncIterator<T>(source: Observable<T>): AsyncIterator<T> & AsyncIterable<T> {
  const buffer: T[] = [];
  let head = 0;
  let done = false;
  let failure: { error: unknown } | undefined;
  let waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  const subscription = source.subscribe({
    next: (value) => {
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w.resolve({ value, done: false });
      } else {
        buffer.push(value);
      }
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
  const iterator: AsyncIterator<T> & AsyncIterable<T> = {
    next(): Promise<IteratorResult<T>> {
      if (head < buffer.length) {
        const value = buffer[head++];
        if (head > 1024 && head * 2 > buffer.length) {
          buffer.splice(0, head);
          head = 0;
        }
        return Promise.resolve({ value, done: false });
      }
      if (failure) return Promise.reject(failure.error);
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    return(): Promise<IteratorResult<T>> {
      subscription.unsubscribe();
      done = true;
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
