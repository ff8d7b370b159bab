/**
 * Connection lifetime against the emulator over real sockets: goAway rotation at a pause with the resumption handle
 * and no user audio lost, an expired handle falling back to a fresh re-seeded session, 1011 retried with
 * resumption, 1007/1008 fatal with a typed error and a clean end, and typed refusal at start.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { S2SError } from '@voxframe/core';
import { createVirtualClock } from '@voxframe/core/testing';
import { GeminiLiveError, type GeminiLiveSession } from '@voxframe/s2s-gemini';
import { frames, scriptedReplies, silence, speechLike, type GeminiLiveEmulator } from '@voxframe/s2s-gemini/testing';
import { EventLog, TEST_KEY, engineFor, startEmulator, until } from './support/harness';

describe('gemini_live connection lifetime', () => {
  let emulator: GeminiLiveEmulator;
  let session: GeminiLiveSession | undefined;

  beforeEach(async () => {
    emulator = await startEmulator({ transcribe: () => 'hello' });
  });

  afterEach(async () => {
    await session?.close();
    session = undefined;
    await emulator.close();
  });

  it('goAway: resumes on a new connection at a pause with the latest handle, and not one user sample is lost', async () => {
    session = await engineFor(emulator, { pause_quiet_ms: 50 }).start();
    const log = new EventLog(session);
    session.sendText('Hi');
    await log.waitFor('turn.end');
    const handle = session.resumptionHandle;
    expect(handle).toBeDefined();
    const first = emulator.connection;
    first.goAway(5000);
    await log.waitFor('go-away');
    // Audio keeps flowing while the switch happens.
    let sent = 0;
    const audio = frames(silence(2000));
    for (const [i, frame] of audio.entries()) {
      session.sendAudio(frame);
      sent += frame.length;
      if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await log.waitFor('session.rotated');
    await until(() => emulator.session.inputSamples === sent, 3000, 'every sample at the emulator');
    expect(log.ofType('session.rotated')[0].reason).toBe('go-away');
    expect(log.ofType('go-away')[0].timeLeftMs).toBe(5000);
    expect(emulator.sessions).toHaveLength(1);
    expect(emulator.session.connections).toHaveLength(2);
    const second = emulator.session.connections[1];
    expect(second.setup).toMatchObject({ sessionResumption: { handle } });
    expect(first.inputSamples + second.inputSamples).toBe(sent);
    expect(session.sentInputSamples).toBe(sent);
    await until(() => first.closed, 3000, 'the old connection closed by the client');
    expect(log.ofType('error')).toEqual([]);
    // The conversation goes on over the new connection.
    session.sendText('Still there?');
    await log.waitFor('turn.end', () => true, { from: log.events.findIndex((e) => e.type === 'session.rotated') });
    expect(emulator.issues).toEqual([]);
  });

  it('an expired handle: the resumption is refused, so a fresh session starts, re-seeded from the mirror', async () => {
    session = await engineFor(emulator).start();
    const log = new EventLog(session);
    session.sendText('Remember the number 42.');
    await log.waitFor('turn.end');
    emulator.expireHandles();
    emulator.connection.closeWith(1011, 'Internal error occurred.');
    await log.waitFor('session.rotated');
    expect(emulator.sessions).toHaveLength(2);
    await until(() => emulator.session.history.length === 2, 3000, 'the re-seeded history');
    expect(emulator.session.history).toEqual([{ role: 'user', text: 'Remember the number 42.' }, { role: 'model', text: 'OK.' }]);
    expect(emulator.issues).toEqual([]);
  });

  it('1011: a recoverable typed error, then a retry with resumption and the conversation goes on', async () => {
    session = await engineFor(emulator).start();
    const log = new EventLog(session);
    session.sendText('Hi');
    await log.waitFor('turn.end');
    emulator.connection.closeWith(1011, 'Internal error occurred.');
    const error = await log.waitFor('error');
    expect(error.recoverable).toBe(true);
    expect(error.error).toBeInstanceOf(GeminiLiveError);
    expect(error.error).toMatchObject({ code: 'internal', closeCode: 1011, reason: 'Internal error occurred.' });
    await log.waitFor('session.rotated');
    expect(log.ofType('session.rotated')[0].reason).toBe('reconnect');
    expect(emulator.sessions).toHaveLength(1);
    session.sendText('Again');
    await until(() => log.ofType('turn.end').length === 2, 3000, 'the second turn');
    expect(emulator.session.history.map((t) => t.text)).toEqual(['Hi', 'OK.', 'Again', 'OK.']);
  });

  it('1007 mid-session: a typed fatal error and a clean end', async () => {
    session = await engineFor(emulator).start();
    const log = new EventLog(session);
    emulator.connection.closeWith(1007, 'Request contains an invalid argument.');
    const closed = await log.waitFor('closed');
    const errors = log.ofType('error');
    expect(errors).toHaveLength(1);
    expect(errors[0].recoverable).toBe(false);
    expect(errors[0].error).toMatchObject({ code: 'invalid_argument', closeCode: 1007, reason: 'Request contains an invalid argument.' });
    expect(errors[0].error.message).toMatch(/check extra\.api_key, the model name/);
    expect(closed.reason).toBe('failed: invalid_argument');
    expect(emulator.connections).toHaveLength(1);
  });

  it('refusals at start are typed: a bad key (1007), an unknown model (1008)', async () => {
    const badKey = engineFor(emulator, { api_key: 'wrong' }).start();
    await expect(badKey).rejects.toBeInstanceOf(GeminiLiveError);
    await expect(badKey).rejects.toMatchObject({ closeCode: 1007, recoverable: false, reason: 'API key not valid. Please pass a valid API key.' });
    const badModel = engineFor(emulator, {}, { model: 'gemini-9-nope' }).start();
    await expect(badModel).rejects.toMatchObject({ code: 'not_found_or_policy', closeCode: 1008 });
    await expect(badModel).rejects.toThrow(/check config\.model/);
    expect(TEST_KEY).not.toBe('wrong');
  });

  it('a server that never answers setup gives connect_timeout; an unreachable one connection_failed', async () => {
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => silent.once('listening', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const start = engineFor(emulator, { connect_timeout_ms: 150, base_url: `http://127.0.0.1:${port}` }).start();
      await expect(start).rejects.toMatchObject({ code: 'connect_timeout', recoverable: true });
    } finally {
      for (const client of silent.clients) client.terminate();
      await new Promise((resolve) => silent.close(resolve));
    }
    const unreachable = engineFor(emulator, { connect_timeout_ms: 1000, base_url: 'http://127.0.0.1:9' }).start();
    await expect(unreachable).rejects.toBeInstanceOf(S2SError);
    await expect(unreachable).rejects.toMatchObject({ code: 'connection_failed' });
  });

  it('goAway with a turn in progress waits for the pause, and still moves before the connection ends', async () => {
    await emulator.close();
    emulator = await startEmulator({ chunkIntervalMs: 20 });
    emulator.script = scriptedReplies({ say: 'a long answer', audioMs: 2000 });
    session = await engineFor(emulator, { pause_quiet_ms: 50, go_away_margin_ms: 500 }).start();
    const log = new EventLog(session);
    session.sendText('Talk');
    await log.waitFor('audio');
    emulator.connection.goAway(3000);
    await log.waitFor('go-away');
    await log.waitFor('session.rotated', () => true, { timeoutMs: 4000 });
    const endAt = log.events.findIndex((e) => e.type === 'turn.end');
    const rotatedAt = log.events.findIndex((e) => e.type === 'session.rotated');
    expect(endAt).toBeGreaterThan(-1);
    expect(rotatedAt).toBeGreaterThan(endAt);
    expect(log.ofType('turn.end')[0].status).toBe('completed');
    expect(log.ofType('error')).toEqual([]);
    for (const frame of frames(speechLike(100))) session.sendAudio(frame);
  });

  it('a close after goAway (1008 "The operation was aborted.") before any pause is expected: resumed, not fatal', async () => {
    await emulator.close();
    emulator = await startEmulator({ chunkIntervalMs: 20 });
    emulator.script = scriptedReplies({ say: 'OK.' }, { say: 'a very long answer', audioMs: 8000 }, { say: 'OK.' });
    session = await engineFor(emulator, { go_away_margin_ms: 0 }).start();
    const log = new EventLog(session);
    session.sendText('Hi');
    await log.waitFor('turn.end');
    session.sendText('Talk a lot');
    await log.waitFor('audio', (a) => a.utteranceId !== log.ofType('audio')[0].utteranceId);
    // The service closes before the client's deadline (10 s) and before any pause: the close path, not the timer.
    emulator.connection.goAway(10_000, 150);
    await log.waitFor('session.rotated');
    expect(log.ofType('session.rotated')[0].reason).toBe('go-away');
    expect(log.ofType('error')).toEqual([]);
    expect(log.ofType('turn.end').map((t) => t.status)).toEqual(['completed', 'failed']);
    expect(emulator.sessions).toHaveLength(1);
    expect(emulator.session.connections[0].closed).toBe(true);
    session.sendText('Again');
    await until(() => log.ofType('turn.end').length === 3, 3000, 'the turn after the resume');
  });

  it('reconnect backoff runs on the injected clock: nothing happens until virtual time passes the delay', async () => {
    const clock = createVirtualClock();
    session = await engineFor(emulator, { scheduler: clock, reconnect_backoff_ms: 1000, reconnect_backoff_max_ms: 1000 }).start();
    const log = new EventLog(session);
    emulator.connection.closeWith(1011, 'Internal error occurred.');
    await log.waitFor('error');
    // Real time passes, virtual time does not: no reconnect yet (the first delay is 800-1200 ms of virtual time).
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(emulator.connections).toHaveLength(1);
    clock.advanceBy(799);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emulator.connections).toHaveLength(1);
    clock.advanceBy(401);
    await log.waitFor('session.rotated');
    expect(emulator.connections).toHaveLength(2);
  });
});
