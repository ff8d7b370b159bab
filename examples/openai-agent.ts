/**
 * A microphone-less OpenAI Realtime voice agent: it streams a question from a WAV file to the model in real time
 * (any sample rate: the S2S processor resamples to the provider's 24 kHz), writes the spoken reply to a WAV file,
 * and prints transcripts, tool calls and usage.
 *
 *   OPENAI_API_KEY=sk-… npx tsx examples/openai-agent.ts question.wav [reply.wav] [--voice marin] [--model gpt-realtime-2.1]
 *   npx tsx examples/openai-agent.ts --emulator [question.wav] [reply.wav]   # offline, against the local emulator
 *
 * Every setting of the provider (`extra` in the config) is documented in packages/s2s-openai/README.md.
 */
import { createLogger, createS2S } from '@voxframe/core';
import { ToolRegistry, defineTool } from '@voxframe/processors';
import '@voxframe/s2s-openai';
import { RealtimeEmulator, concatSamples, scriptedReplies, silence, speechLike } from '@voxframe/s2s-openai/testing';
import { parseFileAgentArgs, runFileAgent } from './support/file-agent';

const tools = new ToolRegistry([
  defineTool({
    name: 'get_time',
    description: 'The current time, as an ISO 8601 string.',
    parameters: { type: 'object', properties: {} },
    handler: () => ({ now: new Date().toISOString() }),
  }),
]);

async function main(): Promise<void> {
  const args = parseFileAgentArgs(process.argv.slice(2));
  const logger = createLogger({ level: process.env.VOXFRAME_LOG_LEVEL ?? 'warn' });
  let emulator: RealtimeEmulator | undefined;
  const extra: Record<string, unknown> = {};
  if (args.emulator) {
    // Offline: a local emulator answers with a scripted tool call and a scripted sentence.
    emulator = await RealtimeEmulator.start({
      transcribe: () => 'What time is it?',
      script: scriptedReplies({ toolCalls: [{ name: 'get_time', arguments: {} }] }, (ctx) => ({
        say: `It is ${String((JSON.parse(ctx.toolOutputs[0]?.output ?? '{}') as { now?: string }).now)}.`,
        audioMs: 1500,
      })),
    });
    Object.assign(extra, { api_key: 'emulator', base_url: emulator.baseUrl });
  } else if (!process.env.OPENAI_API_KEY) {
    console.error('Set OPENAI_API_KEY, or pass --emulator to run offline against the local emulator.');
    process.exit(2);
  }
  if (args.input === undefined && !args.emulator) {
    console.error('Usage: openai-agent.ts question.wav [reply.wav] [--voice marin] [--model gpt-realtime-2.1]');
    process.exit(2);
  }

  const engine = createS2S('openai_realtime', {
    ...(args.voice === undefined ? {} : { voice: args.voice }),
    ...(args.model === undefined ? {} : { model: args.model }),
    instructions: 'You are a concise, friendly voice assistant. Use get_time when asked about the time.',
    // No `tools` here: the S2S processor gives its registry's definitions to the session (tools in one place).
    extra,
  });

  await runFileAgent({ engine, tools, input: args.input ?? { samples: concatSamples(silence(300), speechLike(1000), silence(1200)), sampleRate: 24000 }, output: args.output, logger });
  await emulator?.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
