/**
 * Test helpers: an emulator that validates every client message against `@google/genai`'s live types, an engine
 * pointed at it, and an event log with bounded waits.
 */
import { createS2S, type S2SConfig, type S2SEvent, type S2SSession } from '@voxframe/core';
import '@voxframe/s2s-gemini';
import type { GeminiLive, GeminiLiveOptions } from '@voxframe/s2s-gemini';
import { GeminiLiveEmulator, type GeminiLiveEmulatorOptions } from '@voxframe/s2s-gemini/testing';
import { createClientMessageValidator } from './schemas';

let validator: ((message: unknown) => string[]) | undefined;

/** The strict client-message validator (generated once per test file). */
export function clientMessageValidator(): (message: unknown) => string[] {
  validator ??= createClientMessageValidator();
  return validator;
}

/** The test API key (never logged: a test checks). */
export const TEST_KEY = 'gemini-test-key-0123456789-do-not-log';

/** Starts an emulator that validates every client message strictly against the SDK's `LiveClientMessage`. */
export function startEmulator(options: GeminiLiveEmulatorOptions = {}): Promise<GeminiLiveEmulator> {
  return GeminiLiveEmulator.start({ apiKey: TEST_KEY, validateClientMessage: clientMessageValidator(), ...options });
}

/** A `gemini_live` engine talking to the emulator. */
export function engineFor(emulator: GeminiLiveEmulator, extra: GeminiLiveOptions = {}, config: Omit<S2SConfig, 'extra'> = {}): GeminiLive {
  return createS2S('gemini_live', { ...config, extra: { api_key: TEST_KEY, base_url: emulator.baseUrl, reconnect_backoff_ms: 20, ...extra } }) as GeminiLive;
}

/** Waits until `condition` holds (checked every 5 ms), or rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Records a session's events and waits for the ones a test expects. */
export class EventLog {
  readonly events: S2SEvent[] = [];

  constructor(session: S2SSession) {
    session.events.subscribe((event) => this.events.push(event));
  }

  /** Events of one type. */
  ofType<T extends S2SEvent['type']>(type: T): Extract<S2SEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<S2SEvent, { type: T }> => e.type === type);
  }

  /** Resolves with the first matching event at or after index `from`. */
  async waitFor<T extends S2SEvent['type']>(
    type: T,
    predicate: (e: Extract<S2SEvent, { type: T }>) => boolean = () => true,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<Extract<S2SEvent, { type: T }>> {
    let found: Extract<S2SEvent, { type: T }> | undefined;
    const match = (): boolean => {
      found = this.events.slice(options.from ?? 0).find((e): e is Extract<S2SEvent, { type: T }> => e.type === type && predicate(e as Extract<S2SEvent, { type: T }>));
      return found !== undefined;
    };
    await until(match, options.timeoutMs ?? 5000, `a '${type}' event; got ${this.events.map((e) => e.type).join(', ')}`);
    return found as Extract<S2SEvent, { type: T }>;
  }
}
