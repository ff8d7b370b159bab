/**
 * A microphone-less Amazon Nova Sonic voice agent: it streams a question from a WAV file to the model in real time
 * (any sample rate: the S2S processor resamples to the model's 16 kHz), writes the spoken reply to a WAV file, and
 * prints transcripts, tool calls and usage. Credentials come from the AWS SDK's default chain.
 *
 *   AWS_REGION=us-east-1 AWS_PROFILE=… npx tsx examples/nova-agent.ts question.wav reply.wav [--voice tiffany] [--model amazon.nova-2-sonic-v1:0]
 *   npx tsx examples/nova-agent.ts --emulator [question.wav] [reply.wav]   # offline, against the local emulator
 *
 * Every setting of the provider (`extra` in the config) is documented in packages/s2s-nova/README.md.
 */
import { createLogger, createS2S } from '@voxframe/core';
import { ToolRegistry, defineTool } from '@voxframe/processors';
import '@voxframe/s2s-nova';
import type { NovaSonicOptions } from '@voxframe/s2s-nova';
import { NovaSonicEmulator, scriptedReplies, tone } from '@voxframe/s2s-nova/testing';
import { parseFileAgentArgs, runFileAgent } from './support/file-agent';

const tools = new ToolRegistry([
  defineTool({
    name: 'get_time',
    description: 'The current time, as an ISO 8601 string.',
    parameters: { type: 'object', properties: {} },
    handler: () => ({ now: new Date().toISOString() }),
  }),
]);

/** A question for emulator mode without a WAV file: 0.3 s of silence, 1 s of tone (the emulator's VAD hears it), 1.2 s of silence. */
function syntheticQuestion(): Int16Array {
  const voice = tone(1000, 16000);
  const samples = new Int16Array(16000 * 2.5);
  samples.set(voice, 16000 * 0.3);
  return samples;
}

async function main(): Promise<void> {
  const args = parseFileAgentArgs(process.argv.slice(2));
  const logger = createLogger({ level: process.env.VOXFRAME_LOG_LEVEL ?? 'warn' });
  let emulator: NovaSonicEmulator | undefined;
  let extra: NovaSonicOptions = {};
  if (args.emulator) {
    // Offline: a local emulator answers with a scripted tool use and a scripted sentence.
    emulator = await NovaSonicEmulator.start({
      transcribe: () => 'What time is it?',
      script: scriptedReplies({ toolUse: { name: 'get_time', input: {} } }, (ctx) => ({
        say: `It is ${String((JSON.parse(ctx.toolResults[0]?.content ?? '{}') as { now?: string }).now)}.`,
        audioMs: 1500,
      })),
    });
    extra = { base_url: emulator.baseUrl, credentials: emulator.credentials, region: 'us-east-1' };
  } else if (!process.env.AWS_REGION) {
    console.error('Set AWS_REGION and AWS credentials, or pass --emulator to run offline against the local emulator.');
    process.exit(2);
  }
  if (args.input === undefined && !args.emulator) {
    console.error('Usage: nova-agent.ts question.wav [reply.wav] [--voice tiffany] [--model amazon.nova-2-sonic-v1:0]');
    process.exit(2);
  }

  const engine = createS2S('nova', {
    ...(args.voice === undefined ? {} : { voice: args.voice }),
    ...(args.model === undefined ? {} : { model: args.model }),
    instructions: 'You are a concise, friendly voice assistant. Use get_time when asked about the time.',
    tools: tools.definitions(),
    extra,
  });

  await runFileAgent({ engine, tools, input: args.input ?? { samples: syntheticQuestion(), sampleRate: 16000 }, output: args.output, logger });
  await emulator?.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
