/**
 * Context around reconnects and rotations (issue: lost or wrong context): a barge-in while reconnecting still cuts
 * the mirror the fresh session is seeded from; events of the old connection during a rotation reach the mirror; a
 * reply cut by a dropped connection is continued, not asked for again from its start.
 */
import { heardText } from '@voxframe/core';
import { createVirtualClock } from '@voxframe/core/testing';

import { concatSamples, scriptedReplies, silence, speechLike, type EmulatedSession, type RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { advanceUntil, engineFor, sendFrames, startEmulator, startSession, until } from './support/harness';

const STORY = 'Let me tell you a long story about the sea and the sky and the wind over the hills.';

describe('context around reconnects and rotations', () => {
  let emulator: RealtimeEmulator;

  afterEach(async () => {
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  async function midReply(): Promise<Awaited<ReturnType<typeof startSession>> & { first: EmulatedSession }> {
    emulator = await startEmulator({ deltaIntervalMs: 20, audioChunkMs: 100 });
    emulator.script = scriptedReplies({ say: STORY, audioMs: 10_000 });
    const started = await startSession(engineFor(emulator));
    started.session.sendText('Tell me a story.');
    await until(() => started.log.ofType('audio').length >= 5, 5000, 'five audio deltas');
    return { ...started, first: emulator.session };
  }

  it('a reply cut by a dropped connection is continued from what was heard, not requested again from its start', async () => {
    emulator = await startEmulator({ deltaIntervalMs: 20, audioChunkMs: 100 });
    emulator.script = scriptedReplies({ say: STORY, audioMs: 10_000 });
    const clock = createVirtualClock();
    const { session, log } = await startSession(engineFor(emulator, { reconnect_backoff_ms: 100 }), { scheduler: clock });
    session.sendText('Tell me a story.');
    await until(() => log.ofType('audio').length >= 20, 5000, 'twenty audio deltas');
    // 1.5 s of playback since the first delta, by the session's clock (its estimate once the connection is gone).
    clock.advanceBy(1500);
    const first = emulator.session;
    const next = emulator.nextSession();
    first.drop();
    await advanceUntil(clock, () => log.ofType('session.rotated').length > 0, 'a reconnect');
    const second = await next;
    await until(() => second.eventsOfType('response.create').length > 0, 5000, 'a response request');
    const [create] = second.eventsOfType('response.create');
    expect(JSON.stringify(create)).toMatch(/Continue the reply from there without repeating/);
    // The seeded assistant item holds exactly what the user heard, by core's one rule.
    const failedAt = log.events.findIndex((e) => e.type === 'turn.end');
    const before = log.events.slice(0, failedAt);
    const streamed = before.filter((e) => e.type === 'transcript' && e.role === 'assistant' && !e.final).map((e) => (e as { text: string }).text).join('');
    const generatedMs = before.filter((e) => e.type === 'audio').reduce((n, e) => n + (e as { samples: Int16Array }).samples.length / 24, 0);
    const heard = heardText(streamed, 1500, generatedMs);
    expect(heard).not.toBe('');
    expect(heard.length).toBeLessThan(streamed.trim().length);
    await until(() => second.items.some((i) => i.role === 'assistant'), 5000, 'the seeded assistant item');
    expect(second.items.find((i) => i.role === 'assistant')?.text).toBe(heard);
    expect(log.events[failedAt]).toMatchObject({ type: 'turn.end', status: 'failed' });
    await session.close();
  });

  it('a barge-in while reconnecting cuts the mirror at the played time, and the reply is not resumed', async () => {
    const { session, log, first } = await midReply();
    const utteranceId = log.ofType('audio')[0].utteranceId;
    emulator.refuseNext(2, 503); // stay in recovery for a few backoff rounds
    first.drop();
    await until(() => emulator.handshakes.some((h) => h.status === 503), 5000, 'a refused reconnect');
    session.interrupt({ playedMs: 0, ...(utteranceId === undefined ? {} : { utteranceId }) });
    await log.waitFor('session.rotated');
    const fresh = emulator.session;
    await until(() => fresh.eventsOfType('conversation.item.create').length >= 1, 5000, 're-seeded items');
    // Heard nothing: no assistant text in the seed (the mutation "no truncation unless ready" keeps an estimate).
    expect(fresh.items.filter((i) => i.role === 'assistant')).toEqual([]);
    expect(fresh.items[0]).toMatchObject({ role: 'user', text: 'Tell me a story.' });
    // The user is talking: the cut reply is neither continued nor repeated.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fresh.eventsOfType('response.create')).toEqual([]);
    expect(session.conversation.map((m) => m.role)).toEqual(['user']);
    await session.close();
  });

  it('a user transcript the old connection completes during a rotation reaches the mirror and the fresh session', async () => {
    emulator = await startEmulator({ transcribe: () => '' });
    emulator.script = scriptedReplies({ say: 'Sure.' });
    const { session, log } = await startSession(engineFor(emulator, { max_session_ms: 100 }));
    await sendFrames(session, concatSamples(silence(100), speechLike(400), silence(700)));
    await log.waitFor('turn.end');
    const old = emulator.session;
    const userItem = old.items.find((i) => i.role === 'user');
    expect(userItem).toBeDefined();
    const fresh = await emulator.nextSession(); // the rotation is connecting; the old connection still serves
    old.send({
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: 'event_late',
      item_id: userItem?.id,
      content_index: 0,
      transcript: 'what a late transcript',
    });
    await log.waitFor('session.rotated');
    await until(() => fresh.items.length >= 2, 5000, 're-seeded items');
    expect(fresh.items[0]).toMatchObject({ role: 'user', text: 'what a late transcript' });
    expect(session.conversation[0]).toEqual({ role: 'user', content: 'what a late transcript' });
    await session.close();
  });
});
