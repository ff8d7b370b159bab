import { firstValueFrom, filter, toArray, takeWhile } from 'rxjs';
import type { SttEvent } from '@voxframe/core';
import { createOpenAiRealtimeStt, OpenAiServiceError } from '@voxframe/openai';
import { startOpenAiEmulator, type OpenAiEmulator } from '@voxframe/openai/testing';

let emulator: OpenAiEmulator;
beforeEach(async () => {
  emulator = await startOpenAiEmulator({ apiKey: 'sk-test' });
});
afterEach(() => emulator.close());

const untilFinal = (events: import('rxjs').Observable<SttEvent>) =>
  firstValueFrom(events.pipe(takeWhile((e) => !(e.type === 'transcript' && e.final), true), toArray()));

describe('OpenAiRealtimeStt against the emulator (Realtime transcription session)', () => {
  it('opens a transcription session, streams audio, and answers each commit with deltas then the final', async () => {
    emulator.transcriptions.push({ text: 'book a table for two' });
    const stt = createOpenAiRealtimeStt({ baseURL: emulator.realtimeURL, apiKey: 'sk-test', language: 'en' });
    const session = await stt.start();
    expect(emulator.realtime.sessionUpdates[0]).toEqual({
      type: 'transcription',
      audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' }, turn_detection: null } },
    });
    const events = untilFinal(session.events);
    for (let i = 0; i < 25; i++) session.sendAudio(new Int16Array(480).fill(200));
    session.finalize();
    const transcripts = (await events).filter((e) => e.type === 'transcript');
    expect(transcripts.map((e) => [e.type === 'transcript' && e.text, e.type === 'transcript' && e.final])).toEqual([
      ['book', false],
      ['book a', false],
      ['book a table', false],
      ['book a table for', false],
      ['book a table for two', false],
      ['book a table for two', true],
    ]);
    expect(transcripts[5]).toMatchObject({ fromFinalize: true });
    await session.close();
  });

  it('answers a turn too short to commit at once, with an empty final, and no service error', async () => {
    const stt = createOpenAiRealtimeStt({ baseURL: emulator.realtimeURL, apiKey: 'sk-test' });
    const session = await stt.start();
    const all: SttEvent[] = [];
    session.events.subscribe((e) => all.push(e));
    session.sendAudio(new Int16Array(480));
    session.finalize();
    expect(all).toEqual([{ type: 'transcript', text: '', final: true, fromFinalize: true }]);
    await session.close();
    expect(all[all.length - 1]).toEqual({ type: 'closed', reason: 'closed by the client' });
  });

  it('a failed transcription is a recoverable error followed by an empty final', async () => {
    emulator.transcriptions.push({ error: { status: 500, message: 'transcription backend down', code: 'server_error' } });
    const stt = createOpenAiRealtimeStt({ baseURL: emulator.realtimeURL, apiKey: 'sk-test' });
    const session = await stt.start();
    const events = untilFinal(session.events);
    session.sendAudio(new Int16Array(4800));
    session.finalize();
    const got = await events;
    expect(got[0]).toMatchObject({ type: 'error', recoverable: true, error: { code: 'server_error' } });
    expect(got[1]).toEqual({ type: 'transcript', text: '', final: true, fromFinalize: true });
    await session.close();
  });

  it('a refused key is a typed error at start', async () => {
    const stt = createOpenAiRealtimeStt({ baseURL: emulator.realtimeURL, apiKey: 'wrong' });
    const error = await stt.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAiServiceError);
    expect(error).toMatchObject({ code: 'unauthorized', recoverable: false });
  });

  it('the session reports closed when the service drops the connection', async () => {
    const stt = createOpenAiRealtimeStt({ baseURL: emulator.realtimeURL, apiKey: 'sk-test' });
    const session = await stt.start();
    const closed = firstValueFrom(session.events.pipe(filter((e) => e.type === 'closed')));
    emulator.realtime.close();
    expect(await closed).toMatchObject({ type: 'closed' });
    await session.close();
  });
});
