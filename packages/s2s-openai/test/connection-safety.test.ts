/**
 * Connecting safely: a socket factory that throws, a bad key, a wrong URL, and a half-open connection found by the
 * WebSocket keepalive. Real `ws` sockets to the emulator on 127.0.0.1; timers on a virtual clock where a test
 * waits for one.
 */
import { S2SConfigError, S2SError, createS2S } from '@voxframe/core';
import { createVirtualClock, type VirtualClock } from '@voxframe/core/testing';

import { createWsSocketFactory, type OpenAIRealtime, type WebSocketFactory } from '@voxframe/s2s-openai';
import type { RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { advanceUntil, EventLog, TEST_KEY, engineFor, startEmulator } from './support/harness';

describe('connecting safely', () => {
  let emulator: RealtimeEmulator;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => {
    uncaught.push(error);
  };

  beforeEach(async () => {
    emulator = await startEmulator();
    uncaught.length = 0;
    process.on('uncaughtException', onUncaught);
  });

  afterEach(async () => {
    process.off('uncaughtException', onUncaught);
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  it('a socket factory that throws synchronously gives a typed error and nothing else, even after the connect timeout', async () => {
    const clock = createVirtualClock();
    const throwing: WebSocketFactory = () => {
      throw new TypeError('Invalid character in header content ["Authorization"]');
    };
    const engine = engineFor(emulator, { socket_factory: throwing, connect_timeout_ms: 1000 });
    const error = await engine.start({ scheduler: clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S2SError);
    expect(error).toMatchObject({ code: 'socket_failed', recoverable: false });
    // The connect timer was never armed: running past it throws nothing.
    expect(() => clock.advanceBy(5000)).not.toThrow();
    expect(uncaught).toEqual([]);
  });

  it('the real ws factory refusing a header value (a line break) is the same typed error, with no timer left behind', async () => {
    const factory = createWsSocketFactory({ headers: { 'X-Trace': 'line\nbreak' } });
    const engine = engineFor(emulator, { socket_factory: factory, connect_timeout_ms: 5 });
    await expect(engine.start()).rejects.toMatchObject({ code: 'socket_failed', recoverable: false });
    await new Promise((resolve) => setTimeout(resolve, 30)); // past the 5 ms connect timeout, in real time
    expect(uncaught).toEqual([]);
    expect(emulator.handshakes).toEqual([]);
  });

  it('an API key with a trailing newline is refused when the engine is created, saying what to do', () => {
    expect(() => createS2S('openai_realtime', { extra: { api_key: `${TEST_KEY}\n`, base_url: emulator.baseUrl } })).toThrow(S2SConfigError);
    expect(() => createS2S('openai_realtime', { extra: { api_key: `${TEST_KEY}\n`, base_url: emulator.baseUrl } })).toThrow(/trim it/);
  });

  it('HTTP 404 at connect is a configuration error (not recoverable), not an outage to retry', async () => {
    const engine = engineFor(emulator, { base_url: `${emulator.baseUrl}/wrong` });
    await expect(engine.start()).rejects.toMatchObject({ code: 'not_found', recoverable: false });
    expect(emulator.handshakes.map((h) => h.status)).toEqual([404]);
  });

  describe('keepalive', () => {
    async function start(clock: VirtualClock): Promise<{ engine: OpenAIRealtime; log: EventLog; close: () => Promise<void> }> {
      const engine = engineFor(emulator, { keepalive_interval_ms: 15_000, keepalive_timeout_ms: 5000, reconnect_backoff_ms: 100 });
      const session = await engine.start({ scheduler: clock });
      return { engine, log: new EventLog(session), close: () => session.close() };
    }

    it('a half-open connection (no pong, no message) is dropped after the timeout and the session reconnects', async () => {
      const clock = createVirtualClock();
      const { log, close } = await start(clock);
      const first = emulator.session;
      first.goSilent();
      const next = emulator.nextSession();
      await advanceUntil(clock, () => log.ofType('session.rotated').length > 0, 'a reconnect');
      expect(log.ofType('session.rotated')[0].reason).toBe('reconnect');
      // Not before a ping interval plus its timeout had passed without an answer.
      expect(clock.now()).toBeGreaterThanOrEqual(20_000);
      expect(await next).not.toBe(first);
      expect(log.ofType('error')).toEqual([]);
      await close();
    });

    it('a healthy idle connection answers its pings and is kept', async () => {
      const clock = createVirtualClock();
      const { log, close } = await start(clock);
      await advanceUntil(clock, () => clock.now() >= 90_000, 'ninety idle seconds', 500);
      expect(log.ofType('session.rotated')).toEqual([]);
      expect(emulator.sessions).toHaveLength(1);
      await close();
    });
  });
});
