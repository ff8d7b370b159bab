/**
 * The cascade (DESIGN-BRIEF section 6: per-stage overhead <= 5 ms over the service's own timing; sentence
 * aggregation <= 2 us CPU per token).
 *
 * 1. Added latency per stage, against the OpenAI-compatible emulator on 127.0.0.1, each beside its anchor in the
 *    same run: the official `openai` client alone, doing the same request to the same emulator.
 *    - STT final: `user.stopped-speaking` into `sttProcessor` -> final `transcript` out, vs. one
 *      `audio.transcriptions.create` of the same 1 s WAV;
 *    - LLM first token: `llm.context` into `llmProcessor` -> first `text` out, vs. `chat.completions.create`
 *      streaming -> first content delta;
 *    - TTS first audio: the sentence-completing `text` into `ttsProcessor` -> first `audio.output` out, vs.
 *      `audio.speech.create` -> first body chunk.
 *    Medians of wall time; the added latency is processor minus anchor.
 * 2. Sentence aggregation CPU per token over an LLM-like reply in word-sized tokens: `SentenceAggregator` vs. the
 *    least a splitter can do (append, then look for `. ` in the new token only), and vs. the regex-per-token rescan
 *    of the whole buffer that Pipecat's aggregators do.
 */
import { performance } from 'node:perf_hooks';
import OpenAI, { toFile } from 'openai';
import { createProcessorContext, makeFrame, type Frame, type FrameNode } from '@voxframe/core';
import { createOpenAiLlm, createOpenAiStt, createOpenAiTts, encodeWav } from '@voxframe/openai';
import { startOpenAiEmulator, type OpenAiEmulator } from '@voxframe/openai/testing';
import { SentenceAggregator, llmProcessor, sttProcessor, ttsProcessor } from '@voxframe/processors';
import { cpuUs, median } from './stats';
import type { BenchRow } from './types';

/** Wires a node to a callback and starts it on the real clock. */
function startNode(node: FrameNode, onFrame: (frame: Frame) => void): void {
  node.setTarget('downstream', { receive: (frame) => onFrame(frame) });
  node.setTarget('upstream', { receive: () => undefined });
  node.attach(createProcessorContext());
  node.receive(makeFrame('start', { allowInterruptions: true, enableMetrics: false }), 'downstream');
}

function waitFor(register: (resolve: () => void) => void): Promise<void> {
  return new Promise((resolve) => register(resolve));
}

async function sttStage(emulator: OpenAiEmulator, rounds: number): Promise<{ processor: number; anchor: number }> {
  const client = new OpenAI({ baseURL: emulator.baseURL, apiKey: 'k', maxRetries: 0 });
  const second = new Int16Array(16000).fill(300);
  const wav = encodeWav([second], 16000);
  const anchor: number[] = [];
  const processor: number[] = [];
  let onFinal: (() => void) | undefined;
  const stt = sttProcessor({ stt: createOpenAiStt({ baseURL: emulator.baseURL, apiKey: 'k' }) });
  startNode(stt, (frame) => {
    if (frame.type === 'transcript' && frame.final) onFinal?.();
  });
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    await client.audio.transcriptions.create({ file: await toFile(wav, 'turn.wav', { type: 'audio/wav' }), model: 'm', response_format: 'json' });
    anchor.push(performance.now() - t0);
    for (let f = 0; f < 50; f++) stt.receive(makeFrame('audio.input', { samples: second.subarray(f * 320, (f + 1) * 320), sampleRate: 16000, channels: 1 }), 'downstream');
    const final = waitFor((resolve) => (onFinal = resolve));
    t0 = performance.now();
    stt.receive(makeFrame('user.stopped-speaking', {}), 'downstream');
    await final;
    processor.push(performance.now() - t0);
  }
  stt.dispose();
  return { processor: median(processor), anchor: median(anchor) };
}

async function llmStage(emulator: OpenAiEmulator, rounds: number): Promise<{ processor: number; anchor: number }> {
  const client = new OpenAI({ baseURL: emulator.baseURL, apiKey: 'k', maxRetries: 0 });
  emulator.chat.fallback = { text: 'It is sunny in Paris today. Enjoy your walk by the river.' };
  const messages = [{ role: 'user' as const, content: 'weather?' }];
  const anchor: number[] = [];
  const processor: number[] = [];
  let onText: (() => void) | undefined;
  let onEnded: (() => void) | undefined;
  const llm = llmProcessor({ llm: createOpenAiLlm({ model: 'm', baseURL: emulator.baseURL, apiKey: 'k' }) });
  startNode(llm, (frame) => {
    if (frame.type === 'text') onText?.();
    if (frame.type === 'response.ended') onEnded?.();
  });
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } });
    let first = true;
    for await (const chunk of stream) {
      if (first && chunk.choices[0]?.delta?.content) {
        anchor.push(performance.now() - t0);
        first = false;
      }
    }
    const text = waitFor((resolve) => (onText = resolve));
    const ended = waitFor((resolve) => (onEnded = resolve));
    t0 = performance.now();
    llm.receive(makeFrame('llm.context', { messages }), 'downstream');
    await text;
    processor.push(performance.now() - t0);
    onText = undefined;
    await ended;
  }
  llm.dispose();
  return { processor: median(processor), anchor: median(anchor) };
}

async function ttsStage(emulator: OpenAiEmulator, rounds: number): Promise<{ processor: number; anchor: number }> {
  const client = new OpenAI({ baseURL: emulator.baseURL, apiKey: 'k', maxRetries: 0 });
  emulator.speech.fallback = { durationMs: 400 };
  const anchor: number[] = [];
  const processor: number[] = [];
  let onAudio: (() => void) | undefined;
  let onEnded: (() => void) | undefined;
  const tts = ttsProcessor({ tts: createOpenAiTts({ baseURL: emulator.baseURL, apiKey: 'k' }) });
  startNode(tts, (frame) => {
    if (frame.type === 'audio.output') onAudio?.();
    if (frame.type === 'response.ended') onEnded?.();
  });
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    const response = await client.audio.speech.create({ model: 'm', voice: 'alloy', input: 'It is sunny in Paris today.', response_format: 'pcm' });
    let first = true;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (first && chunk.length > 0) {
        anchor.push(performance.now() - t0);
        first = false;
      }
    }
    tts.receive(makeFrame('response.started', { responseId: `r${i}` }), 'downstream');
    tts.receive(makeFrame('text', { text: 'It is sunny in Paris today.', role: 'assistant' }), 'downstream');
    const audio = waitFor((resolve) => (onAudio = resolve));
    const ended = waitFor((resolve) => (onEnded = resolve));
    t0 = performance.now();
    tts.receive(makeFrame('text', { text: ' Enjoy', role: 'assistant' }), 'downstream');
    await audio;
    processor.push(performance.now() - t0);
    onAudio = undefined;
    tts.receive(makeFrame('response.ended', { responseId: `r${i}`, status: 'completed' }), 'downstream');
    await ended;
  }
  tts.dispose();
  return { processor: median(processor), anchor: median(anchor) };
}

/** An LLM-like reply in word-sized tokens (leading spaces, abbreviations, numbers, a code span). */
function tokens(count: number): string[] {
  const words = 'Sure. Dr. Smith said the total is 3.50 dollars, e.g. for `npm i` users. That is all! Anything else? '.match(/\s*\S+/g) as string[];
  return Array.from({ length: count }, (_, i) => words[i % words.length]);
}

function aggregationCpu(stream: readonly string[], passes: number): { ours: number; minimal: number; regexRescan: number } {
  const measure = (body: () => void): number => {
    for (let w = 0; w < 20; w++) body(); // warm-up: let the JIT settle before measuring
    const cpu0 = process.cpuUsage();
    for (let p = 0; p < passes; p++) body();
    return cpuUs(cpu0) / (passes * stream.length);
  };
  let sink = 0;
  const ours = measure(() => {
    const aggregator = new SentenceAggregator();
    const out: string[] = [];
    for (const token of stream) {
      aggregator.push(token, out);
      sink += out.length;
      out.length = 0;
    }
  });
  const minimal = measure(() => {
    let buffer = '';
    for (const token of stream) {
      buffer += token;
      if (token.startsWith(' ') && /[.!?]$/.test(buffer.slice(-token.length - 1, -token.length))) {
        sink += 1;
        buffer = token;
      }
    }
  });
  const regexRescan = measure(() => {
    let buffer = '';
    const boundary = /[.!?]["')\]]*\s/;
    for (const token of stream) {
      buffer += token;
      const match = boundary.exec(buffer);
      if (match !== null) {
        sink += 1;
        buffer = buffer.slice(match.index + match[0].length);
      }
    }
  });
  if (sink < 0) console.log(sink);
  return { ours, minimal, regexRescan };
}

export async function run({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const emulator = await startOpenAiEmulator();
  const rounds = quick ? 15 : 100;
  try {
    const stt = await sttStage(emulator, rounds);
    const llm = await llmStage(emulator, rounds);
    const tts = await ttsStage(emulator, rounds);
    const agg = aggregationCpu(tokens(2000), quick ? 100 : 500);
    const stage = (name: string, m: { processor: number; anchor: number }, what: string): BenchRow => ({
      name: `cascade ${name}: added latency (median)`,
      value: m.processor - m.anchor,
      unit: 'ms',
      anchor: `${what} (median ${m.anchor.toFixed(2)} ms)`,
      anchorValue: m.anchor,
      ratio: m.processor / m.anchor,
      target: '<= 5 ms',
      pass: m.processor - m.anchor <= 5,
      notes: `processor ${m.processor.toFixed(2)} ms, ${rounds} rounds`,
    });
    return [
      stage('STT final', stt, 'openai client transcriptions.create, same WAV'),
      stage('LLM first token', llm, 'openai client chat.completions stream, first delta'),
      stage('TTS first audio', tts, 'openai client audio.speech, first body chunk'),
      {
        name: 'sentence aggregation: CPU per token',
        value: agg.ours,
        unit: 'us',
        anchor: 'minimal splitter (append, check the new token only)',
        anchorValue: agg.minimal,
        ratio: agg.ours / agg.minimal,
        target: '<= 2 us',
        pass: agg.ours <= 2,
        notes: `regex rescan of the buffer per token (Pipecat's way): ${agg.regexRescan.toFixed(3)} us/token`,
      },
    ];
  } finally {
    await emulator.close();
  }
}
