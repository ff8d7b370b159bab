/**
 * The hybrid shapes of docs/hybrid.md against the emulators over real sockets on 127.0.0.1, with espeak-ng speech:
 * 1. a local VAD driving an OpenAI Realtime session's turns (`turn_detection: 'none'`, `commitUserTurn()`);
 * 2. an S2S session with a separate STT beside it (`parallel`): transcripts from both, one answer only;
 * 3. an S2S model in text mode feeding a separate TTS (the brand voice): the reply is spoken by the TTS.
 * (Shape 4, the text guardrail, is in guardrail.test.ts and examples/hybrid-guardrail.ts.)
 */
import { createS2S, makeFrame, parallel, pipeline, type ErrorFrame, type S2S } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import '@voxframe/s2s-openai';
import { RealtimeEmulator, frames, scriptedReplies } from '@voxframe/s2s-openai/testing';
import { createOpenAiStt, createOpenAiTts } from '@voxframe/openai';
import { startOpenAiEmulator, type OpenAiEmulator } from '@voxframe/openai/testing';
import { energyVad, s2sProcessor, sttProcessor, ttsProcessor } from '../src';
import { buildConversation, describeWithSpeech, type SpeechClip } from './fixtures/speech';

const QUESTION = 'What is the weather like in Paris today?';

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function feed(h: ProcessorHarness, clip: SpeechClip): Promise<void> {
  let n = 0;
  for (const chunk of frames(clip.samples, 20, clip.sampleRate)) {
    h.send(makeFrame('audio.input', { samples: chunk, sampleRate: clip.sampleRate, channels: 1 }));
    if (++n % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

const assistantTurns = (h: ProcessorHarness) => h.downstream.filter((f) => f.type === 'turn.end' && f.role === 'assistant').length;
const fatalErrors = (h: ProcessorHarness): ErrorFrame[] => h.framesOf('error', 'upstream').filter((e) => e.fatal);

describeWithSpeech('hybrid shapes against the emulators (real sockets)', () => {
  let realtime: RealtimeEmulator;
  let services: OpenAiEmulator | undefined;
  let harness: ProcessorHarness | undefined;
  let question: SpeechClip;

  beforeAll(async () => {
    question = await buildConversation([{ text: QUESTION, silenceAfterMs: 1200 }], 16000, { leadSilenceMs: 300 });
  });

  beforeEach(async () => {
    realtime = await RealtimeEmulator.start({ transcribe: () => 'heard by the S2S model', script: scriptedReplies({ say: 'It is sunny in Paris.', audioMs: 600 }) });
  });

  afterEach(async () => {
    if (harness) {
      await harness.end().catch(() => undefined);
      harness.dispose();
      harness = undefined;
    }
    await realtime.close();
    await services?.close();
    services = undefined;
    expect(realtime.issues).toEqual([]);
  });

  const engine = (extra: Record<string, unknown> = {}): S2S => createS2S('openai_realtime', { extra: { api_key: 'test', base_url: realtime.baseUrl, ...extra } });

  it('shape 1: a local VAD ends the user turn (manual turn mode) and the model answers it', async () => {
    const h = (harness = new ProcessorHarness(pipeline(energyVad(), s2sProcessor({ s2s: engine({ turn_detection: 'none' }) }))));
    await h.start();
    await until(() => realtime.sessions.length === 1, 5000, 'the session');
    await feed(h, question);
    await until(() => assistantTurns(h) === 1, 10000, 'the answer');
    expect(h.framesOf('user.stopped-speaking')).toHaveLength(1);
    // The turn was committed by the client (the VAD), not by the service's turn detection.
    expect(realtime.session.eventsOfType('input_audio_buffer.commit').length).toBeGreaterThanOrEqual(1);
    expect(h.framesOf('transcript').find((t) => t.role === 'assistant' && t.final)?.text).toBe('It is sunny in Paris.');
    expect(fatalErrors(h)).toEqual([]);
  });

  it('shape 2: an S2S session with a separate STT beside it: transcripts from both, and only the S2S model answers', async () => {
    services = await startOpenAiEmulator();
    services.transcriptions.push({ text: 'heard by the separate STT' });
    const stt = sttProcessor({ stt: createOpenAiStt({ apiKey: 'test', baseURL: services.baseURL }) });
    const h = (harness = new ProcessorHarness(pipeline(energyVad(), parallel(s2sProcessor({ s2s: engine() }), stt))));
    await h.start();
    await feed(h, question);
    await until(() => assistantTurns(h) === 1, 10000, 'the answer');
    await until(() => h.framesOf('transcript').some((t) => t.text === 'heard by the separate STT' && t.final), 10000, 'the STT transcript');
    const userTexts = h.framesOf('transcript').filter((t) => t.role === 'user' && t.final).map((t) => t.text);
    expect(userTexts).toEqual(expect.arrayContaining(['heard by the S2S model', 'heard by the separate STT']));
    expect(realtime.session.responses).toHaveLength(1);
    expect(h.framesOf('transcript').filter((t) => t.role === 'assistant' && t.final).map((t) => t.text)).toEqual(['It is sunny in Paris.']);
    expect(fatalErrors(h)).toEqual([]);
  });

  it('shape 3: an S2S model in text mode feeds a separate TTS, which speaks the reply', async () => {
    services = await startOpenAiEmulator();
    const tts = ttsProcessor({ tts: createOpenAiTts({ apiKey: 'test', baseURL: services.baseURL, voice: 'coral' }) });
    const h = (harness = new ProcessorHarness(pipeline(s2sProcessor({ s2s: engine({ output_modalities: 'text' }) }), tts)));
    await h.start();
    await feed(h, question);
    await until(() => h.framesOf('audio.output').length > 0 && h.framesOf('tts.stopped').length > 0, 10000, 'the TTS audio');
    const speech = (services as OpenAiEmulator).requests.filter((r) => r.path.endsWith('/audio/speech'));
    expect(speech.map((r) => r.body.input).join(' ').trim()).toBe('It is sunny in Paris.');
    expect(speech.every((r) => r.body.voice === 'coral')).toBe(true);
    // All the audio is the TTS's (the model answered in text).
    expect(realtime.session.config).toMatchObject({ output_modalities: ['text'] });
    // The emulated TTS speaks 60 ms per input character at 24 kHz: every output sample is the TTS's.
    const ttsSamples = speech.reduce((n, r) => n + String(r.body.input).length * 60 * 24, 0);
    const outSamples = h.framesOf('audio.output').reduce((n, f) => n + f.samples.length, 0);
    expect(outSamples).toBe(ttsSamples);
    expect(fatalErrors(h)).toEqual([]);
  });
});
