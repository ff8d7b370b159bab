/**
 * Closing a session without letting it hang shutdown.
 *
 * @packageDocumentation
 */
import { Subscription, type SchedulerLike } from 'rxjs';
import type { S2SSession } from '@voxframe/core';

/**
 * Closes `session`, waiting at most `timeoutMs` on `scheduler`. Resolves `'closed'`, `'timeout'` (the session is
 * left behind: its socket is someone else's problem now, never the pipeline's) or rejects with `close()`'s error.
 */
export async function closeWithin(session: S2SSession, scheduler: SchedulerLike, timeoutMs: number): Promise<'closed' | 'timeout'> {
  const timer = new Subscription();
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer.add(scheduler.schedule(() => resolve('timeout'), timeoutMs));
  });
  try {
    return await Promise.race([session.close().then(() => 'closed' as const), timedOut]);
  } finally {
    timer.unsubscribe();
  }
}
