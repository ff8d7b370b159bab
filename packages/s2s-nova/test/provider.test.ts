/**
 * The provider against the emulator, without the processor: TLS with a private CA, refused credentials, throttling
 * on a new stream retried with backoff, typed text input (Nova 2) and its refusal on Nova Sonic 1, history
 * seeding (replayed as text blocks starting with USER), a local interrupt cutting the heard text, and settings
 * applied from the next stream.
 */
import { S2SError } from '@voxframe/core';
import { NovaSonicEmulator, scriptedReplies } from '@voxframe/s2s-nova/testing';
import { engineFor, startSession, until } from './support/harness';

describe('nova provider', () => {
  let emulator: NovaSonicEmulator | undefined;

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('talks TLS to an https endpoint trusted through extra.ca, and answers typed text', async () => {
    emulator = await NovaSonicEmulator.start({ tls: true });
    emulator.script = scriptedReplies({ say: 'Hello over TLS.', audioMs: 300 });
    const { session, log } = await startSession(engineFor(emulator));
    session.sendText('Hi there');
    await log.waitFor('transcript', (e) => e.role === 'assistant');
    expect(emulator.baseUrl.startsWith('https://')).toBe(true);
    expect(emulator.stream.texts).toEqual(['Hi there']);
    expect(session.conversation).toEqual([
      { role: 'user', content: 'Hi there' },
      { role: 'assistant', content: 'Hello over TLS.' },
    ]);
    await session.close();
    expect(emulator.issues).toEqual([]);
  });

  it('refused credentials end the session with a typed, fatal error', async () => {
    emulator = await NovaSonicEmulator.start();
    const engine = engineFor(emulator, { credentials: { accessKeyId: emulator.credentials.accessKeyId, secretAccessKey: 'wrong' } });
    const outcome = await engine.start().then(
      async (session) => {
        const errors: S2SError[] = [];
        session.events.subscribe((e) => e.type === 'error' && errors.push(e.error as S2SError));
        await until(() => errors.length > 0, 5000, 'the error');
        await session.close();
        return errors[0];
      },
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(S2SError);
    expect((outcome as S2SError).code).toBe('unauthorized');
    expect((outcome as S2SError).recoverable).toBe(false);
    expect(emulator.refusals[0]).toContain('InvalidSignatureException');
  });

  it('throttling on the new stream after a drop is retried with backoff', async () => {
    emulator = await NovaSonicEmulator.start();
    emulator.script = scriptedReplies({ say: 'First.' }, { say: 'Second.' });
    const { session, log } = await startSession(engineFor(emulator));
    session.sendText('one');
    await log.waitFor('turn.end');
    emulator.throttleNext(2);
    const third = (async () => {
      while (emulator.streams.length < 2) await emulator.nextStream();
      return emulator.stream;
    })();
    emulator.stream.reset();
    await log.waitFor('session.rotated');
    await third;
    session.sendText('two');
    await log.waitFor('transcript', (e) => e.role === 'assistant' && e.text === 'Second.');
    const codes = log.ofType('error').map((e) => [e.error.code, e.recoverable]);
    expect(codes).toEqual([
      ['stream_dropped', true],
      ['throttled', true],
      ['throttled', true],
    ]);
    expect(emulator.refusals.filter((r) => r.startsWith('429'))).toHaveLength(2);
    expect(emulator.stream.history).toEqual([
      { role: 'USER', text: 'one' },
      { role: 'ASSISTANT', text: 'First.' },
    ]);
    await session.close();
  });

  it.each([
    ['modelStreamErrorException', 'model_stream_error'],
    ['serviceUnavailableException', 'service_unavailable'],
    ['internalServerException', 'internal_server_error'],
  ] as const)('a %s mid-stream is a recoverable error and the session resumes on a new stream', async (type, code) => {
    emulator = await NovaSonicEmulator.start();
    emulator.script = scriptedReplies({ say: 'Before.' }, { say: 'After.' });
    const { session, log } = await startSession(engineFor(emulator));
    session.sendText('one');
    await log.waitFor('turn.end');
    const next = emulator.nextStream();
    emulator.stream.fail(type, 'The service had a problem.');
    const error = await log.waitFor('error');
    expect([error.error.code, error.recoverable]).toEqual([code, true]);
    expect(error.error.message).toContain('The service had a problem.');
    await next;
    await log.waitFor('session.rotated');
    session.sendText('two');
    await log.waitFor('transcript', (e) => e.role === 'assistant' && e.text === 'After.');
    await session.close();
    expect(emulator.issues).toEqual([]);
  });

  it('Nova Sonic 1 takes no typed text and no endpointing setting', async () => {
    emulator = await NovaSonicEmulator.start();
    const engine = engineFor(emulator, {}, { model: 'amazon.nova-sonic-v1:0' });
    expect(engine.capabilities.textInput).toBe(false);
    const { session } = await startSession(engine);
    expect(() => session.sendText('hi')).toThrow(expect.objectContaining({ code: 'text_input_unsupported' }));
    await session.close();
    expect(emulator.stream.modelId).toBe('amazon.nova-sonic-v1:0');
    expect(emulator.stream.eventsNamed('sessionStart')[0]).not.toHaveProperty('turnDetectionConfiguration');
    expect(() => engineFor(emulator as NovaSonicEmulator, { endpointing_sensitivity: 'HIGH' }, { model: 'amazon.nova-sonic-v1:0' })).toThrow(/endpointing_sensitivity/);
  });

  it('seeds the conversation from start({ history }), replayed as text blocks that begin with USER', async () => {
    emulator = await NovaSonicEmulator.start();
    const { session } = await startSession(engineFor(emulator, {}, { instructions: 'Be kind.' }), {
      history: [
        { role: 'assistant', content: 'Welcome!' },
        { role: 'system', content: 'The user is called Ada.' },
        { role: 'user', content: 'Hello.' },
        { role: 'assistant', content: 'Hi Ada.' },
      ],
    });
    await until(() => (emulator?.streams[0]?.inputEvents.length ?? 0) >= 10, 5000, 'the opening events');
    expect(emulator.stream.systemPrompt).toBe('Be kind.\n\nThe user is called Ada.');
    // The service wants history to start with a USER message: the leading assistant greeting is not replayed.
    expect(emulator.stream.history).toEqual([
      { role: 'USER', text: 'Hello.' },
      { role: 'ASSISTANT', text: 'Hi Ada.' },
    ]);
    expect(session.conversation).toEqual([
      { role: 'assistant', content: 'Welcome!' },
      { role: 'user', content: 'Hello.' },
      { role: 'assistant', content: 'Hi Ada.' },
    ]);
    await session.close();
    expect(emulator.issues).toEqual([]);
  });

  it('declares the tools given to start() (the S2S processor passes its registry there), replacing the engine’s', async () => {
    emulator = await NovaSonicEmulator.start();
    const tool = { name: 'get_time', description: 'The time now.', parameters: { type: 'object' as const, properties: {} } };
    const { session } = await startSession(engineFor(emulator), { tools: [tool] });
    await until(() => (emulator?.streams[0]?.tools.length ?? 0) > 0, 5000, 'the prompt start with its tools');
    expect(emulator.stream.tools).toEqual(['get_time']);
    await session.close();
  });

  it('a local interrupt drops the rest of the audio and keeps only what was heard', async () => {
    emulator = await NovaSonicEmulator.start({ audioChunkIntervalMs: 5 });
    emulator.script = scriptedReplies({ say: 'one two three four five six seven eight nine ten', audioMs: 10_000 });
    const { session, log } = await startSession(engineFor(emulator));
    session.sendText('count');
    const first = await log.waitFor('audio');
    session.interrupt({ playedMs: 2000, utteranceId: first.utteranceId });
    const interrupted = await log.waitFor('interrupted');
    expect(interrupted).toEqual({ type: 'interrupted', playedMs: 2000, utteranceId: first.utteranceId });
    const audioAt = log.events.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(log.events.slice(audioAt).filter((e) => e.type === 'audio')).toEqual([]);
    // The model does not stop by itself here (no barge-in heard): its FINAL text covers all ten words, of which
    // the user heard 2 of 10 seconds, cut back to a word boundary.
    await log.waitFor('turn.end', () => true, { timeoutMs: 10_000 });
    expect(log.ofType('transcript').pop()?.text).toBe('one two three four five six seven eight nine ten');
    expect(session.conversation[1]).toEqual({ role: 'assistant', content: 'one two' });
    await session.close();
  });

  it('updateSession applies instructions and tools from the next stream', async () => {
    emulator = await NovaSonicEmulator.start();
    const { session, log } = await startSession(engineFor(emulator, {}, { instructions: 'Old.' }));
    session.updateSession({ instructions: 'New.', tools: [{ name: 'lookup', parameters: { type: 'object' } }] });
    await until(() => (emulator?.streams[0]?.inputEvents.length ?? 0) >= 5, 5000, 'the first stream');
    const next = emulator.nextStream();
    emulator.stream.reset();
    const fresh = await next;
    await log.waitFor('session.rotated');
    await until(() => fresh.systemPrompt !== undefined, 5000, 'the new system prompt');
    expect(fresh.systemPrompt).toBe('New.');
    expect(fresh.tools).toEqual(['lookup']);
    expect(fresh.eventsNamed('promptStart')[0]).toMatchObject({
      toolConfiguration: { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: '{"type":"object"}' } } }], toolChoice: { auto: {} } },
    });
    await session.close();
  });
});
