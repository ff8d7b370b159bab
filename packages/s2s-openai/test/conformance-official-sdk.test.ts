/**
 * Conformance of the emulator with the official client: the `openai` package (6.49.0, the version that runs on
 * Node 20) connects to the emulator over wss (it always rewrites the URL to wss:, protocol note §1.1) and completes a
 * session with audio, a tool call and an interruption. Every event the SDK sends is checked by the emulator against
 * the SDK's own schemas, and every event it receives is typed for it.
 */
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import {
  concatSamples,
  createSelfSignedCertificate,
  scriptedReplies,
  silence,
  speechLike,
  type RealtimeEmulator,
  type SelfSignedCertificate,
} from '@voxframe/s2s-openai/testing';
import { startEmulator } from './support/harness';

type Event = { type: string; [key: string]: unknown };

describe('the official openai SDK against the emulator', () => {
  let emulator: RealtimeEmulator;
  let certificate: SelfSignedCertificate;

  beforeAll(async () => {
    certificate = await createSelfSignedCertificate();
  });

  beforeEach(async () => {
    emulator = await startEmulator({ tls: certificate, apiKey: 'sk-sdk-test', deltaIntervalMs: 15 });
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('completes a session with audio, a tool call and an interruption', async () => {
    emulator.script = scriptedReplies(
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
      (ctx) => ({ say: `It is ${ctx.toolOutputs[0]?.output ?? '?'} in Paris, and here is a long explanation of why.`, audioMs: 3000 }),
    );
    const client = new OpenAI({ apiKey: 'sk-sdk-test', baseURL: emulator.httpBaseUrl });
    const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime-2.1', options: { ca: certificate.cert } }, client);
    expect(rt.url.protocol).toBe('wss:');
    const events: Event[] = [];
    const errors: unknown[] = [];
    rt.on('error', (error) => errors.push(error));
    const seen = (type: string, from = 0): Promise<Event> =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`no ${type}; got ${events.map((e) => e.type).join(', ')}`)), 8000);
        const check = (): void => {
          const found = events.slice(from).find((e) => e.type === type);
          if (found) {
            clearTimeout(deadline);
            resolve(found);
          } else setTimeout(check, 10);
        };
        check();
      });
    const append = (samples: Int16Array): void => {
      for (let i = 0; i < samples.length; i += 2400) {
        const chunk = samples.subarray(i, Math.min(samples.length, i + 2400));
        rt.send({ type: 'input_audio_buffer.append', audio: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64') });
      }
    };
    rt.on('event', (event) => events.push(event as unknown as Event));

    await seen('session.created');
    rt.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        output_modalities: ['audio'],
        instructions: 'You are a weather bot.',
        audio: {
          input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad', silence_duration_ms: 300 } },
          output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' },
        },
        tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      },
    });
    await seen('session.updated');

    // A spoken turn: server VAD commits it and the scripted model calls the tool.
    append(concatSamples(silence(100), speechLike(500), silence(600)));
    const call = await seen('response.function_call_arguments.done');
    expect(JSON.parse(String(call.arguments))).toEqual({ city: 'Paris' });
    await seen('response.done');
    rt.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: String(call.call_id), output: '"21C"' } });
    const secondFrom = events.length;
    rt.send({ type: 'response.create' });
    const firstAudio = await seen('response.output_audio.delta', secondFrom);

    // Barge-in: the user speaks over the answer; the service cancels it, the client truncates what was played.
    const bargeFrom = events.length;
    append(speechLike(300));
    await seen('input_audio_buffer.speech_started', bargeFrom);
    // Truncate within what was surely generated (the first delta), as a client does with its playback clock: a cut
    // past the generated audio is an error, by the service and the emulator alike.
    const firstDeltaMs = Math.floor(Buffer.from(String(firstAudio.delta), 'base64').length / 2 / 24);
    const cutMs = Math.min(150, firstDeltaMs);
    expect(cutMs).toBeGreaterThan(0);
    rt.send({ type: 'conversation.item.truncate', item_id: String(firstAudio.item_id), content_index: 0, audio_end_ms: cutMs });
    const truncated = await seen('conversation.item.truncated', bargeFrom);
    const done = (await seen('response.done', secondFrom)) as { response?: { status?: string; status_details?: { reason?: string } } };
    rt.close();

    expect(truncated).toMatchObject({ item_id: firstAudio.item_id, audio_end_ms: cutMs });
    expect(done.response).toMatchObject({ status: 'cancelled', status_details: { reason: 'turn_detected' } });
    expect(errors).toEqual([]);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(emulator.issues).toEqual([]); // every event the SDK sent matched its own GA schemas
    expect(emulator.handshakes[0]).toMatchObject({ status: 101, model: 'gpt-realtime-2.1', beta: false });
    expect(emulator.session.truncations).toEqual([{ itemId: firstAudio.item_id, audioEndMs: cutMs }]);
  });

  it('is refused with a wrong key (HTTP 401 before the upgrade)', async () => {
    const client = new OpenAI({ apiKey: 'sk-wrong', baseURL: emulator.httpBaseUrl });
    const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime-2.1', options: { ca: certificate.cert } }, client);
    const error = await new Promise<Error>((resolve) => rt.on('error', (e) => resolve(e as Error)));
    expect(error.message).toMatch(/401/);
    expect(emulator.handshakes[0].status).toBe(401);
  });
});
