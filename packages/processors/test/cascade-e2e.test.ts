/**
 * One cascade turn end to end: espeak-ng speech, streamed in 20 ms frames through the real Silero VAD, the STT
 * processor (per-turn transcription), the context, the LLM and TTS processors (both against the OpenAI-compatible
 * emulator over real HTTP), the output pacer on the real clock, and the assistant context. The test kit's harness
 * plays the transport: it writes the input frames and receives what the output transport would.
 */
import { makeFrame, pipeline, type Metric } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { createOpenAiLlm, createOpenAiStt, createOpenAiTts } from '@voxframe/openai';
import { startOpenAiEmulator, type OpenAiEmulator } from '@voxframe/openai/testing';
import { contextAggregator, llmProcessor, sttProcessor, ttsProcessor } from '../src/cascade';
import { outputPacer } from '../src/pacer';
import { loadSileroModel, type SileroModel } from '../src/vad/silero-model';
import { sileroVad } from '../src/vad/silero-vad';
import { buildConversation, describeWithSpeech } from './fixtures/speech';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describeWithSpeech('a cascade turn end to end', () => {
  let emulator: OpenAiEmulator;
  beforeEach(async () => {
    emulator = await startOpenAiEmulator({ apiKey: 'sk-test' });
  });
  afterEach(() => emulator.close());
  let model: SileroModel;
  beforeAll(async () => {
    model = await loadSileroModel();
  });
  // Release the onnxruntime session: a live one keeps the jest worker from exiting promptly.
  afterAll(() => model.dispose());

  it('hears the user, answers, plays the reply, records it, and reports every stage latency', async () => {
    const clip = await buildConversation([{ text: 'what is the weather in Paris', silenceAfterMs: 1500 }], 16000);
    emulator.transcriptions.push({ text: 'What is the weather in Paris?' });
    emulator.chat.push({ text: 'It is sunny in Paris. Enjoy your day!' });
    emulator.speech.push({ durationMs: 300 }, { durationMs: 200 });
    const service = { baseURL: emulator.baseURL, apiKey: 'sk-test' };
    const context = contextAggregator({ systemPrompt: 'You are a weather assistant.' });
    const agent = pipeline(
      sileroVad({ session: model }),
      sttProcessor({ stt: createOpenAiStt(service) }),
      context.user(),
      llmProcessor({ llm: createOpenAiLlm({ ...service, model: 'gpt-test' }) }),
      ttsProcessor({ tts: createOpenAiTts(service) }),
      outputPacer(),
      context.assistant(),
    );
    const harness = new ProcessorHarness(agent);
    await harness.start({ allowInterruptions: true, enableMetrics: true });
    const perFrame = (clip.sampleRate * 20) / 1000;
    for (let offset = 0, ptsMs = 0; offset < clip.samples.length; offset += perFrame, ptsMs += 20) {
      harness.send(makeFrame('audio.input', { samples: clip.samples.slice(offset, offset + perFrame), sampleRate: clip.sampleRate, channels: 1 }, { ptsMs }));
      await turn();
      await turn();
    }
    // The reply plays in real time (500 ms of audio); the context records it when playback ends.
    const deadline = Date.now() + 10_000;
    while (context.messages.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    expect(harness.framesOf('error', 'upstream')).toEqual([]);
    expect(context.messages).toEqual([
      { role: 'system', content: 'You are a weather assistant.' },
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: 'It is sunny in Paris. Enjoy your day!' },
    ]);
    // The VAD's turn, resampled and uploaded once: about the speech plus its lead silence.
    const uploadedMs = ((emulator.requests[0].body.fileBytes as number) - 44) / 32;
    expect(uploadedMs).toBeGreaterThan(clip.spans[0].endMs);
    expect(uploadedMs).toBeLessThan(clip.durationMs);
    // The whole reply reached the output at 24 kHz, paced.
    const played = harness.framesOf('audio.output');
    expect(played.reduce((n, a) => n + a.samples.length, 0)).toBe(24 * 500);
    const latencies = harness.framesOf('metrics')
      .flatMap((m) => m.metrics)
      .filter((m): m is Extract<Metric, { kind: 'latency' }> => m.kind === 'latency');
    const byName = Object.fromEntries(latencies.map((m) => [m.name, m.valueMs]));
    expect(Object.keys(byName).sort()).toEqual(['llm.ttft', 'stt.final', 'tts.first-audio', 'voice-to-voice']);
    for (const value of Object.values(byName)) expect(value).toBeGreaterThanOrEqual(0);
    // Voice-to-voice spans the stages after the user stopped: at least STT final + LLM first token + TTS first audio.
    expect(byName['voice-to-voice']).toBeGreaterThanOrEqual(byName['stt.final'] + byName['llm.ttft'] + byName['tts.first-audio'] - 5);
    await harness.end();
    harness.dispose();
  });
});
