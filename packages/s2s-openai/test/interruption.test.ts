import { concatSamples, scriptedReplies, silence, speechLike, type RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { createVirtualClock } from '@voxframe/core/testing';
import { EventLog, engineFor, sendFrames, startEmulator, startSession, until } from './support/harness';

const turn = (): Int16Array => concatSamples(silence(100), speechLike(500), silence(700));

describe('interruption (barge-in) sends cancel + truncate with the played time', () => {
  let emulator: RealtimeEmulator;

  beforeEach(async () => {
    // 100 ms of audio every 20 ms: 5x faster than real time, slow enough to barge in mid-response.
    emulator = await startEmulator({ deltaIntervalMs: 20, audioChunkMs: 100 });
  });

  afterEach(async () => {
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  async function respondingSession(extra: Record<string, unknown> = {}): Promise<{ session: Awaited<ReturnType<typeof startSession>>['session']; log: EventLog }> {
    emulator.script = scriptedReplies({ say: 'Let me tell you a long story about the sea and the sky.', audioMs: 10_000 });
    const started = await startSession(engineFor(emulator, extra));
    await sendFrames(started.session, turn());
    await started.log.waitFor('audio');
    await until(() => started.log.ofType('audio').length >= 5, 5000, 'five audio deltas');
    return started;
  }

  it('server VAD barge-in: truncate to the whole played ms, no cancel (the service cancelled), no audio after, turn ends interrupted', async () => {
    const { session, log } = await respondingSession();
    const utteranceId = log.ofType('audio')[0].utteranceId;
    // Like the S2S processor: on speech.started, interrupt with the playback clock.
    let barged = false;
    const sub = session.events.subscribe((e) => {
      if (e.type === 'speech.started' && !barged) {
        barged = true;
        session.interrupt({ playedMs: 412.7 });
      }
    });
    await sendFrames(session, speechLike(400));
    const interrupted = await log.waitFor('interrupted');
    sub.unsubscribe();
    const afterInterrupt = log.events.length;
    const end = await log.waitFor('turn.end');
    expect(end.status).toBe('interrupted');
    expect(interrupted).toEqual({ type: 'interrupted', playedMs: 412, utteranceId });
    const server = emulator.session;
    // interrupt_response: the service cancelled at speech start; a response.cancel would draw response_cancel_not_active.
    expect(server.eventsOfType('response.cancel')).toHaveLength(0);
    expect(server.errors.map((e) => e.code)).not.toContain('response_cancel_not_active');
    const truncate = server.eventsOfType('conversation.item.truncate')[0];
    expect(truncate).toMatchObject({ item_id: utteranceId, content_index: 0, audio_end_ms: 412 });
    expect(server.truncations).toEqual([{ itemId: utteranceId, audioEndMs: 412 }]);
    // The emulator dropped the unheard transcript: what remains is the share heard.
    const item = server.items.find((i) => i.id === utteranceId);
    expect(item?.audioMs).toBe(412);
    expect(log.events.slice(afterInterrupt).filter((e) => e.type === 'audio' && e.utteranceId === utteranceId)).toEqual([]);
    expect(log.ofType('error')).toEqual([]);
    await session.close();
  });

  it('does not truncate beyond the audio generated (fully heard: nothing to cut)', async () => {
    const { session, log } = await respondingSession();
    const generatedMs = log.ofType('audio').reduce((n, a) => n + a.samples.length, 0) / 24;
    session.interrupt({ playedMs: generatedMs + 10_000 });
    await log.waitFor('turn.end');
    const server = emulator.session;
    expect(server.eventsOfType('response.cancel')).toHaveLength(1);
    for (const t of server.eventsOfType('conversation.item.truncate')) {
      expect(t.audio_end_ms as number).toBeLessThanOrEqual(server.items.find((i) => i.id === t.item_id)?.audioMs ?? 0);
    }
    expect(log.ofType('error')).toEqual([]);
    await session.close();
  });

  it('clamps a negative played time to 0 and sends integers only', async () => {
    const { session, log } = await respondingSession();
    session.interrupt({ playedMs: -25.5 });
    await log.waitFor('turn.end');
    expect(emulator.session.eventsOfType('conversation.item.truncate')[0]).toMatchObject({ audio_end_ms: 0 });
    await session.close();
  });

  it('without a played time, estimates it from the session clock since the first audio (as the official client)', async () => {
    emulator.script = scriptedReplies({ say: 'Let me tell you a long story about the sea and the sky.', audioMs: 10_000 });
    const clock = createVirtualClock();
    const { session, log } = await startSession(engineFor(emulator), { scheduler: clock });
    session.sendText('Tell me a story.');
    await until(() => log.ofType('audio').length >= 10, 5000, 'a second of audio');
    clock.advanceBy(700); // 700 ms of playback since the first delta, on the run's clock
    session.interrupt();
    await log.waitFor('turn.end');
    expect(emulator.session.eventsOfType('conversation.item.truncate')[0]).toMatchObject({ audio_end_ms: 700 });
    await session.close();
  });

  it('drops audio deltas the service still sends after the cancel (in flight), and their transcript', async () => {
    await emulator.close();
    emulator = await startEmulator({ deltaIntervalMs: 20, audioChunkMs: 100, deltasAfterCancel: 3 });
    emulator.script = scriptedReplies({ say: 'One two three four five six seven eight nine ten eleven twelve.', audioMs: 5000 });
    const { session, log } = await startSession(engineFor(emulator, { turn_detection: 'none' }));
    session.sendText('Count.');
    await until(() => log.ofType('audio').length >= 5, 5000, 'audio');
    const utteranceId = log.ofType('audio')[0].utteranceId;
    session.interrupt({ playedMs: 200 });
    const cutAt = log.events.length;
    await log.waitFor('turn.end');
    const server = emulator.session;
    expect(server.eventsOfType('response.cancel')).toHaveLength(1);
    // The service sent more audio of the item than the client had seen when it cut ...
    const sent = server.sent.filter((e) => e.type === 'response.output_audio.delta' && e.item_id === utteranceId).length;
    const seen = log.events.slice(0, cutAt).filter((e) => e.type === 'audio' && e.utteranceId === utteranceId).length;
    expect(sent).toBeGreaterThan(seen);
    // ... and none of it (nor its partial transcript) reached the application.
    const late = log.events.slice(cutAt).filter((e) => (e.type === 'audio' && e.utteranceId === utteranceId) || (e.type === 'transcript' && !e.final));
    expect(late).toEqual([]);
    await session.close();
  });

  it('server VAD: no padded commit of our own after the service committed the turn', async () => {
    const { session, log } = await startSession(engineFor(emulator));
    // Just enough silence for the service's VAD (500 ms) to end the turn: under 100 ms left uncommitted.
    await sendFrames(session, concatSamples(silence(100), speechLike(500), silence(540)));
    await log.waitFor('speech.stopped');
    await until(() => emulator.session.items.some((i) => i.role === 'user'), 5000, 'the committed turn');
    session.commitUserTurn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emulator.session.eventsOfType('input_audio_buffer.commit')).toEqual([]);
    expect(emulator.session.errors).toEqual([]);
    await session.close();
  });

  it('local-VAD turns: commitUserTurn commits (padded to 100 ms) and asks for a response; interrupt cancels it', async () => {
    emulator.script = scriptedReplies({ say: 'A long answer to a short question.', audioMs: 3000 });
    const { session, log } = await startSession(engineFor(emulator, { turn_detection: 'none' }));
    expect(session.capabilities.serverVad).toBe(false);
    expect(emulator.session.eventsOfType('session.update')[0]).toMatchObject({ session: { audio: { input: { turn_detection: null } } } });
    await sendFrames(session, speechLike(40));
    session.commitUserTurn();
    await until(() => log.ofType('audio').length >= 3, 5000, 'audio');
    expect(log.ofType('speech.started')).toEqual([]);
    expect(emulator.session.items[0]).toMatchObject({ role: 'user', audioMs: 100 });
    session.interrupt({ playedMs: 150.9 });
    const end = await log.waitFor('turn.end');
    expect(end.status).toBe('interrupted');
    expect(emulator.session.responses[0].status).toBe('cancelled');
    expect(emulator.session.truncations[0].audioEndMs).toBe(150);
    await session.close();
  });

  it('local-VAD turns: an uncommitted buffer is cleared past manual_buffer_max_ms, keeping the pre-roll', async () => {
    const { session } = await startSession(engineFor(emulator, { turn_detection: 'none', manual_buffer_max_ms: 1000, pre_roll_ms: 200 }));
    await sendFrames(session, speechLike(1500));
    session.commitUserTurn();
    await until(() => emulator.session.items.length >= 1, 5000, 'the committed turn');
    expect(emulator.session.eventsOfType('input_audio_buffer.clear')).toHaveLength(1);
    // Cleared at 1020 ms, 200 ms of pre-roll re-sent, then the remaining 480 ms.
    expect(emulator.session.items[0].audioMs).toBe(680);
    expect(emulator.session.errors).toEqual([]);
    await session.close();
  });

  it('interrupt with nothing playing sends nothing and emits nothing', async () => {
    const { session, log } = await startSession(engineFor(emulator));
    session.interrupt({ playedMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(emulator.session.eventsOfType('response.cancel')).toEqual([]);
    expect(emulator.session.eventsOfType('conversation.item.truncate')).toEqual([]);
    expect(log.events).toEqual([]);
    await session.close();
  });
});
