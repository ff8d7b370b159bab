import { concatSamples, scriptedReplies, silence, speechLike, type RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { DEFAULT_OPENAI_REALTIME_MODEL } from '@voxframe/s2s-openai';
import { engineFor, sendFrames, startEmulator, startSession, TEST_KEY } from './support/harness';

describe('openai_realtime session lifecycle against the emulator', () => {
  let emulator: RealtimeEmulator;

  beforeEach(async () => {
    emulator = await startEmulator({ apiKey: TEST_KEY, transcribe: () => 'what is the weather' });
  });

  afterEach(async () => {
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  it('connects with the key, configures the GA session, and closes cleanly', async () => {
    const { session, log } = await startSession(engineFor(emulator, {}, { instructions: 'Be brief.' }));
    const server = emulator.session;
    expect(emulator.handshakes[0]).toMatchObject({ status: 101, beta: false, model: DEFAULT_OPENAI_REALTIME_MODEL });
    const update = server.eventsOfType('session.update')[0] as { session: Record<string, unknown> };
    expect(update.session).toMatchObject({
      type: 'realtime',
      output_modalities: ['audio'],
      instructions: 'Be brief.',
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: { model: 'gpt-4o-mini-transcribe' }, turn_detection: { type: 'server_vad' } },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy' },
      },
    });
    expect(server.config.audio.output.voice).toBe('alloy');
    expect(session.audioFormat).toEqual({ inputSampleRate: 24000, outputSampleRate: 24000 });
    await session.close();
    await expect(server.closed).resolves.toMatchObject({ code: 1000 });
    expect(log.events[log.events.length - 1]).toEqual({ type: 'closed', reason: 'closed by client' });
    await session.close(); // twice is safe
  });

  it('answers a server-VAD spoken turn with 24 kHz audio, transcripts, usage and a turn end', async () => {
    emulator.script = scriptedReplies({ say: 'It is sunny today.', audioMs: 900 });
    const { session, log } = await startSession(engineFor(emulator));
    await sendFrames(session, concatSamples(silence(200), speechLike(600), silence(700)));
    const end = await log.waitFor('turn.end');
    expect(end.status).toBe('completed');
    const started = log.ofType('speech.started')[0];
    expect(started.audioStartMs).toBeGreaterThanOrEqual(0);
    expect(started.audioStartMs).toBeLessThan(200);
    expect(log.ofType('speech.stopped')).toHaveLength(1);
    const audio = log.ofType('audio');
    expect(audio.length).toBeGreaterThan(0);
    expect(audio.every((a) => a.sampleRate === 24000 && a.utteranceId === audio[0].utteranceId)).toBe(true);
    expect(audio.reduce((n, a) => n + a.samples.length, 0)).toBe(24000 * 0.9);
    const userFinal = log.ofType('transcript').find((t) => t.role === 'user' && t.final);
    expect(userFinal?.text).toBe('what is the weather');
    const assistant = log.ofType('transcript').filter((t) => t.role === 'assistant');
    expect(assistant[assistant.length - 1]).toMatchObject({ final: true, text: 'It is sunny today.' });
    // Partial transcripts are deltas; together they make the final one.
    expect(assistant.filter((t) => !t.final).map((t) => t.text).join('')).toBe('It is sunny today.');
    expect(log.ofType('transcript').filter((t) => t.role === 'user' && !t.final).map((t) => t.text)).toEqual(['what ', 'is ', 'the ', 'weather']);
    const usage = log.ofType('usage')[0];
    expect(usage.usage.outputAudioTokens).toBe(18); // 900 ms at one token per 50 ms
    expect(usage.usage.outputAudioMs).toBe(900);
    expect(usage.model).toBe(DEFAULT_OPENAI_REALTIME_MODEL);
    // Order: the response starts after the user stopped speaking and ends after its audio.
    const types = log.events.map((e) => e.type);
    expect(types.indexOf('speech.stopped')).toBeLessThan(types.indexOf('response.started'));
    expect(types.lastIndexOf('audio')).toBeLessThan(types.indexOf('turn.end'));
    await session.close();
  });

  it('sends text input as a user item and gets a response', async () => {
    emulator.script = (ctx) => ({ say: `You said: ${ctx.lastUserItem?.text ?? ''}` });
    const { session, log } = await startSession(engineFor(emulator));
    session.sendText('hello there');
    await log.waitFor('turn.end');
    expect(emulator.session.items[0]).toMatchObject({ role: 'user', text: 'hello there' });
    expect(log.ofType('transcript').find((t) => t.final)?.text).toBe('You said: hello there');
    session.sendText('note this', { role: 'system', respond: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emulator.session.responses).toHaveLength(1);
    expect(emulator.session.items.find((i) => i.role === 'system')?.text).toBe('note this');
    await session.close();
  });

  it('completes the event stream and the async iterator on close', async () => {
    const { session } = await startSession(engineFor(emulator));
    const seen: string[] = [];
    const iterate = (async () => {
      for await (const event of session) seen.push(event.type);
    })();
    await session.close();
    await iterate;
    expect(seen).toEqual(['closed']);
  });
});
