import { Subject } from 'rxjs';
import { makeFrame, type Frame, type TtsService, type TtsStream, type TtsStreamEvent } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { createOpenAiTts, OpenAiServiceError } from '@voxframe/openai';
import { startOpenAiEmulator, type OpenAiEmulator } from '@voxframe/openai/testing';
import { ttsProcessor } from '../src/cascade';

let emulator: OpenAiEmulator;
beforeEach(async () => {
  emulator = await startOpenAiEmulator();
});
afterEach(() => emulator.close());

const ttsService = () => createOpenAiTts({ baseURL: emulator.baseURL, apiKey: 'k' });
const say = (harness: ProcessorHarness, ...deltas: string[]) => {
  for (const text of deltas) harness.send(makeFrame('text', { text, role: 'assistant' }));
};
const kinds = (frames: readonly Frame[]) => frames.filter((f) => f.type !== 'metrics' && f.type !== 'start').map((f) => f.type);

describe('ttsProcessor against the OpenAI-compatible emulator', () => {
  it('speaks sentence by sentence: first audio on the first sentence, PCM at 24 kHz, spoken text placed on the timeline', async () => {
    emulator.speech.push({ durationMs: 400 }, { durationMs: 300 }, { durationMs: 200 });
    const harness = new ProcessorHarness(ttsProcessor({ tts: ttsService() }));
    await harness.start({ enableMetrics: true });
    harness.send(makeFrame('response.started', { responseId: 'r1' }));
    say(harness, 'Hello', ' there.', ' Dr.', ' Smith is', ' in.');
    // The first sentence is spoken before the rest of the text even arrived.
    await harness.waitFor((f) => f.type === 'tts.text' && f.text === 'Hello there.');
    expect(emulator.requests.map((r) => r.body.input)).toEqual(['Hello there.']);
    say(harness, ' Bye');
    harness.send(makeFrame('response.ended', { responseId: 'r1', status: 'completed' }));
    await harness.waitForType('response.ended');
    expect(emulator.requests.map((r) => r.body.input)).toEqual(['Hello there.', 'Dr. Smith is in.', 'Bye']);
    const out = kinds(harness.downstream);
    expect(out[0]).toBe('response.started');
    expect(out[1]).toBe('tts.started');
    expect(out.slice(-2)).toEqual(['tts.stopped', 'response.ended']);
    const audio = harness.framesOf('audio.output');
    expect(audio.every((a) => a.sampleRate === 24000 && a.channels === 1 && a.utteranceId === 'r1')).toBe(true);
    expect(audio.reduce((n, a) => n + a.samples.length, 0)).toBe(24 * 900);
    // Timestamps follow the audio's true rate.
    expect(audio[1].ptsMs).toBeCloseTo((audio[0].samples.length / 24000) * 1000, 6);
    expect(harness.framesOf('tts.text').map(({ text, startMs, endMs }) => ({ text, startMs, endMs }))).toEqual([
      { text: 'Hello there.', startMs: 0, endMs: 400 },
      { text: 'Dr. Smith is in.', startMs: 400, endMs: 700 },
      { text: 'Bye', startMs: 700, endMs: 900 },
    ]);
    const metrics = harness.framesOf('metrics').flatMap((m) => m.metrics);
    expect(metrics.filter((m) => m.kind === 'latency' && m.name === 'tts.first-audio')).toHaveLength(1);
    harness.dispose();
  });

  it('an interruption aborts synthesis mid-stream, drops queued text, and reports the cut sentence', async () => {
    emulator.speech.push({ durationMs: 2000, stallAfterChunks: 3 });
    const harness = new ProcessorHarness(ttsProcessor({ tts: ttsService() }));
    await harness.start();
    harness.send(makeFrame('response.started', { responseId: 'r1' }));
    say(harness, 'This is a long first sentence that keeps going.', ' And a second one.', ' Third.');
    const samples = () => harness.framesOf('audio.output').reduce((n, a) => n + a.samples.length, 0);
    // Three 100 ms chunks were sent (TCP may deliver them as fewer reads).
    await harness.waitFor(() => samples() >= 7200);
    harness.interrupt();
    const cut = harness.framesOf('tts.text');
    expect(cut).toHaveLength(1);
    expect(cut[0]).toMatchObject({ text: 'This is a long first sentence that keeps going.', startMs: 0, uninterruptible: true, utteranceId: 'r1' });
    // Estimated end: never before the 300 ms of audio produced.
    expect(cut[0].endMs).toBeGreaterThanOrEqual(300);
    const started = Date.now();
    while (emulator.abortedResponses === 0 && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 5));
    expect(emulator.abortedResponses).toBe(1);
    // The queued sentences were dropped: no request for them, no more audio.
    await new Promise((r) => setTimeout(r, 50));
    expect(emulator.requests).toHaveLength(1);
    expect(samples()).toBe(7200);
    harness.dispose();
  });

  it('a failed synthesis is a typed error frame, and the next sentence is still spoken', async () => {
    emulator.speech.push({ error: { status: 400, message: 'Input too long', code: 'string_above_max_length', param: 'input' } }, { durationMs: 100 });
    const harness = new ProcessorHarness(ttsProcessor({ tts: ttsService() }));
    await harness.start();
    say(harness, 'First.', ' Second.');
    harness.send(makeFrame('response.ended', { status: 'completed' }));
    await harness.waitForType('response.ended');
    const [error] = harness.framesOf('error', 'upstream');
    expect(error.error).toBeInstanceOf(OpenAiServiceError);
    expect(error.error).toMatchObject({ code: 'string_above_max_length', recoverable: false });
    expect(error.fatal).toBe(false);
    expect(harness.framesOf('tts.text').map((t) => t.text)).toEqual(['Second.']);
    harness.dispose();
  });
});

/**
 * A streaming-input TTS connection (ElevenLabs/Cartesia-style). No such server runs here (OpenAI has no streaming
 * text input), so this fake stands in for it: it answers each flushed context with 100 ms of audio per sentence.
 */
class FakeStreamingTts implements TtsService {
  readonly name = 'fake-streaming';
  readonly sampleRate = 16000;
  readonly sent: string[] = [];
  readonly cancelled: string[] = [];
  events = new Subject<TtsStreamEvent>();
  synthesize(): AsyncIterable<never> {
    throw new Error('streaming only');
  }
  connect(): Promise<TtsStream> {
    const texts = new Map<string, number>();
    return Promise.resolve({
      events: this.events,
      sendText: (contextId, text) => {
        this.sent.push(text);
        texts.set(contextId, (texts.get(contextId) ?? 0) + 1);
        this.events.next({ type: 'audio', contextId, samples: new Int16Array(1600).fill(7), sampleRate: 16000 });
      },
      flush: (contextId) => {
        this.events.next({ type: 'timings', contextId, words: [{ text: 'Hi', startMs: 0, endMs: 50 }, { text: 'there.', startMs: 50, endMs: 100 }] });
        this.events.next({ type: 'done', contextId });
      },
      cancel: (contextId) => void this.cancelled.push(contextId),
      close: () => {
        this.events.complete();
        return Promise.resolve();
      },
    });
  }
}

describe('ttsProcessor over a streaming connection (connect())', () => {
  it('sends sentences as they complete under one context per utterance and ends after done', async () => {
    const service = new FakeStreamingTts();
    const harness = new ProcessorHarness(ttsProcessor({ tts: service }));
    await harness.start();
    harness.send(makeFrame('response.started', { responseId: 'r9' }));
    say(harness, 'Hi', ' there.', ' More');
    harness.send(makeFrame('response.ended', { responseId: 'r9', status: 'completed' }));
    await harness.waitForType('response.ended');
    expect(service.sent).toEqual(['Hi there. ', 'More ']);
    expect(kinds(harness.downstream)).toEqual(['response.started', 'tts.started', 'audio.output', 'audio.output', 'tts.text', 'tts.stopped', 'response.ended']);
    expect(harness.framesOf('tts.text')[0]).toMatchObject({ text: 'Hi there. More', startMs: 0, endMs: 200, words: [{ text: 'Hi' }, { text: 'there.' }] });
    harness.dispose();
  });

  it('an interruption cancels the context and drops its late audio', async () => {
    const service = new FakeStreamingTts();
    const harness = new ProcessorHarness(ttsProcessor({ tts: service }));
    await harness.start();
    harness.send(makeFrame('response.started', { responseId: 'r5' }));
    say(harness, 'Hello there.', ' And');
    await harness.waitForType('audio.output');
    harness.interrupt();
    expect(service.cancelled).toEqual(['r5']);
    service.events.next({ type: 'audio', contextId: 'r5', samples: new Int16Array(160), sampleRate: 16000 });
    expect(harness.framesOf('audio.output')).toHaveLength(1);
    expect(harness.framesOf('tts.text')[0]).toMatchObject({ text: 'Hello there.', uninterruptible: true });
    harness.dispose();
  });
});
