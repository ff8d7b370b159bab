/**
 * The emulator speaks Deepgram's protocol as the official `@deepgram/sdk` (v5) client expects: the SDK's own
 * listen v1 socket connects with its Token header, streams real speech, receives typed `SpeechStarted`, interim and
 * final `Results`, answers `Finalize` with `from_finalize`, and `CloseStream` with `Metadata` and a clean close.
 */
import { DeepgramClient } from '@deepgram/sdk';
import { DeepgramEmulator } from '@voxframe/deepgram/testing';
import { buildConversation, describeWithSpeech, type SpeechClip } from '../../processors/test/fixtures/speech';
import { until } from './support';

const RATE = 16_000;

describeWithSpeech('official @deepgram/sdk against the emulator', () => {
  let emulator: DeepgramEmulator;
  let clip: SpeechClip;
  beforeAll(async () => {
    clip = await buildConversation([{ text: 'What is the weather like?', silenceAfterMs: 100 }], RATE, { leadSilenceMs: 200 });
  });
  beforeEach(async () => {
    emulator = await DeepgramEmulator.start({ apiKey: 'sdk-key', transcripts: ['What is the weather like?'] });
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('streams, finalizes and closes through the SDK socket', async () => {
    const client = new DeepgramClient({ apiKey: 'sdk-key', baseUrl: emulator.url });
    const socket = await client.listen.v1.connect({
      model: 'nova-3',
      encoding: 'linear16',
      sample_rate: RATE,
      interim_results: 'true',
      vad_events: 'true',
      endpointing: 'false',
      reconnectAttempts: 0,
    });
    const messages: { type: string; is_final?: boolean; from_finalize?: boolean; channel?: { alternatives: { transcript: string }[] } }[] = [];
    const closed = new Promise<number>((resolve) => socket.on('close', (event) => resolve(event.code)));
    socket.on('message', (message) => messages.push(message as (typeof messages)[number]));
    socket.connect();
    await socket.waitForOpen();
    expect(emulator.handshakes[0]).toMatchObject({ status: 101, auth: 'token' });
    for (let at = 0; at < clip.samples.length; at += 320) socket.sendMedia(clip.samples.slice(at, at + 320));
    await until(() => emulator.current!.audioMs >= (clip.samples.length / RATE) * 1000 - 10);
    socket.sendFinalize({ type: 'Finalize' });
    await until(() => messages.some((m) => m.from_finalize === true));
    socket.sendCloseStream({ type: 'CloseStream' });
    expect(await closed).toBe(1000);
    const types = messages.map((m) => m.type);
    expect(types[0]).toBe('SpeechStarted');
    expect(types).toContain('Results');
    expect(types.at(-1)).toBe('Metadata');
    const final = messages.find((m) => m.is_final === true)!;
    expect(final).toMatchObject({ from_finalize: true, channel: { alternatives: [{ transcript: 'What is the weather like?' }] } });
    expect(messages.some((m) => m.type === 'Results' && m.is_final === false)).toBe(true);
    expect(emulator.current!.controls.map((c) => c.type)).toEqual(['Finalize', 'CloseStream']);
    expect(emulator.current!.issues).toEqual([]);
  });
});
