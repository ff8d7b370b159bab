/**
 * Test helpers: an emulator that validates every client event against the official SDK's schemas, an engine
 * pointed at it, and an event log with bounded waits.
 */
import { createS2S, type S2SConfig, type S2SEvent, type S2SSession } from '@voxframe/core';
import type { VirtualClock } from '@voxframe/core/testing';
import '@voxframe/s2s-openai';
import type { OpenAIRealtime, OpenAIRealtimeSession } from '@voxframe/s2s-openai';
import { RealtimeEmulator, frames, type ClientEventIssue, type RealtimeEmulatorOptions } from '@voxframe/s2s-openai/testing';
import { createClientEventValidator } from './schemas';

let validator: ((event: unknown) => ClientEventIssue[]) | undefined;

/** The strict client-event validator (generated once per test file). */
export function clientEventValidator(): (event: unknown) => ClientEventIssue[] {
  validator ??= createClientEventValidator();
  return validator;
}

/** Starts an emulator that validates every client event strictly against the `openai` package's GA types. */
export function startEmulator(options: RealtimeEmulatorOptions = {}): Promise<RealtimeEmulator> {
  return RealtimeEmulator.start({ validateClientEvent: clientEventValidator(), ...options });
}

/** The test API key (never logged: a test checks). */
export const TEST_KEY = 'sk-test-0123456789-do-not-log';

/** An `openai_realtime` engine talking to the emulator. */
export function engineFor(emulator: RealtimeEmulator, extra: Record<string, unknown> = {}, config: S2SConfig = {}): OpenAIRealtime {
  return createS2S('openai_realtime', {
    ...config,
    extra: { api_key: TEST_KEY, base_url: emulator.baseUrl, reconnect_backoff_ms: 20, ...extra },
  }) as OpenAIRealtime;
}

/** Records a session's events and waits for the ones a test expects. */
export class EventLog {
  readonly events: S2SEvent[] = [];
  readonly #waiters: { predicate: (e: S2SEvent) => boolean; resolve: (e: S2SEvent) => void }[] = [];

  constructor(session: S2SSession) {
    session.events.subscribe((event) => {
      this.events.push(event);
      for (const waiter of [...this.#waiters]) {
        if (waiter.predicate(event)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    });
  }

  /** Events of one type. */
  ofType<T extends S2SEvent['type']>(type: T): Extract<S2SEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<S2SEvent, { type: T }> => e.type === type);
  }

  /** Resolves with the first event (from index `from`) matching; rejects after `timeoutMs`. */
  waitFor<T extends S2SEvent['type']>(
    type: T,
    predicate: (e: Extract<S2SEvent, { type: T }>) => boolean = () => true,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<Extract<S2SEvent, { type: T }>> {
    const match = (e: S2SEvent): boolean => e.type === type && predicate(e as Extract<S2SEvent, { type: T }>);
    const existing = this.events.slice(options.from ?? 0).find(match);
    if (existing) return Promise.resolve(existing as Extract<S2SEvent, { type: T }>);
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate: match,
        resolve: (e: S2SEvent) => {
          clearTimeout(timer);
          resolve(e as Extract<S2SEvent, { type: T }>);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no '${type}' event within ${timeoutMs} ms; got: ${this.events.map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }
}

/** Sends audio in 20 ms frames, yielding to the event loop every `yieldEvery` frames so server events interleave. */
export async function sendFrames(session: S2SSession, samples: Int16Array, sampleRate = 24000, yieldEvery = 5): Promise<void> {
  let n = 0;
  for (const frame of frames(samples, 20, sampleRate)) {
    session.sendAudio(frame);
    if (++n % yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Waits until a condition holds, polling each 5 ms, failing after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Starts a session and its event log. */
export async function startSession(engine: OpenAIRealtime, options: Parameters<OpenAIRealtime['start']>[0] = {}): Promise<{ session: OpenAIRealtimeSession; log: EventLog }> {
  const session = await engine.start(options);
  return { session, log: new EventLog(session) };
}

/** Advances a virtual clock in steps, letting real socket I/O run between them, until `condition` holds. */
export async function advanceUntil(clock: VirtualClock, condition: () => boolean, what: string, stepMs = 50, maxMs = 120_000): Promise<void> {
  for (let elapsed = 0; !condition(); elapsed += stepMs) {
    if (elapsed > maxMs) throw new Error(`virtual time ran ${maxMs} ms without ${what}`);
    clock.advanceBy(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
