/**
 * The provider against the emulator over real sockets: setup, audio both ways, text, transcripts, usage, tools and
 * their cancellation, interruption with the mirror cut at the played time, history seeding, binary and text frames.
 * Every client message is checked against `@google/genai`'s `LiveClientMessage` schema by the emulator.
 */
import type { GeminiLiveSession } from '@voxframe/s2s-gemini';
import { concatSamples, frames, scriptedReplies, silence, speechLike, type GeminiLiveEmulator } from '@voxframe/s2s-gemini/testing';
import { EventLog, engineFor, startEmulator, until } from './support/harness';

function speak(session: GeminiLiveSession, ms: number, silenceAfterMs = 700): void {
  for (const frame of frames(concatSamples(speechLike(ms), silence(silenceAfterMs)))) session.sendAudio(frame);
}

describe('gemini_live session against the emulator', () => {
  let emulator: GeminiLiveEmulator;
  let session: GeminiLiveSession | undefined;

  beforeEach(async () => {
    emulator = await startEmulator({ transcribe: () => 'What is the weather in Paris?' });
  });

  afterEach(async () => {
    await session?.close();
    session = undefined;
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  it('sets up with the config, answers a spoken turn with 24 kHz audio, transcripts, usage and a turn end', async () => {
    emulator.script = scriptedReplies({ say: 'It is sunny in Paris.', audioMs: 800 });
    session = await engineFor(emulator, { language: 'en-US' }, { voice: 'Kore', instructions: 'Be brief.', temperature: 0.5 }).start();
    const log = new EventLog(session);
    speak(session, 600);
    const end = await log.waitFor('turn.end');
    expect(end.status).toBe('completed');
    const setup = emulator.connection.setup as Record<string, unknown>;
    expect(setup).toMatchObject({
      model: 'models/gemini-3.8-live',
      generationConfig: { responseModalities: ['AUDIO'], temperature: 0.5, speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } }, languageCode: 'en-US' } },
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      inputAudioTranscription: {},
      outputAudioTranscription: {},
      sessionResumption: {},
      contextWindowCompression: { slidingWindow: {} },
      realtimeInputConfig: { activityHandling: 'START_OF_ACTIVITY_INTERRUPTS' },
    });
    const audio = log.ofType('audio');
    expect(audio.every((a) => a.sampleRate === 24000)).toBe(true);
    expect(audio.reduce((n, a) => n + a.samples.length, 0)).toBe(24000 * 0.8);
    expect(emulator.session.inputSamples).toBe(16000 * 1.3);
    expect(log.ofType('transcript').filter((t) => t.final).map((t) => [t.role, t.text])).toEqual([
      ['user', 'What is the weather in Paris?'],
      ['assistant', 'It is sunny in Paris.'],
    ]);
    expect(log.ofType('usage')[0].usage).toMatchObject({ inputTokens: 100, outputAudioTokens: expect.any(Number) as number });
    expect(session.conversation).toEqual([
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: 'It is sunny in Paris.' },
    ]);
    expect(session.resumptionHandle).toMatch(/^handle-/);
  });

  it('accepts text frames as well as binary ones, and sends typed text as realtimeInput.text', async () => {
    await emulator.close();
    emulator = await startEmulator({ textFrames: true });
    session = await engineFor(emulator).start();
    const log = new EventLog(session);
    session.sendText('Hello there');
    await log.waitFor('turn.end');
    expect(emulator.connection.received[1]).toEqual({ realtimeInput: { text: 'Hello there' } });
    expect(session.conversation).toEqual([
      { role: 'user', content: 'Hello there' },
      { role: 'assistant', content: 'OK.' },
    ]);
  });

  it('calls tools with ids, several per turn, results matched by id, then speaks', async () => {
    emulator.script = scriptedReplies(
      { toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }, { name: 'get_time', args: { city: 'Paris' } }] },
      (ctx) => ({ say: `Results: ${ctx.toolResponses.map((r) => JSON.stringify(r.response)).join(' and ')}` }),
    );
    const tools = [
      { name: 'get_weather', parameters: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } },
      { name: 'get_time', parameters: { type: 'object' as const, properties: { city: { type: 'string' } } } },
    ];
    session = await engineFor(emulator, { tool_behavior: 'non_blocking', tool_scheduling: 'when_idle' }, { tools }).start();
    const log = new EventLog(session);
    session.sendText('Weather and time?');
    await until(() => log.ofType('tool.call').length === 2, 5000, 'two tool calls');
    const [weather, time] = log.ofType('tool.call');
    // Answered out of order: matched by id.
    session.sendToolResult({ callId: time.callId, name: 'get_time', output: '"12:00"' });
    session.sendToolResult({ callId: weather.callId, name: 'get_weather', output: JSON.stringify({ temp: 21 }) });
    const spoken = await log.waitFor('transcript', (t) => t.role === 'assistant' && t.final);
    expect(spoken.text).toBe('Results: {"output":"12:00"} and {"output":{"temp":21}}');
    const declarations = (emulator.connection.setup as { tools: { functionDeclarations: Record<string, unknown>[] }[] }).tools[0].functionDeclarations;
    expect(declarations[0]).toEqual({ name: 'get_weather', parametersJsonSchema: tools[0].parameters, behavior: 'NON_BLOCKING' });
    const responses = emulator.connection.received.filter((m) => 'toolResponse' in m);
    expect(responses[0]).toEqual({ toolResponse: { functionResponses: [{ id: time.callId, name: 'get_time', response: { output: '12:00' }, scheduling: 'WHEN_IDLE' }] } });
    expect(session.conversation.filter((m) => m.role === 'tool').map((m) => m.toolCallId)).toEqual([time.callId, weather.callId]);
  });

  it('barge-in during a tool call: toolCallCancellation becomes tool.cancelled and the calls leave the mirror', async () => {
    emulator.script = scriptedReplies({ toolCalls: [{ name: 'slow', args: {} }] }, { say: 'Sure.' });
    session = await engineFor(emulator, {}, { tools: [{ name: 'slow', parameters: { type: 'object' } }] }).start();
    const log = new EventLog(session);
    session.sendText('Do the slow thing');
    const call = await log.waitFor('tool.call');
    speak(session, 300);
    const cancelled = await log.waitFor('tool.cancelled');
    expect(cancelled.callIds).toEqual([call.callId]);
    expect(session.conversation.some((m) => m.toolCalls?.some((c) => c.callId === call.callId))).toBe(false);
  });

  it('the server interrupted drops queued output: one interrupted, then turn.end interrupted; the mirror keeps what was heard', async () => {
    await emulator.close();
    emulator = await startEmulator({ chunkIntervalMs: 20 });
    emulator.script = scriptedReplies({ say: 'one two three four five six seven eight nine ten', audioMs: 4000 });
    session = await engineFor(emulator).start();
    const log = new EventLog(session);
    session.sendText('Count to ten');
    await until(() => log.ofType('audio').length >= 10, 5000, 'some audio');
    // The output side reports 1 s heard (of 4 s): the processor calls interrupt() with it.
    const utteranceId = log.ofType('audio')[0].utteranceId;
    session.interrupt({ playedMs: 1000, ...(utteranceId === undefined ? {} : { utteranceId }) });
    const audioAtInterrupt = log.ofType('audio').length;
    speak(session, 300);
    const end = await log.waitFor('turn.end');
    expect(end.status).toBe('interrupted');
    expect(log.ofType('interrupted')).toHaveLength(1);
    // Nothing more of the interrupted utterance (the emulator answers the new user turn after it).
    expect(log.ofType('audio').filter((a) => a.utteranceId === utteranceId).length).toBe(audioAtInterrupt);
    expect(emulator.session.interruptions).toBe(1);
    // What was heard is 1 s of the audio generated by then (more of it arrives first on a slow machine): a shorter
    // prefix of the reply, cut at a whole word.
    const full = 'one two three four five six seven eight nine ten';
    const said = session.conversation.find((m) => m.role === 'assistant')?.content ?? '';
    expect(said.length).toBeGreaterThan(0);
    expect(said.length).toBeLessThan(full.length);
    expect(full.startsWith(said)).toBe(true);
    expect(full[said.length]).toBe(' ');
  });

  it('declares the tools given to start() (the S2S processor passes its registry there), replacing the engine’s', async () => {
    const tool = { name: 'get_time', description: 'The time now.', parameters: { type: 'object' as const, properties: {} } };
    session = await engineFor(emulator).start({ tools: [tool] });
    await until(() => emulator.connection.setup !== undefined, 3000, 'the setup');
    expect(JSON.stringify(emulator.connection.setup)).toContain('"get_time"');
    await expect(engineFor(emulator).start({ tools: [{ ...tool, name: 'bad name!' }] })).rejects.toThrow(/name/);
  });

  it('seeds a fresh session with start({ history }) through clientContent after setup', async () => {
    session = await engineFor(emulator).start({
      history: [
        { role: 'user', content: 'My name is Ada.' },
        { role: 'assistant', content: 'Hello Ada.' },
      ],
    });
    await until(() => emulator.session.history.length === 2, 3000, 'the seeded history');
    expect(emulator.connection.setup).toMatchObject({ historyConfig: { initialHistoryInClientContent: true } });
    expect(emulator.connection.received[1]).toEqual({
      clientContent: { turns: [{ role: 'user', parts: [{ text: 'My name is Ada.' }] }, { role: 'model', parts: [{ text: 'Hello Ada.' }] }], turnComplete: true },
    });
    expect(emulator.session.history).toEqual([{ role: 'user', text: 'My name is Ada.' }, { role: 'model', text: 'Hello Ada.' }]);
    expect(session.conversation).toEqual([
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Hello Ada.' },
    ]);
  });

  it('manual turns: activityStart/activityEnd around the user audio from a local VAD', async () => {
    session = await engineFor(emulator, { turn_detection: 'manual' }).start();
    const log = new EventLog(session);
    for (const frame of frames(speechLike(400))) session.sendAudio(frame);
    session.commitUserTurn();
    await log.waitFor('turn.end');
    const kinds = emulator.connection.received.slice(1).map((m) => Object.keys((m.realtimeInput ?? {}) as object)[0]);
    expect(kinds[0]).toBe('activityStart');
    expect(kinds.filter((k) => k === 'activityEnd')).toHaveLength(1);
    expect(emulator.connection.setup).toMatchObject({ realtimeInputConfig: { automaticActivityDetection: { disabled: true } } });
  });

  it('updateSession sends contextUpdate and applies to later setups', async () => {
    session = await engineFor(emulator).start();
    session.updateSession({ instructions: 'Speak French.', tools: [] });
    await until(() => emulator.connection.received.some((m) => 'contextUpdate' in m), 3000, 'the context update');
    expect(emulator.connection.received.find((m) => 'contextUpdate' in m)).toEqual({ contextUpdate: { systemInstruction: { parts: [{ text: 'Speak French.' }] }, tools: { tools: [] } } });
  });

  it('a TEXT session: text events and the text in the mirror', async () => {
    emulator.script = scriptedReplies({ say: 'Written answer here.' });
    session = await engineFor(emulator, { response_modality: 'text' }).start();
    const log = new EventLog(session);
    session.sendText('Write');
    await log.waitFor('turn.end');
    expect(log.ofType('text').map((t) => t.text).join('')).toBe('Written answer here.');
    expect(log.ofType('audio')).toEqual([]);
    expect(session.conversation[1]).toEqual({ role: 'assistant', content: 'Written answer here.' });
  });

  it('a result cut by barge-in (respond: false) for a call the service withdrew is never sent; one it kept is sent', async () => {
    emulator.script = scriptedReplies({ toolCalls: [{ name: 'slow', args: {} }] }, { say: 'Sure.' }, { toolCalls: [{ name: 'slow', args: {} }] });
    session = await engineFor(emulator, { pause_quiet_ms: 100 }, { tools: [{ name: 'slow', parameters: { type: 'object' } }] }).start();
    const log = new EventLog(session);
    session.sendText('Do the slow thing');
    const call = await log.waitFor('tool.call');
    // Barge-in: the local side gives up on the call at once, the service withdraws it a moment later.
    session.sendToolResult({ callId: call.callId, name: 'slow', output: 'cancelled by the user', isError: true, respond: false });
    speak(session, 300);
    await log.waitFor('tool.cancelled');
    await log.waitFor('turn.end');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(emulator.connection.received.filter((m) => 'toolResponse' in m)).toEqual([]);
    expect(emulator.issues).toEqual([]);
    // A call the service did not withdraw gets its (delayed) result.
    session.sendText('Again');
    const second = await log.waitFor('tool.call', (c) => c.callId !== call.callId);
    session.sendToolResult({ callId: second.callId, name: 'slow', output: '{"done":true}', respond: false });
    await until(() => emulator.connection.received.some((m) => 'toolResponse' in m), 3000, 'the delayed result');
  });
});
