/** Test helpers: drain a service stream, with the error it threw. */
import type { LlmRequest, LlmService, LlmStreamEvent } from '@voxframe/core';

/** Every event of one stream, and the error that ended it, if any. */
export async function drain(llm: LlmService, request: LlmRequest, signal: AbortSignal = new AbortController().signal): Promise<{ events: LlmStreamEvent[]; error?: unknown }> {
  const events: LlmStreamEvent[] = [];
  try {
    for await (const event of llm.stream(request, { signal })) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

/** The text of the text events. */
export const textOf = (events: readonly LlmStreamEvent[]): string => events.map((e) => (e.type === 'text' ? e.text : '')).join('');

/** Waits until `check` holds, polling every 5 ms, at most `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Test credentials the emulator accepts. */
export const credentials = { accessKeyId: 'AKIDVOXFRAMETEST', secretAccessKey: 'not-a-real-secret' };
