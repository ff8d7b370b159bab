/**
 * A cascade turn end to end with a mixed combination of vendors, each against its local emulator over real sockets:
 * espeak-ng speech in 20 ms frames through the real Silero VAD, the STT processor on Deepgram (live WebSocket,
 * finalized by the VAD's end of turn), the context, the LLM processor on Anthropic (official SDK, streamed SSE), the
 * TTS processor on ElevenLabs (multi-context WebSocket, one context for the reply), the output pacer on the real
 * clock, and the assistant context. The test kit's harness plays the transport.
 */
import { createAnthropicLlm } from '@voxframe/anthropic';
import { AnthropicEmulator } from '@voxframe/anthropic/testing';
import { makeFrame, pipeline, type Metric } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { createDeepgramStt } from '@voxframe/deepgram';
import { DeepgramEmulator } from '@voxframe/deepgram/testing';
import { createElevenLabsTts } from '@voxframe/elevenlabs';
import { ElevenLabsEmulator } from '@voxframe/elevenlabs/testing';
import { contextAggregator, llmProcessor, loadSileroModel, outputPacer, sileroVad, sttProcessor, ttsProcessor, type SileroModel } from '@voxframe/processors';
import { buildConversation, describeWithSpeech } from '../../processors/test/fixtures/speech';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describeWithSpeech('cascade end to end: Deepgram -> Anthropic -> ElevenLabs', () => {
  let deepgram: DeepgramEmulator;
  let anthropic: AnthropicEmulator;
  let elevenlabs: ElevenLabsEmulator;
  beforeEach(async () => {
    deepgram = await DeepgramEmulator.start({ apiKey: 'dg', transcripts: ['What is the weather in Paris?'] });
    anthropic = await AnthropicEmulator.start({ apiKey: 'ant' });
    elevenlabs = await ElevenLabsEmulator.start({ apiKey: 'el', msPerChar: 20, chunkMs: 100 });
  });
  afterEach(async () => {
    await Promise.all([deepgram.close(), anthropic.close(), elevenlabs.close()]);
  });
  let model: SileroModel;
  beforeAll(async () => {
    model = await loadSileroModel();
  });
  // Release the onnxruntime session: a live one keeps the jest worker from exiting promptly.
  afterAll(() => model.dispose());

  it('hears the user, answers, plays the reply over one TTS context, records it, and reports every stage latency', async () => {
    const clip = await buildConversation([{ text: 'what is the weather in Paris', silenceAfterMs: 1500 }], 16000);
    anthropic.reply({ text: 'It is sunny in Paris. Enjoy your day!' });
    const context = contextAggregator({ systemPrompt: 'You are a weather assistant.' });
    const agent = pipeline(
      sileroVad({ session: model }),
      sttProcessor({ stt: createDeepgramStt({ apiKey: 'dg', baseUrl: deepgram.url }) }),
      context.user(),
      llmProcessor({ llm: createAnthropicLlm({ apiKey: 'ant', baseUrl: anthropic.url }) }),
      ttsProcessor({ tts: createElevenLabsTts({ apiKey: 'el', baseUrl: elevenlabs.url }) }),
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
    // The reply plays in real time (about 0.8 s of audio); the context records it when playback ends.
    const deadline = Date.now() + 10_000;
    while (context.messages.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    expect(harness.framesOf('error', 'upstream')).toEqual([]);
    expect(context.messages).toEqual([
      { role: 'system', content: 'You are a weather assistant.' },
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: 'It is sunny in Paris. Enjoy your day!' },
    ]);
    // Deepgram got the turn's audio at 16 kHz and was finalized by the VAD.
    expect(deepgram.current!.audioMs).toBeGreaterThan(clip.spans[0]!.endMs);
    expect(deepgram.current!.controls.map((c) => c.type)).toContain('Finalize');
    // Anthropic got the system prompt and the user's words.
    expect(anthropic.requests[0]!.body).toMatchObject({
      system: 'You are a weather assistant.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] }],
    });
    // ElevenLabs: one connection, one context for the whole reply, its sentences streamed in, then flushed and closed.
    expect(elevenlabs.connections).toHaveLength(1);
    const sent = elevenlabs.current!.received;
    const contexts = new Set(sent.map((m) => m.context_id).filter((id) => id !== undefined));
    expect(contexts.size).toBe(1);
    expect(sent.filter((m) => typeof m.text === 'string' && m.text !== '').map((m) => m.text).join('')).toBe('It is sunny in Paris. Enjoy your day! ');
    expect(sent).toContainEqual(expect.objectContaining({ close_context: true }));
    // The whole reply reached the output at ElevenLabs' 24 kHz: 38 characters at 20 ms.
    const played = harness.framesOf('audio.output');
    expect(played.every((a) => a.sampleRate === 24_000)).toBe(true);
    expect(played.reduce((n, a) => n + a.samples.length, 0)).toBe(38 * 20 * 24);
    const latencies = harness
      .framesOf('metrics')
      .flatMap((m) => m.metrics)
      .filter((m): m is Extract<Metric, { kind: 'latency' }> => m.kind === 'latency');
    const byName = Object.fromEntries(latencies.map((m) => [m.name, m.valueMs]));
    expect(Object.keys(byName).sort()).toEqual(['llm.ttft', 'stt.final', 'tts.first-audio', 'voice-to-voice']);
    for (const value of Object.values(byName)) expect(value).toBeGreaterThanOrEqual(0);
    await harness.end();
    harness.dispose();
  });

  it('a barge-in drops the rest of the ElevenLabs context and the assistant context keeps only what was heard', async () => {
    const question = await buildConversation([{ text: 'tell me about Paris', silenceAfterMs: 1200 }], 16000);
    const interruption = await buildConversation([{ text: 'please stop now', silenceAfterMs: 1200 }], 16000, { leadSilenceMs: 100 });
    deepgram.say('Please stop now.');
    const reply = 'Paris is the capital of France. It sits on the Seine. It has many museums and old bridges to see. The food is good and the parks are green in spring.';
    anthropic.reply({ text: reply }, { text: 'Sure.' });
    const context = contextAggregator();
    const agent = pipeline(
      sileroVad({ session: model }),
      sttProcessor({ stt: createDeepgramStt({ apiKey: 'dg', baseUrl: deepgram.url }) }),
      context.user(),
      llmProcessor({ llm: createAnthropicLlm({ apiKey: 'ant', baseUrl: anthropic.url }) }),
      ttsProcessor({ tts: createElevenLabsTts({ apiKey: 'el', baseUrl: elevenlabs.url }) }),
      outputPacer(),
      context.assistant(),
    );
    const harness = new ProcessorHarness(agent);
    await harness.start({ allowInterruptions: true, enableMetrics: true });
    const feed = async (clip: { samples: Int16Array; sampleRate: number }, startMs: number): Promise<void> => {
      const perFrame = (clip.sampleRate * 20) / 1000;
      for (let offset = 0, ptsMs = startMs; offset < clip.samples.length; offset += perFrame, ptsMs += 20) {
        harness.send(makeFrame('audio.input', { samples: clip.samples.slice(offset, offset + perFrame), sampleRate: clip.sampleRate, channels: 1 }, { ptsMs }));
        await turn();
        await turn();
      }
    };
    await feed(question, 0);
    // Interrupt once some of the reply has been played (about half a second of it).
    let deadline = Date.now() + 10_000;
    while (harness.framesOf('audio.output').reduce((n, a) => n + a.samples.length, 0) < 24_000 / 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await feed(interruption, question.durationMs);
    deadline = Date.now() + 10_000;
    while (context.messages.filter((m) => m.role === 'assistant').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    expect(harness.framesOf('error', 'upstream')).toEqual([]);
    const heard = context.messages[1]!.content;
    expect(context.messages).toEqual([
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: heard },
      { role: 'user', content: 'Please stop now.' },
      { role: 'assistant', content: 'Sure.' },
    ]);
    // What was heard of the first reply: a proper prefix ending on a whole word, cut on ElevenLabs' word timings.
    expect(heard.length).toBeGreaterThan(0);
    expect(heard.length).toBeLessThan(reply.length);
    expect(reply.startsWith(heard)).toBe(true);
    expect(reply[heard.length]).toMatch(/\s/);
    // Less of the first reply's audio was played than synthesized: the cancelled context's audio was dropped.
    const firstContext = elevenlabs.current!.received[0]!.context_id as string;
    const playedFirst = harness.framesOf('audio.output').filter((a) => a.utteranceId === firstContext).reduce((n, a) => n + a.samples.length, 0);
    expect(playedFirst).toBeLessThan([...reply].length * 20 * 24);
    // Each reply had its own ElevenLabs context on the one connection.
    expect(elevenlabs.connections).toHaveLength(1);
    expect(new Set(elevenlabs.current!.received.map((m) => m.context_id))).toEqual(new Set([firstContext, expect.any(String)]));
    await harness.end();
    harness.dispose();
  });
});
