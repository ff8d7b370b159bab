/**
 * `@elevenlabs/elevenlabs-js` (2.x) has no client for the TTS WebSocket (it covers the HTTP endpoints and realtime
 * STT), so the official SDK cannot drive the emulator. Instead, every message our service sends and every message
 * the emulator sends is validated with the SDK's own published wire schemas (`serialization`
 * `WebsocketTtsClientMessageMulti` / `WebsocketTtsServerMessageMulti`, strict: unknown keys fail), in a child process
 * (see `sdk-schemas.ts`).
 *
 * One known divergence, renamed before validation and named here on purpose: the SDK's schema spells the client's
 * context field `contextId`, while the API reference, the multi-context guide and every client in use send
 * `context_id` (the service answers with `contextId`). The emulator runs with `finalKey: 'is_final'`, the SDK's
 * spelling, so server messages validate without any renaming.
 */
import { createElevenLabsTts } from '@voxframe/elevenlabs';
import { ElevenLabsEmulator } from '@voxframe/elevenlabs/testing';
import { next, record } from './support';
import { validateWithSdkSchemas } from './sdk-schemas';

/** The one documented divergence: the SDK schema names the client's context field `contextId`. */
function asSdkSpells(message: Record<string, unknown>): Record<string, unknown> {
  const { context_id: contextId, ...rest } = message;
  return contextId === undefined ? rest : { ...rest, contextId };
}

describe('ElevenLabs wire messages against the SDK published schemas', () => {
  let emulator: ElevenLabsEmulator;
  beforeEach(async () => {
    emulator = await ElevenLabsEmulator.start({ finalKey: 'is_final', chunkMs: 100 });
  });
  afterEach(async () => {
    await emulator.close();
  });


  it('every client message (open with settings, text, flush, close_context, cancel, close_socket) and every server message validate', async () => {
    const tts = createElevenLabsTts({
      apiKey: 'k',
      baseUrl: emulator.url,
      voiceSettings: { stability: 0.5, similarityBoost: 0.7, style: 0.1, useSpeakerBoost: true, speed: 1.1 },
      chunkLengthSchedule: [50, 120],
    });
    const stream = await tts.connect();
    const events = record(stream);
    stream.sendText('a', 'Hello there.');
    stream.sendText('a', 'Second sentence');
    stream.flush('a');
    stream.sendText('b', 'Interrupted reply.');
    stream.cancel('b');
    await next(stream, events, (e) => e.type === 'done' && e.contextId === 'a');
    await stream.close();
    const received = emulator.current!.received;
    expect(received.length).toBeGreaterThanOrEqual(7);
    const sent = emulator.current!.sent;
    expect(sent.some((m) => typeof m.audio === 'string')).toBe(true);
    expect(sent.some((m) => m.is_final === true)).toBe(true);
    // Three wrong messages first, proving the check can fail: an unknown key, a wrong type, the guide's spelling.
    const wrongClient = [{ text: 'x', contextId: 'a', closeContext: true }, { text: 5 }];
    const wrongServer = [{ audio: 'AA', isFinal: true }];
    const issues = validateWithSdkSchemas([...wrongClient, ...received.map(asSdkSpells)], [...wrongServer, ...sent]);
    expect(issues.client.slice(0, 2).every((list) => list.length > 0)).toBe(true);
    expect(issues.server[0]!.length).toBeGreaterThan(0);
    expect(issues.client.slice(2).flat()).toEqual([]);
    expect(issues.server.slice(1).flat()).toEqual([]);
  });
});
