/** Test helpers: event collection with bounded waits, and speech sent in 20 ms chunks. */
import type { SttEvent, SttSession } from '@voxframe/core';
import { firstValueFrom, filter, timeout } from 'rxjs';

/** Records every event of a session. */
export function record(session: SttSession): SttEvent[] {
  const events: SttEvent[] = [];
  session.events.subscribe((event) => events.push(event));
  return events;
}

/** The first event matching `predicate` (already seen or coming), within `ms`. */
export async function next<T extends SttEvent>(session: SttSession, seen: readonly SttEvent[], predicate: (e: SttEvent) => e is T, ms = 5000): Promise<T> {
  const found = seen.find(predicate);
  if (found) return found;
  return firstValueFrom(session.events.pipe(filter(predicate), timeout(ms)));
}

/** Sends `samples` in 20 ms chunks (reusing one buffer, as a pooled transport would). */
export function sendChunked(session: SttSession, samples: Int16Array, sampleRate: number): void {
  const chunk = new Int16Array(Math.round(sampleRate / 50));
  for (let at = 0; at < samples.length; at += chunk.length) {
    const part = samples.subarray(at, at + chunk.length);
    chunk.set(part);
    session.sendAudio(part.length === chunk.length ? chunk : chunk.subarray(0, part.length));
  }
}

/** Waits until `check` holds, polling every 5 ms, at most `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const isFinal = (e: SttEvent): e is Extract<SttEvent, { type: 'transcript' }> => e.type === 'transcript' && e.final;
export const isInterim = (e: SttEvent): e is Extract<SttEvent, { type: 'transcript' }> => e.type === 'transcript' && !e.final;
export const isError = (e: SttEvent): e is Extract<SttEvent, { type: 'error' }> => e.type === 'error';
export const isClosed = (e: SttEvent): e is Extract<SttEvent, { type: 'closed' }> => e.type === 'closed';
