/**
 * Failover against the provider emulators over real sockets on 127.0.0.1, with espeak-ng speech through the S2S
 * processor: OpenAI Realtime (24 kHz input) killed mid-conversation -> Gemini Live (16 kHz input) answers the next
 * turn, seeded with the earlier conversation, and receives every sample of the user's audio since OpenAI last proved
 * it had heard the user (counted at the Gemini emulator); OpenAI refusing connections at start -> Gemini at once; a
 * `service.switch` frame moving a live call from an OpenAI branch to a Gemini branch; a service switcher failing over
 * from OpenAI to an STT -> LLM -> TTS cascade (the `@voxframe/openai` emulator), the LLM asked with the conversation;
 * the chain OpenAI -> Gemini -> Nova (Nova Sonic emulator over HTTP/2).
 */
import { createS2S, makeFrame, pipeline, type ErrorFrame, type S2S } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import '@voxframe/s2s-openai';
import '@voxframe/s2s-gemini';
import { RealtimeEmulator, frames, scriptedReplies as openaiReplies } from '@voxframe/s2s-openai/testing';
import { GeminiLiveEmulator, scriptedReplies as geminiReplies } from '@voxframe/s2s-gemini/testing';
import { createOpenAiLlm, createOpenAiStt, createOpenAiTts } from '@voxframe/openai';
import { startOpenAiEmulator } from '@voxframe/openai/testing';
import '@voxframe/s2s-nova';
import { NovaSonicEmulator, scriptedReplies as novaReplies } from '@voxframe/s2s-nova/testing';
import {
  ServiceSwitchFrame,
  contextAggregator,
  createFailoverS2S,
  energyVad,
  llmProcessor,
  s2sProcessor,
  serviceSwitcher,
  sttProcessor,
  ttsProcessor,
  type FailoverS2SSession,
  type S2SProcessor,
} from '../src';
import { buildConversation, describeWithSpeech, type SpeechClip } from './fixtures/speech';

const FIRST = 'What is the weather like in Paris today?';
const SECOND = 'And what about tomorrow?';

function openaiEngine(emulator: RealtimeEmulator, extra: Record<string, unknown> = {}): S2S {
  // One quick reconnect attempt: a dead primary is declared dead in tens of ms, not after ~8 s of backoff.
  return createS2S('openai_realtime', { extra: { api_key: 'test', base_url: emulator.baseUrl, reconnect_attempts: 1, reconnect_backoff_ms: 20, ...extra } });
}

function geminiEngine(emulator: GeminiLiveEmulator): S2S {
  return createS2S('gemini_live', { extra: { api_key: 'test', base_url: emulator.baseUrl, reconnect_backoff_ms: 20 } });
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const userFinals = (h: ProcessorHarness) => h.framesOf('transcript').filter((t) => t.role === 'user' && t.final).length;
const assistantTurns = (h: ProcessorHarness) => h.downstream.filter((f) => f.type === 'turn.end' && f.role === 'assistant').length;
const fatalErrors = (h: ProcessorHarness): ErrorFrame[] => h.framesOf('error', 'upstream').filter((e) => e.fatal);

/**
 * Feeds a clip in 20 ms frames, yielding to the event loop every 5 frames (socket events interleave only there).
 * Returns the samples sent after the `mark` condition first held at a yield point (all of them when it already held).
 */
async function feed(h: ProcessorHarness, clip: SpeechClip, mark: () => boolean = () => true): Promise<{ sent: number; afterMark: number }> {
  let n = 0;
  let sent = 0;
  let afterMark = 0;
  let marked = mark();
  for (const chunk of frames(clip.samples, 20, clip.sampleRate)) {
    h.send(makeFrame('audio.input', { samples: chunk, sampleRate: clip.sampleRate, channels: 1 }));
    sent += chunk.length;
    if (marked) afterMark += chunk.length;
    if (++n % 5 === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      marked ||= mark();
    }
  }
  return { sent, afterMark };
}

describeWithSpeech('failover between provider emulators (real sockets)', () => {
  let openai: RealtimeEmulator;
  let gemini: GeminiLiveEmulator;
  let harness: ProcessorHarness | undefined;
  let first: SpeechClip;
  let second: SpeechClip;

  beforeAll(async () => {
    first = await buildConversation([{ text: FIRST, silenceAfterMs: 1000 }], 24000, { leadSilenceMs: 300 });
    second = await buildConversation([{ text: SECOND, silenceAfterMs: 1000 }], 24000, { leadSilenceMs: 200 });
  });

  beforeEach(async () => {
    openai = await RealtimeEmulator.start({ transcribe: () => FIRST, script: openaiReplies({ say: 'It is sunny in Paris.', audioMs: 600 }) });
    gemini = await GeminiLiveEmulator.start({ transcribe: () => SECOND, script: geminiReplies({ say: 'Tomorrow it will rain.', audioMs: 600 }) });
  });

  afterEach(async () => {
    if (harness) {
      await harness.end().catch(() => undefined);
      harness.dispose();
      harness = undefined;
    }
    await openai.close();
    await gemini.close();
    expect(openai.issues).toEqual([]);
    expect(gemini.issues).toEqual([]);
  });

  it('OpenAI killed mid-conversation: Gemini answers the next turn, seeded with the conversation, with all the user audio since the failure', async () => {
    const processor = s2sProcessor({ s2s: createFailoverS2S([openaiEngine(openai), geminiEngine(gemini)]) });
    const h = (harness = new ProcessorHarness(processor));
    await h.start();
    await until(() => openai.sessions.length === 1, 5000, 'the OpenAI session');
    // Turn 1 on OpenAI; count what is sent after OpenAI's final user transcript (the failover's "heard" mark).
    const turn1 = await feed(h, first, () => userFinals(h) > 0);
    await until(() => assistantTurns(h) === 1, 10000, 'the first answer (OpenAI)');
    expect(h.framesOf('transcript').find((t) => t.role === 'assistant' && t.final)?.text).toBe('It is sunny in Paris.');
    expect(h.framesOf('audio.output').every((f) => f.sampleRate === 24000)).toBe(true);

    // Kill OpenAI: the socket drops and every reconnect is refused. The user goes on talking meanwhile.
    openai.refuseNext(100, 503);
    openai.dropAll();
    const turn2 = await feed(h, second);
    await until(() => assistantTurns(h) === 2, 10000, 'the second answer (Gemini)');
    expect(h.framesOf('transcript').filter((t) => t.role === 'assistant' && t.final).map((t) => t.text)).toEqual(['It is sunny in Paris.', 'Tomorrow it will rain.']);
    expect(fatalErrors(h)).toEqual([]);

    const session = processor.session as FailoverS2SSession;
    expect(session.activeProvider).toBe('gemini_live');
    expect(session.switches).toHaveLength(1);
    expect(session.switches[0]).toMatchObject({ from: 'openai_realtime', to: 'gemini_live', lostMs: 0 });
    // The seed: the earlier conversation, as heard.
    expect(gemini.sessions).toHaveLength(1);
    const seeded = gemini.session.history.slice(0, 2);
    expect(seeded).toEqual([
      { role: 'user', text: FIRST },
      { role: 'model', text: 'It is sunny in Paris.' },
    ]);
    // Every sample since the mark reached Gemini: 24 kHz in, 16 kHz there, so compare durations (a resampler's
    // edge of a few samples aside).
    const expectedMs = ((turn1.afterMark + turn2.sent) / 24000) * 1000;
    await until(() => (gemini.session.inputSamples / 16000) * 1000 >= expectedMs - 5, 5000, 'all the audio at Gemini');
    const receivedMs = (gemini.session.inputSamples / 16000) * 1000;
    expect(Math.abs(receivedMs - expectedMs)).toBeLessThan(5);
    expect(turn2.sent).toBeGreaterThan(0);
  });

  it('OpenAI refusing connections at start: Gemini serves the session at once', async () => {
    openai.refuseNext(100, 503);
    const engine = createFailoverS2S([openaiEngine(openai), geminiEngine(gemini)]);
    const processor = s2sProcessor({ s2s: engine });
    const h = (harness = new ProcessorHarness(processor));
    await h.start();
    expect((processor.session as FailoverS2SSession).activeProvider).toBe('gemini_live');
    expect(openai.sessions).toHaveLength(0);
    expect(engine.breaker.state('openai_realtime')).toBe('open');
    const sent = await feed(h, second);
    await until(() => assistantTurns(h) === 1, 10000, 'the answer (Gemini)');
    expect(h.framesOf('transcript').find((t) => t.role === 'assistant' && t.final)?.text).toBe('Tomorrow it will rain.');
    await until(() => gemini.session.inputSamples >= Math.floor((sent.sent * 2) / 3) - 5, 5000, 'all the audio at Gemini');
    expect(fatalErrors(h)).toEqual([]);
  });

  it('a service.switch frame mid-session moves the call from the OpenAI branch to the Gemini branch, conversation included', async () => {
    const a: S2SProcessor = s2sProcessor({ s2s: openaiEngine(openai), name: 'openai' });
    const b: S2SProcessor = s2sProcessor({ s2s: geminiEngine(gemini), name: 'gemini' });
    const switcher = serviceSwitcher([
      { name: 'openai', node: a, conversation: () => a.session?.conversation ?? [] },
      { name: 'gemini', node: b, conversation: () => b.session?.conversation ?? [] },
    ]);
    const h = (harness = new ProcessorHarness(switcher));
    await h.start();
    await until(() => openai.sessions.length === 1, 5000, 'the OpenAI session');
    expect(gemini.sessions).toHaveLength(0); // the standby branch opened no connection
    await feed(h, first);
    await until(() => assistantTurns(h) === 1, 10000, 'the first answer (OpenAI)');
    await until(() => (a.session?.conversation.length ?? 0) >= 2, 5000, 'the OpenAI conversation');

    h.send(ServiceSwitchFrame.create({ target: 'gemini', reason: 'user asked' }));
    expect(switcher.active).toBe('gemini');
    const switched = h.framesOf('service.switched');
    expect(switched).toEqual([expect.objectContaining({ from: 'openai', to: 'gemini', failover: false })]);
    // The Gemini branch re-seeds its session with the handed-over conversation.
    await until(() => gemini.sessions.some((s) => s.history.length >= 2), 8000, 'a seeded Gemini session');
    const seeded = gemini.sessions.find((s) => s.history.length >= 2);
    expect(seeded?.history.slice(0, 2)).toEqual([
      { role: 'user', text: FIRST },
      { role: 'model', text: 'It is sunny in Paris.' },
    ]);
    const openaiAudioBefore = openai.session.inputAudio().length;
    await feed(h, second);
    await until(() => assistantTurns(h) === 2, 10000, 'the second answer (Gemini)');
    expect(h.framesOf('transcript').filter((t) => t.role === 'assistant' && t.final).map((t) => t.text)).toEqual(['It is sunny in Paris.', 'Tomorrow it will rain.']);
    expect(b.session?.conversation.length).toBeGreaterThanOrEqual(4);
    // The idle OpenAI branch heard nothing more.
    expect(openai.session.inputAudio().length).toBe(openaiAudioBefore);
    expect(fatalErrors(h)).toEqual([]);
  });

  it('S2S -> cascade: OpenAI killed mid-call, the switcher fails over to an STT -> LLM -> TTS cascade seeded with the conversation', async () => {
    const services = await startOpenAiEmulator();
    try {
      services.transcriptions.push({ text: SECOND });
      services.chat.push({ text: 'Tomorrow it will rain.' });
      const service = { apiKey: 'test', baseURL: services.baseURL };
      const s2s = s2sProcessor({ s2s: openaiEngine(openai), name: 's2s' });
      const context = contextAggregator();
      const switcher = serviceSwitcher([
        { name: 's2s', node: s2s, conversation: () => s2s.session?.conversation ?? [] },
        {
          name: 'cascade',
          node: pipeline(sttProcessor({ stt: createOpenAiStt(service) }), context.user(), llmProcessor({ llm: createOpenAiLlm({ ...service, model: 'gpt-4.1-mini' }) }), ttsProcessor({ tts: createOpenAiTts(service) }), context.assistant()),
          conversation: () => context.messages,
        },
      ]);
      const h = (harness = new ProcessorHarness(pipeline(energyVad(), switcher)));
      await h.start();
      await feed(h, first);
      await until(() => assistantTurns(h) === 1, 10000, 'the first answer (OpenAI)');
      await until(() => (s2s.session?.conversation.length ?? 0) >= 2, 5000, 'the OpenAI conversation');

      openai.refuseNext(100, 503);
      openai.dropAll();
      await until(() => switcher.active === 'cascade', 5000, 'the failover to the cascade');
      expect(h.framesOf('service.switched')).toEqual([expect.objectContaining({ from: 's2s', to: 'cascade', failover: true })]);
      await feed(h, second);
      await until(() => h.framesOf('tts.stopped').length > 0, 10000, 'the cascade answer spoken');
      // The LLM was asked with the earlier conversation first.
      const chat = services.requests.filter((r) => r.path.endsWith('/chat/completions'));
      expect(chat).toHaveLength(1);
      const messages = chat[0].body.messages as { role: string; content: unknown }[];
      expect(messages.map((m) => [m.role, m.content])).toEqual(
        expect.arrayContaining([
          ['user', FIRST],
          ['assistant', 'It is sunny in Paris.'],
          ['user', SECOND],
        ]),
      );
      expect(h.framesOf('error', 'upstream').filter((e) => e.fatal)).toEqual([]);
    } finally {
      if (harness) {
        await harness.end().catch(() => undefined);
        harness.dispose();
        harness = undefined;
      }
      await services.close();
    }
  });

  it('OpenAI -> Gemini -> Nova: OpenAI refuses at start, Gemini is killed mid-call, Nova answers seeded with the conversation', async () => {
    const nova = await NovaSonicEmulator.start({ transcribe: () => SECOND, script: novaReplies({ say: 'Tomorrow it will rain.' }) });
    try {
      openai.refuseNext(100, 503);
      gemini.script = geminiReplies({ say: 'It is sunny in Paris.', audioMs: 600 });
      const geminiOnce = createS2S('gemini_live', { extra: { api_key: 'test', base_url: gemini.baseUrl, reconnect_attempts: 0 } });
      const novaEngine = createS2S('nova', { extra: { region: 'us-east-1', base_url: nova.baseUrl, credentials: nova.credentials } });
      const processor = s2sProcessor({ s2s: createFailoverS2S([openaiEngine(openai), geminiOnce, novaEngine]) });
      const h = (harness = new ProcessorHarness(processor));
      await h.start();
      const session = processor.session as FailoverS2SSession;
      expect(session.activeProvider).toBe('gemini_live');
      await feed(h, first);
      await until(() => assistantTurns(h) === 1, 10000, 'the first answer (Gemini)');
      // Kill Gemini: the server goes away, so its reconnect is refused.
      await gemini.close();
      await until(() => session.activeProvider === 'nova', 5000, 'the failover to Nova');
      await feed(h, second);
      await until(() => assistantTurns(h) === 2, 10000, 'the second answer (Nova)');
      expect(h.framesOf('transcript').filter((t) => t.role === 'assistant' && t.final).map((t) => t.text)).toEqual(['It is sunny in Paris.', 'Tomorrow it will rain.']);
      const seeded = nova.streams[0].history.map((m) => [m.role.toLowerCase(), m.text]);
      // Gemini's emulator transcribes every user turn as SECOND; the first turn's words come from it.
      expect(seeded).toEqual([
        ['user', SECOND],
        ['assistant', 'It is sunny in Paris.'],
      ]);
      expect(nova.totalAudioSamples).toBeGreaterThan(0);
      expect(nova.issues).toEqual([]);
      expect(fatalErrors(h)).toEqual([]);
    } finally {
      if (harness) {
        await harness.end().catch(() => undefined);
        harness.dispose();
        harness = undefined;
      }
      await nova.close();
    }
  });
});
