import type { LlmStreamEvent, TtsChunk } from '@voxframe/core';
import { createOpenAiLlm, createOpenAiStt, createOpenAiTts, OpenAiServiceError, Pcm16Assembler } from '@voxframe/openai';
import { startOpenAiEmulator, type OpenAiEmulator } from '@voxframe/openai/testing';
import { firstValueFrom, filter } from 'rxjs';

let emulator: OpenAiEmulator;
beforeEach(async () => {
  emulator = await startOpenAiEmulator({ apiKey: 'test-key' });
});
afterEach(() => emulator.close());

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

describe('OpenAiLlm against the emulator', () => {
  it('streams text deltas, usage and a stop reason', async () => {
    emulator.chat.push({ text: 'Hello there. How are you?' });
    const llm = createOpenAiLlm({ model: 'gpt-test', baseURL: emulator.baseURL, apiKey: 'test-key' });
    const events = await collect(llm.stream({ messages: [{ role: 'user', content: 'hi' }] }, { signal: new AbortController().signal }));
    const text = events.filter((e): e is Extract<LlmStreamEvent, { type: 'text' }> => e.type === 'text').map((e) => e.text);
    expect(text.join('')).toBe('Hello there. How are you?');
    expect(text.length).toBeGreaterThan(3);
    expect(events.find((e) => e.type === 'usage')).toBeDefined();
    expect(events[events.length - 1]).toEqual({ type: 'done', reason: 'stop' });
    expect(emulator.requests[0].authorization).toBe('Bearer test-key');
  });

  it('assembles tool calls from fragments, and the follow-up request carries the calls and results', async () => {
    emulator.chat.push({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}', id: 'call_a' }] }, { text: 'Sunny.' });
    const llm = createOpenAiLlm({ model: 'gpt-test', baseURL: emulator.baseURL, apiKey: 'test-key' });
    const signal = new AbortController().signal;
    const tools = [{ name: 'get_weather', parameters: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
    const first = await collect(llm.stream({ messages: [{ role: 'user', content: 'weather?' }], tools }, { signal }));
    expect(first.filter((e) => e.type === 'tool.call')).toEqual([{ type: 'tool.call', callId: 'call_a', name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' }]);
    expect(first[first.length - 1]).toEqual({ type: 'done', reason: 'tool_calls' });
    const second = await collect(
      llm.stream(
        {
          messages: [
            { role: 'user', content: 'weather?' },
            { role: 'assistant', content: '', toolCalls: [{ callId: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
            { role: 'tool', toolCallId: 'call_a', content: '{"temp":21}' },
          ],
          tools,
        },
        { signal },
      ),
    );
    expect(second.filter((e) => e.type === 'text').length).toBeGreaterThan(0);
    expect((emulator.requests[0].body.tools as unknown[]).length).toBe(1);
  });

  it('throws typed errors: a bad key, a server error, a malformed stream, an invalid history', async () => {
    const signal = new AbortController().signal;
    const bad = createOpenAiLlm({ model: 'gpt-test', baseURL: emulator.baseURL, apiKey: 'wrong' });
    await expect(collect(bad.stream({ messages: [{ role: 'user', content: 'hi' }] }, { signal }))).rejects.toMatchObject({ code: 'invalid_api_key', recoverable: false, status: 401 });
    const llm = createOpenAiLlm({ model: 'gpt-test', baseURL: emulator.baseURL, apiKey: 'test-key' });
    emulator.chat.push({ error: { status: 503, message: 'overloaded', code: 'overloaded' } });
    await expect(collect(llm.stream({ messages: [{ role: 'user', content: 'hi' }] }, { signal }))).rejects.toMatchObject({ code: 'overloaded', recoverable: true });
    emulator.chat.push({ text: 'one two three', malformed: 'bad-json' });
    await expect(collect(llm.stream({ messages: [{ role: 'user', content: 'hi' }] }, { signal }))).rejects.toBeInstanceOf(OpenAiServiceError);
    const orphanTool = collect(llm.stream({ messages: [{ role: 'tool', toolCallId: 'x', content: '{}' }] }, { signal }));
    await expect(orphanTool).rejects.toMatchObject({ status: 400, recoverable: false });
  });

  it('ends at once when aborted mid-stream, and the server sees the request go', async () => {
    emulator.chat.push({ text: 'one two three four five', stallAfterDeltas: 2 });
    const llm = createOpenAiLlm({ model: 'gpt-test', baseURL: emulator.baseURL, apiKey: 'test-key' });
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const event of llm.stream({ messages: [{ role: 'user', content: 'hi' }] }, { signal: controller.signal })) {
      if (event.type === 'text') seen.push(event.text);
      if (seen.length === 2) controller.abort();
    }
    expect(seen).toEqual(['one', ' two']);
  });
});

describe('OpenAiTts against the emulator', () => {
  it('streams PCM at 24 kHz, reassembling samples split across odd-sized chunks', async () => {
    emulator.speech.push({ durationMs: 500, chunkBytes: 1001 });
    const tts = createOpenAiTts({ baseURL: emulator.baseURL, apiKey: 'test-key' });
    const chunks = await collect(tts.synthesize('Hello there.', { signal: new AbortController().signal }));
    const audio = chunks.filter((c): c is Extract<TtsChunk, { type: 'audio' }> => c.type === 'audio');
    expect(audio.every((c) => c.sampleRate === 24000)).toBe(true);
    expect(audio.reduce((n, c) => n + c.samples.length, 0)).toBe(12000);
    // The emulator's tone: sample 1 is 3000 * sin(2 pi 440 / 24000).
    expect(audio[0].samples[1]).toBe(Math.round(3000 * Math.sin((2 * Math.PI * 440) / 24000)));
    expect(emulator.requests[0].body).toMatchObject({ response_format: 'pcm', voice: 'alloy', input: 'Hello there.' });
  });

  it('throws a typed error for a bad request', async () => {
    emulator.speech.push({ error: { status: 400, message: "Invalid value for 'voice'.", param: 'voice', code: 'invalid_value' } });
    const tts = createOpenAiTts({ baseURL: emulator.baseURL, apiKey: 'test-key' });
    await expect(collect(tts.synthesize('Hi.', { signal: new AbortController().signal }))).rejects.toMatchObject({ code: 'invalid_value', status: 400 });
  });

  it('Pcm16Assembler carries an odd byte across chunks', () => {
    const pcm = new Pcm16Assembler();
    expect(Array.from(pcm.push(Uint8Array.of(0x01)))).toEqual([]);
    expect(Array.from(pcm.push(Uint8Array.of(0x80, 0xff, 0xff)))).toEqual([-32767, -1]);
    expect(pcm.pending).toBe(false);
  });
});

describe('OpenAiStt against the emulator', () => {
  it('transcribes each finalized turn as one WAV upload', async () => {
    emulator.transcriptions.push({ text: ' what is the weather ' }, { text: 'thanks' });
    const stt = createOpenAiStt({ baseURL: emulator.baseURL, apiKey: 'test-key', language: 'en' });
    const session = await stt.start();
    const finals = firstValueFrom(session.events.pipe(filter((e) => e.type === 'transcript' && e.text === 'thanks')));
    const events: unknown[] = [];
    session.events.subscribe((e) => events.push(e));
    session.sendAudio(new Int16Array(16000).fill(100));
    session.finalize();
    session.sendAudio(new Int16Array(8000).fill(100));
    session.finalize();
    await finals;
    expect(events.filter((e) => (e as { type: string }).type === 'transcript')).toEqual([
      { type: 'transcript', text: 'what is the weather', final: true, fromFinalize: true, startMs: 0, endMs: 1000 },
      { type: 'transcript', text: 'thanks', final: true, fromFinalize: true, startMs: 1000, endMs: 1500 },
    ]);
    expect(emulator.requests[0].body).toMatchObject({ model: 'gpt-4o-mini-transcribe', language: 'en', fileBytes: 44 + 32000 });
    await session.close();
  });

  it('reports a failed request as a recoverable error and still answers the finalize', async () => {
    emulator.transcriptions.push({ error: { status: 500, message: 'boom' } });
    const stt = createOpenAiStt({ baseURL: emulator.baseURL, apiKey: 'test-key' });
    const session = await stt.start();
    const events: { type: string }[] = [];
    session.events.subscribe((e) => events.push(e));
    const done = firstValueFrom(session.events.pipe(filter((e) => e.type === 'transcript')));
    session.sendAudio(new Int16Array(1600));
    session.finalize();
    await done;
    expect(events.map((e) => e.type)).toEqual(['error', 'transcript']);
    expect((events[0] as unknown as { error: OpenAiServiceError }).error).toMatchObject({ status: 500, recoverable: true });
    await session.close();
  });
});
