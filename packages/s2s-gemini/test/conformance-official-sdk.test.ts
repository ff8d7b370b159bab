/**
 * Conformance of the emulator with the official client: `@google/genai` 2.32.0 (the newest release that runs on
 * Node 20; 3.x needs Node 22), pointed at the emulator through `httpOptions.baseUrl`, completes a session with
 * audio, a tool call, a barge-in and a resumption. The emulator checks every message the SDK sends against the
 * SDK's own `LiveClientMessage` schema, and serves them in binary frames as the service does.
 */
import { GoogleGenAI, Modality, type LiveServerMessage, type Session } from '@google/genai';
import { concatSamples, frames, scriptedReplies, silence, speechLike, type GeminiLiveEmulator } from '@voxframe/s2s-gemini/testing';
import { TEST_KEY, startEmulator, until } from './support/harness';

describe('the official @google/genai live client against the emulator', () => {
  let emulator: GeminiLiveEmulator;
  let session: Session | undefined;

  beforeEach(async () => {
    emulator = await startEmulator({ transcribe: () => 'What is the weather?', chunkIntervalMs: 15 });
  });

  afterEach(async () => {
    session?.close();
    session = undefined;
    await emulator.close();
  });

  async function connect(messages: LiveServerMessage[], closes: number[], handle?: string): Promise<Session> {
    const ai = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: emulator.baseUrl, apiVersion: 'v1beta' } });
    return ai.live.connect({
      model: 'gemini-3.8-live',
      config: {
        responseModalities: [Modality.AUDIO],
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
        systemInstruction: 'Be brief.',
        tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } }] }],
        inputAudioTranscription: {},
        outputAudioTranscription: {},
        sessionResumption: handle === undefined ? {} : { handle },
        contextWindowCompression: { slidingWindow: {} },
      },
      callbacks: {
        onmessage: (message) => messages.push(message),
        onclose: (event) => closes.push(event.code),
      },
    });
  }

  function speak(target: Session, ms: number): void {
    for (const chunk of frames(concatSamples(speechLike(ms), silence(700)))) {
      target.sendRealtimeInput({ audio: { data: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64'), mimeType: 'audio/pcm;rate=16000' } });
    }
  }

  it('completes a session with audio, a tool call, a barge-in and a resumption', async () => {
    emulator.script = scriptedReplies(
      { toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] },
      (ctx) => ({ say: `It is ${JSON.stringify(ctx.toolResponses[0]?.response)} in Paris.`, audioMs: 400 }),
      { say: 'A very long story that the user will interrupt.', audioMs: 5000 },
      { say: 'Welcome back.' },
    );
    const messages: LiveServerMessage[] = [];
    const closes: number[] = [];
    session = await connect(messages, closes);
    await until(() => messages.some((m) => m.setupComplete !== undefined), 5000, 'setupComplete');
    // The SDK asks for the path with a double slash; the emulator normalises it.
    expect(emulator.connection.setup).toMatchObject({ model: 'models/gemini-3.8-live', generationConfig: { responseModalities: ['AUDIO'] } });

    // Audio in -> transcription, a tool call, the response, then audio out.
    speak(session, 500);
    await until(() => messages.some((m) => m.toolCall !== undefined), 5000, 'the tool call');
    const call = messages.find((m) => m.toolCall !== undefined)?.toolCall?.functionCalls?.[0];
    expect(call).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
    expect(messages.find((m) => m.serverContent?.inputTranscription)?.serverContent?.inputTranscription?.text).toBe('What is the weather?');
    session.sendToolResponse({ functionResponses: [{ id: call?.id, name: 'get_weather', response: { output: { tempC: 21 } } }] });
    await until(() => messages.some((m) => m.serverContent?.turnComplete === true), 5000, 'the spoken answer');
    const audio = messages.flatMap((m) => m.serverContent?.modelTurn?.parts ?? []).filter((p) => p.inlineData !== undefined);
    expect(audio[0].inlineData?.mimeType).toBe('audio/pcm;rate=24000');
    expect(audio.reduce((n, p) => n + Buffer.from(p.inlineData?.data ?? '', 'base64').length / 2, 0)).toBe(24000 * 0.4);
    expect(messages.some((m) => m.usageMetadata?.totalTokenCount !== undefined)).toBe(true);

    // A long answer, interrupted by the user's speech.
    session.sendRealtimeInput({ text: 'Tell me a story' });
    await until(() => messages.filter((m) => m.serverContent?.modelTurn !== undefined).length > audio.length + 3, 5000, 'the story');
    speak(session, 300);
    await until(() => messages.some((m) => m.serverContent?.interrupted === true), 5000, 'interrupted');

    // Resumption: a new connection with the latest handle continues the same emulated session.
    const handle = messages.filter((m) => m.sessionResumptionUpdate?.resumable === true).pop()?.sessionResumptionUpdate?.newHandle;
    expect(handle).toMatch(/^handle-/);
    session.close();
    await until(() => closes.length === 1, 3000, 'the close');
    const resumed: LiveServerMessage[] = [];
    session = await connect(resumed, [], handle);
    await until(() => resumed.some((m) => m.setupComplete !== undefined), 5000, 'setupComplete on resume');
    expect(emulator.sessions).toHaveLength(1);
    session.sendRealtimeInput({ text: 'I am back' });
    await until(() => resumed.some((m) => m.serverContent?.turnComplete === true), 5000, 'the answer after resuming');
    expect(emulator.session.history.map((t) => t.text)).toContain('I am back');
    expect(emulator.issues).toEqual([]);
  });

  it('reports a bad key as close 1007 and an unknown model as close 1008, as the service does', async () => {
    // The SDK's connect() waits for setupComplete, which a refused setup never sends: watch its close callback.
    const closes: { code: number; reason: string }[] = [];
    const onclose = (e: { code: number; reason: string }): void => void closes.push({ code: e.code, reason: e.reason });
    const ai = new GoogleGenAI({ apiKey: 'wrong', httpOptions: { baseUrl: emulator.baseUrl, apiVersion: 'v1beta' } });
    void ai.live.connect({ model: 'gemini-3.8-live', config: { responseModalities: [Modality.AUDIO] }, callbacks: { onmessage: () => undefined, onclose } });
    await until(() => closes.length === 1, 3000, 'the close');
    expect(closes[0]).toEqual({ code: 1007, reason: 'API key not valid. Please pass a valid API key.' });
    const good = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: emulator.baseUrl, apiVersion: 'v1beta' } });
    void good.live.connect({ model: 'gemini-0-nope', config: {}, callbacks: { onmessage: () => undefined, onclose } });
    await until(() => closes.length === 2, 3000, 'the second close');
    expect(closes[1].code).toBe(1008);
    expect(closes[1].reason).toMatch(/models\/gemini-0-nope is not found/);
  });
});
