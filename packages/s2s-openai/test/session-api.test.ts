/**
 * The session's own API beyond audio: hooks called by the session (for apps without the S2S processor),
 * `updateSession`, G.711 pass-through chosen at start, and barge-in dropping queued utterances from the model.
 */
import type { InterruptInfo, ToolCallInfo, TurnInfo, VoxframeError } from '@voxframe/core';
import { scriptedReplies, type RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { engineFor, startEmulator, startSession, until } from './support/harness';

describe('session API', () => {
  let emulator: RealtimeEmulator;

  beforeEach(async () => {
    emulator = await startEmulator();
  });

  afterEach(async () => {
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  it('calls its hooks itself: turns (user and assistant), tool calls, errors', async () => {
    emulator.script = scriptedReplies({ toolCalls: [{ name: 'lookup', arguments: { q: 'x' } }] }, { say: 'Found it.' });
    const turns: TurnInfo[] = [];
    const calls: ToolCallInfo[] = [];
    const errors: VoxframeError[] = [];
    const engine = engineFor(emulator, {}, { tools: [{ name: 'lookup', parameters: { type: 'object' } }] });
    const { session, log } = await startSession(engine, {
      hooks: { onTurn: (t) => void turns.push(t), onToolCall: (c) => void calls.push(c), onError: (e) => void errors.push(e) },
    });
    session.sendText('Look it up.');
    const call = await log.waitFor('tool.call');
    session.sendToolResult({ callId: call.callId, name: call.name, output: '"ok"' });
    await log.waitFor('transcript', (t) => t.role === 'assistant' && t.final && t.text === 'Found it.');
    await log.waitFor('turn.end', () => true, { from: log.events.findIndex((e) => e.type === 'tool.call') + 1 });
    emulator.session.send({ type: 'error', event_id: 'event_e', error: { type: 'invalid_request_error', code: 'invalid_value', message: 'Bad.', param: null, event_id: null } });
    await until(() => errors.length === 1, 5000, 'the onError hook');
    expect(calls).toEqual([{ callId: call.callId, name: 'lookup', arguments: '{"q":"x"}' }]);
    expect(turns.filter((t) => t.role === 'assistant').map((t) => [t.text, t.status])).toEqual([
      ['', 'completed'],
      ['Found it.', 'completed'],
    ]);
    expect(errors[0]).toMatchObject({ code: 'invalid_value' });
    await session.close();
  });

  it('calls onInterrupt once per barge-in', async () => {
    await emulator.close();
    emulator = await startEmulator({ deltaIntervalMs: 20 });
    emulator.script = scriptedReplies({ say: 'A long answer that goes on and on and on.', audioMs: 5000 });
    const interrupts: InterruptInfo[] = [];
    const { session, log } = await startSession(engineFor(emulator, { turn_detection: 'none' }), { hooks: { onInterrupt: (i) => void interrupts.push(i) } });
    session.sendText('Talk.');
    await until(() => log.ofType('audio').length >= 3, 5000, 'audio');
    const utteranceId = log.ofType('audio')[0].utteranceId;
    session.interrupt({ playedMs: 120 });
    session.interrupt({ playedMs: 150 });
    await log.waitFor('turn.end');
    expect(interrupts).toEqual([{ reason: 'interrupt', playedMs: 120, utteranceId }]);
    await session.close();
  });

  it('updateSession changes instructions and tools now and on every later connection', async () => {
    const { session, log } = await startSession(engineFor(emulator, {}, { instructions: 'Old.' }));
    session.updateSession({ instructions: 'New rules.', tools: [{ name: 'lookup', parameters: { type: 'object' } }] });
    await until(() => emulator.session.eventsOfType('session.update').length === 2, 5000, 'the update');
    expect(emulator.session.eventsOfType('session.update')[1]).toMatchObject({ session: { type: 'realtime', instructions: 'New rules.', tools: [{ type: 'function', name: 'lookup' }] } });
    const next = emulator.nextSession();
    emulator.dropAll();
    const fresh = await next;
    await log.waitFor('session.rotated');
    expect(fresh.eventsOfType('session.update')[0]).toMatchObject({ session: { instructions: 'New rules.', tools: [{ name: 'lookup' }] } });
    await session.close();
  });

  it('start({ audioEncoding: g711_ulaw }) puts mu-law on the wire at 8 kHz (telephony pass-through)', async () => {
    const engine = engineFor(emulator);
    expect(engine.capabilities.encodedAudio).toEqual(['g711_ulaw', 'g711_alaw']);
    const { session } = await startSession(engine, { audioEncoding: 'g711_ulaw' });
    expect(session.audioFormat).toEqual({ inputSampleRate: 8000, outputSampleRate: 8000 });
    expect(emulator.session.eventsOfType('session.update')[0]).toMatchObject({
      session: { audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: { type: 'audio/pcmu' } } } },
    });
    await session.close();
  });

  it('a barge-in with utterances queued behind the one playing truncates those to 0 (never heard)', async () => {
    emulator.script = scriptedReplies({ say: 'First answer here.', audioMs: 1000 }, { say: 'Second answer here.', audioMs: 1000 });
    const { session, log } = await startSession(engineFor(emulator, { turn_detection: 'none' }));
    session.sendText('One.');
    await log.waitFor('turn.end');
    session.sendText('Two.');
    await until(() => log.ofType('turn.end').length === 2, 5000, 'two replies');
    const [first, second] = [...new Set(log.ofType('audio').map((a) => a.utteranceId as string))];
    session.interrupt({ utteranceId: first, playedMs: 400, unplayedUtteranceIds: [second] });
    await until(() => emulator.session.truncations.length === 2, 5000, 'two truncations');
    expect(emulator.session.truncations).toEqual([
      { itemId: first, audioEndMs: 400 },
      { itemId: second, audioEndMs: 0 },
    ]);
    expect(session.conversation.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['First']);
    await session.close();
  });
});
