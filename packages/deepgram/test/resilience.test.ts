/**
 * Deepgram STT failures against the local emulator: a dropped stream reconnects and replays the unsettled audio (no
 * speech lost), error close frames map to typed errors with the right `recoverable`, bad credentials and bad
 * options give clear messages, and connecting can be aborted.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createDeepgramStt, DeepgramError } from '@voxframe/deepgram';
import { DeepgramEmulator } from '@voxframe/deepgram/testing';
import { buildConversation, describeWithSpeech, type SpeechClip } from '../../processors/test/fixtures/speech';
import { isClosed, isError, isFinal, next, record, sendChunked, until } from './support';

const RATE = 16_000;

describe('Deepgram STT failures without speech', () => {
  let emulator: DeepgramEmulator;
  beforeEach(async () => {
    emulator = await DeepgramEmulator.start({ apiKey: 'dg-right' });
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('a refused key rejects start() with invalid_api_key, fatal, naming the env var', async () => {
    const stt = createDeepgramStt({ apiKey: 'dg-wrong', baseUrl: emulator.url });
    const error = await stt.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeepgramError);
    expect(error).toMatchObject({ code: 'invalid_api_key', recoverable: false, status: 401 });
    expect((error as Error).message).toMatch(/DEEPGRAM_API_KEY/);
    expect((error as Error).message).not.toMatch(/dg-wrong/);
  });

  it('no key at all throws missing_api_key at construction', () => {
    const saved = process.env.DEEPGRAM_API_KEY;
    delete process.env.DEEPGRAM_API_KEY;
    try {
      expect(() => createDeepgramStt({ baseUrl: emulator.url })).toThrow(expect.objectContaining({ code: 'missing_api_key', recoverable: false }));
    } finally {
      if (saved !== undefined) process.env.DEEPGRAM_API_KEY = saved;
    }
  });

  it('an access token goes as Bearer', async () => {
    const session = await createDeepgramStt({ accessToken: 'dg-right', baseUrl: emulator.url }).start();
    expect(emulator.handshakes[0]).toMatchObject({ status: 101, auth: 'bearer' });
    await session.close();
  });

  it('a bad option refused with 400 is a fatal bad_request carrying dg-error', async () => {
    const stt = createDeepgramStt({ apiKey: 'dg-right', baseUrl: emulator.url, query: { encoding: 'wav-ish' } });
    await expect(stt.start()).rejects.toMatchObject({ code: 'bad_request', recoverable: false, message: expect.stringMatching(/Unsupported encoding/) });
  });

  it('DATA-0000 (close 1008) is fatal bad_audio and ends the session', async () => {
    const session = await createDeepgramStt({ apiKey: 'dg-right', baseUrl: emulator.url }).start();
    const events = record(session);
    emulator.current!.closeWith(1008, 'DATA-0000: The payload cannot be decoded as audio.');
    const error = await next(session, events, isError);
    expect(error.recoverable).toBe(false);
    expect(error.error).toMatchObject({ code: 'bad_audio', recoverable: false });
    await next(session, events, isClosed);
    expect(emulator.connections).toHaveLength(1);
  });

  it('NET-0001 idle timeout (close 1011) is recoverable: the session reconnects', async () => {
    const session = await createDeepgramStt({ apiKey: 'dg-right', baseUrl: emulator.url, reconnectBackoffMs: 1 }).start();
    const events = record(session);
    emulator.current!.closeWith(1011, 'NET-0001: no audio received within the timeout window');
    const error = await next(session, events, isError);
    expect(error).toMatchObject({ recoverable: true, error: { code: 'idle_timeout' } });
    await emulator.waitForConnection(2);
    await session.close();
    expect(events.filter(isClosed)).toHaveLength(1);
  });

  it('gives up after maxReconnectAttempts refused reconnects with a fatal reconnect_failed', async () => {
    const session = await createDeepgramStt({ apiKey: 'dg-right', baseUrl: emulator.url, reconnectBackoffMs: 1, maxReconnectAttempts: 2 }).start();
    const events = record(session);
    emulator.refuseNext(5, 503);
    emulator.current!.drop();
    await next(session, events, isClosed);
    const errors = events.filter(isError);
    expect(errors.map((e) => [e.error.code, e.recoverable])).toEqual([
      ['connection_lost', true],
      ['reconnect_failed', false],
    ]);
    expect(emulator.handshakes.filter((h) => h.status === 503)).toHaveLength(2);
  });

  it('start() is aborted by its signal while the handshake hangs', async () => {
    // A TCP server that accepts and never answers the upgrade: no real part can hang a handshake otherwise.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const controller = new AbortController();
    const started = createDeepgramStt({ apiKey: 'k', baseUrl: `ws://127.0.0.1:${port}` }).start({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(started).rejects.toMatchObject({ code: 'aborted', recoverable: false });
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});

describeWithSpeech('Deepgram STT reconnect', () => {
  let emulator: DeepgramEmulator;
  let clip: SpeechClip;
  beforeAll(async () => {
    clip = await buildConversation([{ text: 'Please book a table for two.', silenceAfterMs: 200 }], RATE, { leadSilenceMs: 200 });
  });
  beforeEach(async () => {
    // Every utterance says the same, whichever connection hears it.
    emulator = await DeepgramEmulator.start({ defaultTranscript: 'Please book a table for two.' });
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('replays every unsettled sample to the new connection after a drop mid-utterance', async () => {
    const session = await createDeepgramStt({ apiKey: 'k', baseUrl: emulator.url, endpointingMs: false, reconnectBackoffMs: 1 }).start();
    const events = record(session);
    const half = Math.floor(clip.samples.length / 2 / 320) * 320;
    sendChunked(session, clip.samples.subarray(0, half), RATE);
    await until(() => emulator.current!.audioMs >= (half / RATE) * 1000 - 10);
    emulator.current!.drop();
    await next(session, events, isError);
    // The user keeps talking while the session reconnects.
    sendChunked(session, clip.samples.subarray(half), RATE);
    const second = await emulator.waitForConnection(2);
    session.finalize();
    const final = await next(session, events, isFinal);
    expect(final).toMatchObject({ text: 'Please book a table for two.', fromFinalize: true, startMs: 0 });
    // The new connection got the whole utterance from its first sample, byte for byte.
    const received = concat(second.audio);
    expect(received.length).toBe(clip.samples.length);
    expect(Buffer.from(received.buffer).equals(Buffer.from(clip.samples.buffer, clip.samples.byteOffset, clip.samples.byteLength))).toBe(true);
    await session.close();
  });

  it('after a final, only the audio after it is replayed and timestamps stay on the session timeline', async () => {
    const session = await createDeepgramStt({ apiKey: 'k', baseUrl: emulator.url, endpointingMs: false, reconnectBackoffMs: 1 }).start();
    const events = record(session);
    sendChunked(session, clip.samples, RATE);
    session.finalize();
    const first = await next(session, events, isFinal);
    // Settled up to the first final's end (whole 10 ms frames), which is where the replay starts.
    const settledMs = first.endMs!;
    const settledSamples = Math.round((settledMs / 1000) * RATE);
    emulator.current!.drop();
    await next(session, events, isError);
    const second = await emulator.waitForConnection(2);
    sendChunked(session, clip.samples, RATE);
    await until(() => second.audioMs >= (clip.samples.length / RATE) * 1000 - 10);
    session.finalize();
    await until(() => events.filter(isFinal).length === 2);
    const final = events.filter(isFinal)[1]!;
    expect(final.text).toBe('Please book a table for two.');
    expect(final.startMs).toBeCloseTo(settledMs, 6);
    // Replayed: the unsettled tail of the first utterance, then the new audio.
    const received = concat(second.audio);
    expect(received.length).toBe(clip.samples.length - settledSamples + clip.samples.length);
    expect(Array.from(received.subarray(0, clip.samples.length - settledSamples))).toEqual(Array.from(clip.samples.subarray(settledSamples)));
    await session.close();
  });
});

function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
