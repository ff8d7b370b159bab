/**
 * Test helpers: an engine pointed at the emulator with its dummy credentials, an event log with bounded waits,
 * and audio feeding.
 */
import { createS2S, type S2SConfig, type S2SEvent, type S2SSession } from '@voxframe/core';
import '@voxframe/s2s-nova';
import type { NovaSonic, NovaSonicOptions, NovaSonicSession } from '@voxframe/s2s-nova';
import { frames, type NovaSonicEmulator } from '@voxframe/s2s-nova/testing';

// The SDK must not pick up a developer's real AWS settings: tests pass explicit credentials and region.
for (const name of ['AWS_PROFILE', 'AWS_BEARER_TOKEN_BEDROCK', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete process.env[name];

/** A `nova` engine talking to the emulator. */
export function engineFor(emulator: NovaSonicEmulator, extra: NovaSonicOptions = {}, config: Omit<S2SConfig, 'extra'> = {}): NovaSonic {
  return createS2S('nova', {
    ...config,
    extra: {
      region: 'us-east-1',
      base_url: emulator.baseUrl,
      credentials: emulator.credentials,
      reconnect_backoff_ms: 20,
      ...(emulator.ca === undefined ? {} : { ca: emulator.ca }),
      ...extra,
    },
  }) as NovaSonic;
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
    const timeoutMs = options.timeoutMs ?? 15_000;
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

/** Sends 16 kHz audio in 20 ms frames, yielding to the event loop every `yieldEvery` frames. */
export async function sendFrames(session: S2SSession, samples: Int16Array, yieldEvery = 5): Promise<void> {
  let n = 0;
  for (const frame of frames(samples, 20, 16000)) {
    session.sendAudio(frame);
    if (++n % yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Waits until a condition holds, polling each 5 ms, failing after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Starts a session and its event log. */
export async function startSession(engine: NovaSonic, options: Parameters<NovaSonic['start']>[0] = {}): Promise<{ session: NovaSonicSession; log: EventLog }> {
  const session = await engine.start(options);
  return { session, log: new EventLog(session) };
}
