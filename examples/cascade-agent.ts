/**
 * A microphone-less cascade voice agent (STT -> LLM -> TTS on OpenAI-compatible endpoints): it streams a question
 * from a WAV file in real time through a VAD, transcribes the turn, answers with a chat model (which may call a
 * tool), speaks the answer, writes it to a WAV file, and prints the transcript, the reply, the history and each
 * stage's latency.
 *
 *   OPENAI_API_KEY=sk-… npx tsx examples/cascade-agent.ts question.wav reply.wav [--model gpt-4.1-mini] [--base-url URL]
 *   npx tsx examples/cascade-agent.ts --emulator [question.wav] [reply.wav]   # offline, against the local emulator
 *
 * `--base-url` points every stage at another OpenAI-compatible server (Groq, vLLM, Ollama for the LLM ...). Every
 * option of the services is documented in packages/openai/README.md; the processors in docs/cascade.md.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelineRunner, createLogger, pipeline } from '@voxframe/core';
import { createOpenAiLlm, createOpenAiStt, createOpenAiTts } from '@voxframe/openai';
import { startOpenAiEmulator, type OpenAiEmulator } from '@voxframe/openai/testing';
import { contextAggregator, defineTool, energyVad, llmProcessor, outputPacer, sileroVad, sttProcessor, ttsProcessor } from '@voxframe/processors';
import { concatSamples, silence, speechLike } from '@voxframe/s2s-openai/testing';
import { WavFileInput, WavFileOutput } from '@voxframe/transports';

function parseArgs(argv: readonly string[]) {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  let emulator = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--emulator') emulator = true;
    else if (arg.startsWith('--')) flags[arg.slice(2)] = argv[++i] ?? '';
    else positional.push(arg);
  }
  return { input: positional[0], output: positional[1] ?? join(tmpdir(), 'voxframe-reply.wav'), emulator, model: flags.model ?? 'gpt-4.1-mini', baseURL: flags['base-url'] };
}

const clock = defineTool({
  name: 'get_time',
  description: 'The current time, as an ISO 8601 string.',
  parameters: { type: 'object', properties: {} },
  handler: () => ({ now: new Date().toISOString() }),
});

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const logger = createLogger({ level: process.env.VOXFRAME_LOG_LEVEL ?? 'warn' });
  let emulator: OpenAiEmulator | undefined;
  let service: { apiKey?: string; baseURL?: string } = args.baseURL ? { baseURL: args.baseURL } : {};
  if (args.emulator) {
    // Offline: the emulator transcribes any turn as a question about the time, calls the tool, then answers.
    emulator = await startOpenAiEmulator();
    emulator.transcriptions.push({ text: 'What time is it?' });
    emulator.chat.push({ text: 'Let me look.', toolCalls: [{ name: 'get_time', arguments: '{}' }] }, { text: 'It is time for a demo. Anything else?' });
    service = { apiKey: 'emulator', baseURL: emulator.baseURL };
  } else if (!process.env.OPENAI_API_KEY && !args.baseURL) {
    console.error('Set OPENAI_API_KEY (or pass --base-url), or pass --emulator to run offline against the local emulator.');
    process.exit(2);
  }
  if (args.input === undefined && !args.emulator) {
    console.error('Usage: cascade-agent.ts question.wav [reply.wav] [--model gpt-4.1-mini] [--base-url URL]');
    process.exit(2);
  }

  const context = contextAggregator({ systemPrompt: 'You are a concise, friendly voice assistant. Use get_time when asked about the time.' });
  // Question audio: the WAV file, or (emulator mode without a file) a second of a synthetic voice, which the energy
  // VAD detects (Silero is trained on real speech).
  const input = args.input
    ? new WavFileInput(args.input, { paced: true, endWhenDone: false })
    : new WavFileInput({ samples: concatSamples(silence(300), speechLike(1000), silence(1500)), sampleRate: 24000, channels: 1 }, { paced: true, endWhenDone: false });
  const output = new WavFileOutput(args.output);
  const runner = new PipelineRunner(
    pipeline(
      input,
      args.input ? sileroVad() : energyVad(),
      sttProcessor({ stt: createOpenAiStt(service) }),
      context.user(),
      llmProcessor({ llm: createOpenAiLlm({ ...service, model: args.model }), tools: [clock] }),
      ttsProcessor({ tts: createOpenAiTts(service) }),
      outputPacer(),
      output,
      context.assistant(),
    ),
    { logger },
  );
  let replied: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (replied = resolve));
  runner.observe({
    onFrame: ({ frame, source }) => {
      if (frame.type === 'transcript' && frame.final && source === 'stt') console.log(`[user] ${frame.text}`);
      if (frame.type === 'tool.call' && source === 'llm') console.log(`[tool] ${frame.name}(${frame.arguments})`);
      if (frame.type === 'error' && source !== 'runner') console.error(`[error] ${frame.error.code}: ${frame.error.message}`);
      if (frame.type === 'metrics') for (const m of frame.metrics) if (m.kind === 'latency' && m.processor === source) console.log(`[latency] ${m.name}: ${m.valueMs.toFixed(0)} ms`);
      if (frame.type === 'playback.progress' && frame.final && source === 'outputPacer') replied();
    },
  });
  void runner.run();
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 60_000).unref());
  await Promise.race([done, timeout]);
  await runner.end();
  output.save();
  console.log('[history]');
  for (const message of context.messages) console.log(`  ${message.role}: ${message.content}${message.toolCalls ? ` (calls ${message.toolCalls.map((c) => c.name).join(', ')})` : ''}`);
  console.log(`Reply written to ${args.output} (${output.samples.length} samples at ${output.sampleRate ?? '?'} Hz).`);
  await emulator?.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
