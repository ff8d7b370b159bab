import { createWsSocketFactory } from '@voxframe/s2s-openai';
import { decodeG711 } from '../src/g711';
import {
  concatSamples,
  createSelfSignedCertificate,
  scriptedReplies,
  silence,
  speechLike,
  type RealtimeEmulator,
} from '@voxframe/s2s-openai/testing';
import { engineFor, sendFrames, startEmulator, startSession, until } from './support/harness';

describe('transports (wss, Azure) and G.711 audio', () => {
  let emulator: RealtimeEmulator;

  afterEach(async () => {
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  it('connects over wss through an injected socket factory that trusts a test certificate', async () => {
    const certificate = await createSelfSignedCertificate();
    emulator = await startEmulator({ tls: certificate });
    expect(emulator.baseUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/v1$/);
    const { session, log } = await startSession(engineFor(emulator, { socket_factory: createWsSocketFactory({ ca: certificate.cert }) }));
    session.sendText('hi');
    expect((await log.waitFor('turn.end')).status).toBe('completed');
    await session.close();
  });

  it('sends the key as Azure api-key on Azure-style endpoints', async () => {
    emulator = await startEmulator({ apiKey: 'azure-key' });
    const base = emulator.baseUrl.replace('/v1', '/openai/v1');
    const { session } = await startSession(engineFor(emulator, { api_key: 'azure-key', base_url: base, azure: true }, { model: 'my-deployment' }));
    expect(emulator.handshakes[0]).toMatchObject({ status: 101, auth: 'api-key', model: 'my-deployment', path: '/openai/v1/realtime' });
    await session.close();
  });

  it('speaks G.711 μ-law at 8 kHz both ways; encoded payloads pass through untouched', async () => {
    emulator = await startEmulator();
    emulator.script = scriptedReplies({ say: 'Telephone voice.', audioMs: 600 });
    const { session, log } = await startSession(engineFor(emulator, { audio_format: 'g711_ulaw' }));
    expect(session.audioFormat).toEqual({ inputSampleRate: 8000, outputSampleRate: 8000 });
    expect(emulator.session.eventsOfType('session.update')[0]).toMatchObject({
      session: { audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: { type: 'audio/pcmu' } } } },
    });
    await sendFrames(session, concatSamples(silence(100, 8000), speechLike(500, 8000), silence(700, 8000)), 8000);
    await log.waitFor('turn.end');
    expect(log.ofType('speech.started')).toHaveLength(1);
    const audio = log.ofType('audio');
    expect(audio.every((a) => a.sampleRate === 8000)).toBe(true);
    expect(audio.reduce((n, a) => n + a.samples.length, 0)).toBe(8000 * 0.6);
    // A Twilio media payload (base64 μ-law) goes to the service as it is.
    const bytes = Uint8Array.from({ length: 160 }, (_, i) => (i * 37) & 0xff);
    const payload = Buffer.from(bytes).toString('base64');
    const before = emulator.session.inputAudio().length;
    session.sendEncodedAudio(payload);
    await until(() => emulator.session.inputAudio().length === before + 160, 2000, 'encoded audio');
    const appends = emulator.session.received.filter((r) => r.type === 'input_audio_buffer.append');
    expect(appends[appends.length - 1].event.audio).toBe(`<${payload.length} base64 chars>`);
    expect(Array.from(emulator.session.inputAudio().subarray(before))).toEqual(Array.from(decodeG711('mulaw', bytes)));
    await session.close();
  });

  it('replays the pre-roll of pass-through payloads to the session that replaces a dropped one', async () => {
    emulator = await startEmulator();
    const { session, log } = await startSession(engineFor(emulator, { audio_format: 'g711_ulaw', pre_roll_ms: 100 }));
    const payloads = Array.from({ length: 10 }, (_, k) => Uint8Array.from({ length: 160 }, (_, i) => (k * 16 + i) & 0x7f));
    for (const bytes of payloads) session.sendEncodedAudio(Buffer.from(bytes).toString('base64'));
    await until(() => emulator.session.inputAudio().length === 1600, 2000, 'payloads');
    const next = emulator.nextSession();
    emulator.dropAll();
    const fresh = await next;
    await log.waitFor('session.rotated');
    // The last 100 ms (five 20 ms payloads) reach the fresh session, decoded from the kept payloads and re-encoded.
    await until(() => fresh.inputAudio().length === 800, 2000, 'pre-roll');
    const expected = payloads.slice(5).flatMap((bytes) => Array.from(decodeG711('mulaw', bytes)));
    expect(Array.from(fresh.inputAudio())).toEqual(expected);
    await session.close();
  });

  it('sends a GA-valid session.update for every knob combination (checked against the SDK schema)', async () => {
    emulator = await startEmulator();
    const variants: Record<string, unknown>[] = [
      { turn_detection: 'semantic_vad', vad_eagerness: 'high', interrupt_response: false },
      { turn_detection: 'none', input_transcription_model: 'none' },
      { audio_format: 'g711_alaw', noise_reduction: 'far_field', speed: 1.2 },
      { output_modalities: 'text', max_output_tokens: 512, input_transcription_language: 'fr', input_transcription_prompt: 'cuisine' },
      { tool_choice: 'required', safety_identifier: 'user-123' },
    ];
    for (const extra of variants) {
      const { session } = await startSession(engineFor(emulator, extra, { voice: 'voice_custom1', tools: [{ name: 't', parameters: { type: 'object' } }] }));
      await session.close();
    }
    expect(emulator.sessions).toHaveLength(variants.length);
    expect(emulator.sessions.map((s) => s.errors)).toEqual(variants.map(() => []));
    expect(emulator.sessions[0].config.audio.input.turn_detection).toMatchObject({ type: 'semantic_vad', eagerness: 'high', interrupt_response: false });
    expect(emulator.sessions[3].config.output_modalities).toEqual(['text']);
    expect(emulator.sessions[0].config.audio.output.voice).toEqual({ id: 'voice_custom1' });
  });

  it('answers in text when output_modalities is text', async () => {
    emulator = await startEmulator();
    emulator.script = scriptedReplies({ say: 'Plain text answer.' });
    const { session, log } = await startSession(engineFor(emulator, { output_modalities: 'text' }));
    session.sendText('hi');
    await log.waitFor('turn.end');
    expect(log.ofType('text').map((t) => t.text).join('')).toBe('Plain text answer.');
    expect(log.ofType('audio')).toEqual([]);
    await session.close();
  });
});
