/** Test helpers: record a stream's events and wait for one. */
import type { TtsStream, TtsStreamEvent } from '@voxframe/core';
import { filter, firstValueFrom, timeout } from 'rxjs';

/** Records every event of a stream. */
export function record(stream: TtsStream): TtsStreamEvent[] {
  const events: TtsStreamEvent[] = [];
  stream.events.subscribe((event) => events.push(event));
  return events;
}

/** The first event matching `predicate` (already seen or coming), within `ms`. */
export async function next(stream: TtsStream, seen: readonly TtsStreamEvent[], predicate: (e: TtsStreamEvent) => boolean, ms = 5000): Promise<TtsStreamEvent> {
  const found = seen.find(predicate);
  if (found) return found;
  return firstValueFrom(stream.events.pipe(filter(predicate), timeout(ms)));
}

/** Waits until `check` holds, polling every 5 ms, at most `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Samples of the audio events of one context. */
export const samplesOf = (events: readonly TtsStreamEvent[], contextId: string): number =>
  events.reduce((n, e) => n + (e.type === 'audio' && e.contextId === contextId ? e.samples.length : 0), 0);
