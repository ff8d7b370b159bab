/**
 * ElevenLabs streaming-input TTS against the local emulator: text streamed into one context per utterance over one
 * connection, PCM16 at the true rate, character alignment turned into word timings on the utterance's audio
 * timeline, flush ending a context with `done`, cancel dropping a context's audio at once, and `synthesize()`.
 */
import { createElevenLabsTts, type ElevenLabsTts } from '@voxframe/elevenlabs';
import { ElevenLabsEmulator } from '@voxframe/elevenlabs/testing';
import type { TtsChunk, WordTiming } from '@voxframe/core';
import { next, record, samplesOf, until } from './support';

describe('ElevenLabs streaming TTS', () => {
  let emulator: ElevenLabsEmulator;
  beforeEach(async () => {
    emulator = await ElevenLabsEmulator.start({ apiKey: 'el-test', msPerChar: 50, chunkMs: 200 });
  });
  afterEach(async () => {
    await emulator.close();
  });
  const tts = (extra: Parameters<typeof createElevenLabsTts>[0] = {}): ElevenLabsTts =>
    createElevenLabsTts({ apiKey: 'el-test', baseUrl: emulator.url, ...extra });

  it('streams sentences into one context, audio at its true rate, word timings, done on flush', async () => {
    const stream = await tts({ voiceSettings: { stability: 0.4, similarityBoost: 0.8 } }).connect();
    const events = record(stream);
    stream.sendText('u1', 'Hello there.');
    stream.sendText('u1', 'How are you?');
    stream.flush('u1');
    await next(stream, events, (e) => e.type === 'done');
    const audio = events.filter((e) => e.type === 'audio');
    expect(audio.every((e) => e.type === 'audio' && e.sampleRate === 24_000 && e.contextId === 'u1')).toBe(true);
    // 'Hello there. ' + 'How are you? ' = 26 characters at 50 ms each.
    expect(samplesOf(events, 'u1')).toBe(26 * 50 * 24);
    const words = events.flatMap((e) => (e.type === 'timings' ? e.words : []));
    expect(words).toEqual<WordTiming[]>([
      { text: 'Hello', startMs: 0, endMs: 250 },
      { text: 'there.', startMs: 300, endMs: 600 },
      { text: 'How', startMs: 650, endMs: 800 },
      { text: 'are', startMs: 850, endMs: 1000 },
      { text: 'you?', startMs: 1050, endMs: 1250 },
    ]);
    expect(events.at(-1)).toEqual({ type: 'done', contextId: 'u1' });
    // One context, opened with its settings; every text ends with a space and is flushed; then flush + close.
    expect(emulator.current!.received).toEqual([
      { text: 'Hello there. ', context_id: 'u1', flush: true, voice_settings: { stability: 0.4, similarity_boost: 0.8 } },
      { text: 'How are you? ', context_id: 'u1', flush: true },
      { context_id: 'u1', text: '', flush: true },
      { context_id: 'u1', close_context: true },
    ]);
    expect(emulator.handshakes[0]!.query).toMatchObject({ model_id: 'eleven_flash_v2_5', output_format: 'pcm_24000', sync_alignment: 'true', inactivity_timeout: '180' });
    expect(emulator.handshakes[0]!.path).toBe('/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/multi-stream-input');
    // The next utterance reuses the connection with a new context.
    stream.sendText('u2', 'Bye.');
    stream.flush('u2');
    await next(stream, events, (e) => e.type === 'done' && e.contextId === 'u2');
    expect(samplesOf(events, 'u2')).toBe(5 * 50 * 24);
    expect(emulator.connections).toHaveLength(1);
    await stream.close();
    expect(events.at(-1)).toEqual({ type: 'closed', reason: 'closed by the client' });
    expect(emulator.current!.received.at(-1)).toEqual({ close_socket: true });
  });

  it('cancel() closes the context at once and drops its audio still in flight', async () => {
    await emulator.close();
    emulator = await ElevenLabsEmulator.start({ msPerChar: 50, chunkMs: 100, chunkIntervalMs: 10 });
    const stream = await tts().connect();
    const events = record(stream);
    stream.sendText('long', 'This is a long answer that the user is going to interrupt right in the middle of it.');
    await next(stream, events, (e) => e.type === 'audio');
    stream.cancel('long');
    const seenAtCancel = events.filter((e) => e.type === 'audio').length;
    await until(() => emulator.current!.received.some((m) => m.close_context === true));
    expect(emulator.current!.received.at(-1)).toEqual({ context_id: 'long', close_context: true });
    // The service finishes what it had flushed and ends the context; none of it reaches the consumer.
    await until(() => emulator.current!.sent.some((m) => m.isFinal === true));
    const sentAudio = emulator.current!.sent.filter((m) => typeof m.audio === 'string').length;
    expect(sentAudio).toBeGreaterThan(seenAtCancel + 1);
    expect(events.filter((e) => e.type === 'audio').length).toBe(seenAtCancel);
    expect(events.some((e) => e.type === 'done')).toBe(false);
    // The connection goes on: the next utterance speaks.
    stream.sendText('next', 'Sure.');
    stream.flush('next');
    await next(stream, events, (e) => e.type === 'done' && e.contextId === 'next');
    await stream.close();
  });

  it('synthesize() yields audio and timings and closes its connection', async () => {
    const chunks: TtsChunk[] = [];
    for await (const chunk of tts({ sampleRate: 16_000 }).synthesize('Good morning.', { signal: new AbortController().signal })) chunks.push(chunk);
    const samples = chunks.reduce((n, c) => n + (c.type === 'audio' ? c.samples.length : 0), 0);
    expect(samples).toBe(14 * 50 * 16);
    expect(chunks.every((c) => c.type !== 'audio' || c.sampleRate === 16_000)).toBe(true);
    expect(chunks.flatMap((c) => (c.type === 'timings' ? c.words.map((w) => w.text) : []))).toEqual(['Good', 'morning.']);
    await until(() => emulator.current!.closed);
    expect(emulator.handshakes[0]!.query.output_format).toBe('pcm_16000');
  });

  it('synthesize() ends at once when its signal aborts mid-stream', async () => {
    await emulator.close();
    emulator = await ElevenLabsEmulator.start({ msPerChar: 50, chunkMs: 100, chunkIntervalMs: 15 });
    const controller = new AbortController();
    let audioChunks = 0;
    for await (const chunk of tts().synthesize('A rather long sentence that will be cut off by the user.', { signal: controller.signal })) {
      if (chunk.type === 'audio') audioChunks++;
      controller.abort();
    }
    expect(audioChunks).toBe(1);
    await until(() => emulator.current!.closed);
    expect(emulator.current!.received).toContainEqual({ context_id: expect.any(String), close_context: true });
  });

  it('reads is_final as well as isFinal', async () => {
    await emulator.close();
    emulator = await ElevenLabsEmulator.start({ finalKey: 'is_final' });
    const stream = await tts().connect();
    const events = record(stream);
    stream.sendText('a', 'Hi.');
    stream.flush('a');
    await next(stream, events, (e) => e.type === 'done');
    await stream.close();
  });
});
