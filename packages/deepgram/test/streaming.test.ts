/**
 * Deepgram STT against the local emulator with real espeak-ng speech: interim and final transcripts on the session
 * timeline, Deepgram's endpointing, finalize() on our VAD's end of turn, keepalive, and closing.
 */
import { createDeepgramStt, type DeepgramStt } from '@voxframe/deepgram';
import { DeepgramEmulator } from '@voxframe/deepgram/testing';
import { buildConversation, describeWithSpeech, type SpeechClip } from '../../processors/test/fixtures/speech';
import { isClosed, isFinal, isInterim, next, record, sendChunked, until } from './support';

const RATE = 16_000;

describeWithSpeech('Deepgram STT streaming', () => {
  let emulator: DeepgramEmulator;
  let clip: SpeechClip;

  beforeAll(async () => {
    clip = await buildConversation([{ text: 'Hello there, how are you today?', silenceAfterMs: 800 }], RATE, { leadSilenceMs: 300 });
  });
  beforeEach(async () => {
    emulator = await DeepgramEmulator.start({ apiKey: 'dg-test', transcripts: ['Hello there, how are you today?'] });
  });
  afterEach(async () => {
    await emulator.close();
  });

  const service = (extra: Parameters<typeof createDeepgramStt>[0] = {}): DeepgramStt =>
    createDeepgramStt({ apiKey: 'dg-test', baseUrl: emulator.url, ...extra });

  it('streams interim results, then a final one on the session timeline, ended by Deepgram endpointing', async () => {
    const stt = service();
    expect(stt.capabilities).toEqual({ interim: true, segmented: false, endpointing: true });
    const session = await stt.start();
    const events = record(session);
    sendChunked(session, clip.samples, RATE);
    const final = await next(session, events, isFinal);
    expect(final.text).toBe('Hello there, how are you today?');
    expect(final.fromFinalize).toBeUndefined();
    expect(final.language).toBe('en');
    const span = clip.spans[0]!;
    expect(final.startMs).toBe(0);
    expect(final.endMs!).toBeGreaterThan(span.endMs);
    const interims = events.filter(isInterim);
    expect(interims.length).toBeGreaterThan(1);
    expect(final.text.startsWith(interims[0]!.text)).toBe(true);
    const started = events.find((e) => e.type === 'speech.started');
    expect(started && started.type === 'speech.started' && Math.abs(started.atMs! - span.startMs)).toBeLessThan(60);
    expect(events.some((e) => e.type === 'utterance.end')).toBe(true);
    // The query carries the options; the handshake used the Token scheme.
    expect(emulator.handshakes[0]).toMatchObject({ status: 101, auth: 'token' });
    expect(emulator.current!.params).toMatchObject({ sampleRate: RATE, interimResults: true, endpointingMs: 300, vadEvents: true, model: 'nova-3' });
    await session.close();
    expect(events.at(-1)).toEqual({ type: 'closed', reason: 'closed by the client' });
    expect(emulator.current!.controls.map((c) => c.type)).toEqual(['CloseStream']);
  });

  it('finalize() on the local VAD end of turn sends Finalize and yields a from_finalize final', async () => {
    const session = await service({ endpointingMs: false, interimResults: false }).start();
    const events = record(session);
    // Only the speech, none of the trailing silence: Deepgram's endpointing is off, our VAD decides.
    sendChunked(session, clip.samples.subarray(0, Math.round((clip.spans[0]!.endMs / 1000) * RATE) + 1600), RATE);
    await until(() => emulator.current!.audioMs > clip.spans[0]!.endMs);
    expect(events.filter((e) => e.type === 'transcript')).toEqual([]);
    session.finalize();
    const final = await next(session, events, isFinal);
    expect(final).toMatchObject({ text: 'Hello there, how are you today?', final: true, fromFinalize: true });
    expect(emulator.current!.controls.map((c) => c.type)).toEqual(['Finalize']);
    await session.close();
  });

  it('answers finalize() itself when Deepgram has nothing buffered, so the turn never waits forever', async () => {
    const session = await service({ finalizeTimeoutMs: 30 }).start();
    const events = record(session);
    session.finalize();
    const final = await next(session, events, isFinal);
    expect(final).toEqual({ type: 'transcript', text: '', final: true, fromFinalize: true });
    await session.close();
  });

  it('sends KeepAlive as a text frame while no audio flows', async () => {
    const session = await service({ keepAliveIntervalMs: 20 }).start();
    await until(() => emulator.current!.controls.filter((c) => c.type === 'KeepAlive').length >= 2);
    session.keepAlive();
    expect(emulator.current!.issues).toEqual([]);
    await session.close();
  });

  it('close() is safe to call twice and completes the events', async () => {
    const session = await service().start();
    const events = record(session);
    await Promise.all([session.close(), session.close()]);
    expect(events.filter(isClosed)).toHaveLength(1);
    session.sendAudio(new Int16Array(320)); // ignored after close
  });
});
