import { S2SError } from '@voxframe/core';
import { concatSamples, scriptedReplies, silence, speechLike, tone, type RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { reconnectDelayMs } from '../src/rotation';
import { createVirtualClock } from '@voxframe/core/testing';
import { advanceUntil, engineFor, sendFrames, startEmulator, startSession, until } from './support/harness';

describe('errors, reconnects and rotation', () => {
  let emulator: RealtimeEmulator;

  beforeEach(async () => {
    emulator = await startEmulator();
  });

  afterEach(async () => {
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  it('a recoverable error event is reported and the session goes on', async () => {
    const { session, log } = await startSession(engineFor(emulator));
    emulator.session.send({
      type: 'error',
      event_id: 'event_x',
      error: { type: 'invalid_request_error', code: 'invalid_value', message: 'Invalid value for voice.', param: 'session.audio.output.voice', event_id: null },
    });
    const error = await log.waitFor('error');
    expect(error.recoverable).toBe(true);
    expect(error.error).toBeInstanceOf(S2SError);
    expect(error.error).toMatchObject({ code: 'invalid_value', provider: 'openai_realtime', param: 'session.audio.output.voice' });
    session.sendText('still there?');
    expect((await log.waitFor('turn.end')).status).toBe('completed');
    expect(log.ofType('closed')).toEqual([]);
    await session.close();
  });

  it('garbage from the server becomes an error event and the session survives', async () => {
    const { session, log } = await startSession(engineFor(emulator));
    emulator.session.sendRaw('this is not json');
    emulator.session.sendRaw('[1, 2, 3]');
    emulator.session.sendRaw('{"no_type": true}');
    await until(() => log.ofType('error').length === 3, 5000, 'three errors');
    expect(log.ofType('error').map((e) => [e.error.code, e.recoverable])).toEqual([
      ['invalid_server_message', true],
      ['invalid_server_message', true],
      ['invalid_server_message', true],
    ]);
    session.sendText('hello?');
    expect((await log.waitFor('turn.end')).status).toBe('completed');
    await session.close();
  });

  it('a dropped connection is recovered: history re-seeded, held audio delivered, conversation continues', async () => {
    emulator.script = scriptedReplies({ say: 'Nice to meet you, Ada.' }, (ctx) => ({ say: `I remember ${ctx.items.length} items.` }));
    const { session, log } = await startSession(engineFor(emulator));
    session.sendText('My name is Ada.');
    await log.waitFor('turn.end');
    const first = emulator.session;
    const next = emulator.nextSession();
    emulator.dropAll();
    const second = await next;
    // Audio sent while reconnecting is held and flushed to the new session.
    session.sendAudio(tone(200, 24000, 1000, 5000));
    const rotated = await log.waitFor('session.rotated');
    expect(rotated.reason).toBe('reconnect');
    expect(second).not.toBe(first);
    await until(() => second.items.length >= 2, 5000, 're-seeded items');
    expect(second.items.slice(0, 2).map((i) => [i.role, i.text])).toEqual([
      ['user', 'My name is Ada.'],
      ['assistant', 'Nice to meet you, Ada.'],
    ]);
    await until(() => second.inputAudio().length >= 4800, 5000, 'held audio');
    expect(second.inputAudio().some((s) => s !== 0)).toBe(true);
    session.sendText('Do you remember me?');
    await log.waitFor('transcript', (t) => t.final && t.text === 'I remember 3 items.');
    expect(log.ofType('error')).toEqual([]);
    await session.close();
  });

  it('gives up after the bounded reconnect attempts with a non-recoverable error, then closes', async () => {
    const { session, log } = await startSession(engineFor(emulator, { reconnect_attempts: 3, reconnect_backoff_ms: 5 }));
    emulator.refuseNext(10, 503);
    emulator.dropAll();
    const closed = await log.waitFor('closed');
    const error = log.ofType('error').pop();
    expect(error).toMatchObject({ recoverable: false, error: { code: 'connection_lost' } });
    expect(closed.reason).toBe('failed: connection_lost');
    expect(emulator.handshakes.filter((h) => h.status === 503)).toHaveLength(3);
    await session.close();
  });

  it('rotates before the session cap at a pause; audio sent during the rotation arrives at the new session', async () => {
    const { session, log } = await startSession(engineFor(emulator, { max_session_ms: 100, pre_roll_ms: 100 }));
    session.sendText('Remember the number 42.');
    await log.waitFor('turn.end');
    const old = emulator.session;
    const fresh = await emulator.nextSession(); // the rotation connects while the old session still serves
    const marker = tone(300, 24000, 1000, 7000);
    session.sendAudio(marker);
    const rotated = await log.waitFor('session.rotated');
    expect(rotated.reason).toBe('expiry');
    await until(() => fresh.inputAudio().length >= marker.length, 5000, 'marker audio');
    await until(() => fresh.items.length > 0, 5000, 're-seeded item');
    expect(containsSequence(fresh.inputAudio(), marker)).toBe(true);
    expect(containsSequence(old.inputAudio(), marker)).toBe(false);
    await expect(old.closed).resolves.toMatchObject({ code: 1000 });
    expect(fresh.items[0]).toMatchObject({ role: 'user', text: 'Remember the number 42.' });
    expect(log.ofType('error')).toEqual([]);
    await session.close();
  });

  it('waits for a pause: no rotation while the reply is still playing (estimated on the session clock)', async () => {
    await emulator.close();
    emulator = await startEmulator();
    emulator.script = scriptedReplies({ say: 'A fairly long answer that takes a while.', audioMs: 2000 });
    const clock = createVirtualClock();
    const { session, log } = await startSession(engineFor(emulator, { max_session_ms: 50 }), { scheduler: clock });
    session.sendText('Talk to me.');
    await log.waitFor('turn.end');
    // The 2 s reply was generated at once, but plays until 2 s after its first audio: no rotation before.
    await advanceUntil(clock, () => clock.now() >= 1900, '1.9 s', 100);
    expect(log.ofType('session.rotated')).toEqual([]);
    await advanceUntil(clock, () => log.ofType('session.rotated').length > 0, 'the rotation', 100);
    expect(clock.now()).toBeGreaterThanOrEqual(2000);
    expect(emulator.sessions).toHaveLength(2);
    await session.close();
  });

  it('does not rotate while the user is speaking, however long past the cap', async () => {
    const clock = createVirtualClock();
    const { session, log } = await startSession(engineFor(emulator, { max_session_ms: 1000 }), { scheduler: clock });
    await sendFrames(session, concatSamples(silence(100), speechLike(800)));
    await log.waitFor('speech.started');
    await advanceUntil(clock, () => clock.now() >= 30_000, 'thirty seconds of speech', 500);
    expect(log.ofType('session.rotated')).toEqual([]);
    expect(emulator.sessions).toHaveLength(1);
    // The user stops; after the reply and a quiet second the session rotates.
    await sendFrames(session, silence(800));
    await log.waitFor('turn.end');
    await advanceUntil(clock, () => log.ofType('session.rotated').length > 0, 'the rotation', 200);
    expect(emulator.sessions).toHaveLength(2);
    await session.close();
  });

  it('a service-side expiry (session_expired, close 1001) rotates without an error event', async () => {
    await emulator.close();
    emulator = await startEmulator({ maxSessionMs: 300 });
    const { session, log } = await startSession(engineFor(emulator));
    session.sendText('Hello.');
    await log.waitFor('turn.end');
    const rotated = await log.waitFor('session.rotated');
    expect(rotated.reason).toBe('expiry');
    expect(await emulator.sessions[0].closed).toMatchObject({ code: 1001 });
    expect(log.ofType('error')).toEqual([]);
    await until(() => emulator.sessions[1].items.length > 0, 5000, 're-seeded item');
    expect(emulator.sessions[1].items[0]).toMatchObject({ role: 'user', text: 'Hello.' });
    await session.close();
  });

  it('a service-side expiry still rotates with reconnect_attempts: 0 (an expiry is not an outage)', async () => {
    await emulator.close();
    emulator = await startEmulator({ maxSessionMs: 300 });
    const { session, log } = await startSession(engineFor(emulator, { reconnect_attempts: 0 }));
    const rotated = await log.waitFor('session.rotated');
    expect(rotated.reason).toBe('expiry');
    expect(emulator.sessions).toHaveLength(2);
    expect(log.ofType('closed')).toEqual([]);
    await session.close();
  });

  it('reconnect delays double per attempt up to the cap, with +-20% jitter', () => {
    const middle = (): number => 0.5;
    expect([0, 1, 2, 3, 4, 5].map((a) => reconnectDelayMs(a, 250, 5000, middle))).toEqual([250, 500, 1000, 2000, 4000, 5000]);
    expect(reconnectDelayMs(2, 250, 5000, () => 0)).toBe(800);
    expect(reconnectDelayMs(2, 250, 5000, () => 1)).toBe(1200);
  });

  it('refuses a wrong key at the handshake with a non-recoverable unauthorized error', async () => {
    await emulator.close();
    emulator = await startEmulator({ apiKey: 'the-right-key' });
    await expect(engineFor(emulator, { api_key: 'a-wrong-key' }).start()).rejects.toMatchObject({ code: 'unauthorized', recoverable: false });
    expect(emulator.handshakes[0].status).toBe(401);
  });
});

function containsSequence(haystack: Int16Array, needle: Int16Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
