/**
 * The shared half of the file-to-file examples (`openai-agent.ts`, `gemini-agent.ts`, `nova-agent.ts`): question
 * audio from a WAV file (or a given clip) through `s2sProcessor` into a reply WAV, printing turns, tool calls, usage
 * and errors, done once the model has spoken after its tool calls (or after 60 s).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelineRunner, pipeline, type Hooks, type Logger, type S2S } from '@voxframe/core';
import { s2sProcessor, type ToolRegistry } from '@voxframe/processors';
import { WavFileInput, WavFileOutput } from '@voxframe/transports';

/** The examples' command line: `question.wav [reply.wav] [--emulator] [--voice V] [--model M]`. */
export interface FileAgentArgs {
  readonly input?: string;
  readonly output: string;
  readonly emulator: boolean;
  readonly voice?: string;
  readonly model?: string;
}

/** Parses the examples' command line. */
export function parseFileAgentArgs(argv: readonly string[]): FileAgentArgs {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  let emulator = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--emulator') emulator = true;
    else if (arg.startsWith('--')) flags[arg.slice(2)] = argv[++i] ?? '';
    else positional.push(arg);
  }
  return {
    ...(positional[0] === undefined ? {} : { input: positional[0] }),
    // Not in the current directory by default: a run must not leave files in the repository.
    output: positional[1] ?? join(tmpdir(), 'voxframe-reply.wav'),
    emulator,
    ...(flags.voice === undefined ? {} : { voice: flags.voice }),
    ...(flags.model === undefined ? {} : { model: flags.model }),
  };
}

/** What {@link runFileAgent} needs. */
export interface FileAgentOptions {
  readonly engine: S2S;
  readonly tools: ToolRegistry;
  /** A WAV path, or mono PCM16 samples at `sampleRate`. */
  readonly input: string | { readonly samples: Int16Array; readonly sampleRate: number };
  /** Where the reply WAV goes. */
  readonly output: string;
  readonly logger: Logger;
}

/** Runs one question through the engine and writes the reply. */
export async function runFileAgent(options: FileAgentOptions): Promise<void> {
  let answered: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    answered = resolve;
  });
  const hooks: Hooks = {
    onTurn: (turn) => {
      if (turn.role === 'assistant' && turn.text === '') return; // a response that only called tools
      console.log(`[${turn.role}] (${turn.status}) ${turn.text}`);
      // The reply is complete once the model spoke after its tool calls.
      if (turn.role === 'assistant' && turn.text !== '') answered();
    },
    onToolCall: (call) => console.log(`[tool] ${call.name}(${call.arguments})`),
    onError: (error) => console.error(`[error] ${error.code}: ${error.message}`),
  };
  const input =
    typeof options.input === 'string'
      ? new WavFileInput(options.input, { paced: true, endWhenDone: false })
      : new WavFileInput({ samples: options.input.samples, sampleRate: options.input.sampleRate, channels: 1 }, { paced: true, endWhenDone: false });
  const output = new WavFileOutput(options.output);
  const runner = new PipelineRunner(pipeline(input, s2sProcessor({ s2s: options.engine, tools: options.tools, hooks }), output), { logger: options.logger });
  runner.observe({
    onFrame: ({ frame, source }) => {
      // Each processor that passes a frame on is observed; report usage once, where it is made.
      if (frame.type === 'metrics' && source === 's2s') for (const metric of frame.metrics) if (metric.kind === 'usage') console.log('[usage]', metric.usage);
    },
  });
  void runner.run();
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 60_000).unref());
  await Promise.race([done, timeout]);
  await runner.end();
  output.save();
  console.log(`Reply written to ${options.output} (${output.samples.length} samples at ${output.sampleRate ?? '?'} Hz).`);
}
