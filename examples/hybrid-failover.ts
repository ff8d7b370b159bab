/**
 * Failover between speech-to-speech providers: OpenAI Realtime first, Gemini Live as the backup, behind one S2S
 * processor (`createFailoverS2S`). It streams a WAV file to the agent in real time and writes the spoken reply to a WAV
 * file; when OpenAI fails for good the call moves to Gemini, seeded with the conversation and with the user's unheard
 * audio replayed (resampled from 24 kHz to Gemini's 16 kHz).
 *
 *   OPENAI_API_KEY=… GEMINI_API_KEY=… npx tsx examples/hybrid-failover.ts question.wav reply.wav
 *   npx tsx examples/hybrid-failover.ts --emulator [reply.wav]   # offline: two local emulators; OpenAI is killed
 *                                                                 # after its first answer
 *
 * See docs/hybrid.md for what failover guarantees and its limits.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelineRunner, createLogger, createS2S, pipeline, type Hooks } from '@voxframe/core';
import { createFailoverS2S, s2sProcessor, type FailoverSwitch } from '@voxframe/processors';
import '@voxframe/s2s-openai';
import '@voxframe/s2s-gemini';
import { RealtimeEmulator, concatSamples, scriptedReplies as openaiReplies, silence, speechLike } from '@voxframe/s2s-openai/testing';
import { GeminiLiveEmulator, scriptedReplies as geminiReplies } from '@voxframe/s2s-gemini/testing';
import { WavFileInput, WavFileOutput } from '@voxframe/transports';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const offline = argv.includes('--emulator');
  const positional = argv.filter((a) => !a.startsWith('--'));
  const logger = createLogger({ level: process.env.VOXFRAME_LOG_LEVEL ?? 'error' });
  const input = offline ? undefined : positional[0];
  const outputPath = (offline ? positional[0] : positional[1]) ?? join(tmpdir(), 'voxframe-reply.wav');

  let openaiEmulator: RealtimeEmulator | undefined;
  let geminiEmulator: GeminiLiveEmulator | undefined;
  const openaiExtra: Record<string, unknown> = { api_key: process.env.OPENAI_API_KEY, reconnect_attempts: 1 };
  const geminiExtra: Record<string, unknown> = { api_key: process.env.GEMINI_API_KEY ?? process.env.GOOGLE_API_KEY };
  if (offline) {
    openaiEmulator = await RealtimeEmulator.start({ transcribe: () => 'My name is Ada.', script: openaiReplies({ say: 'Nice to meet you, Ada.', audioMs: 1200 }) });
    // The backup answers from what it was seeded with: the conversation held by OpenAI before it died.
    const seededWithAda = (): boolean => geminiEmulator?.session.history.some((t) => t.text.includes('Ada')) ?? false;
    geminiEmulator = await GeminiLiveEmulator.start({
      transcribe: () => 'What is my name?',
      script: geminiReplies(() => ({ say: seededWithAda() ? 'Your name is Ada.' : 'I do not know your name.', audioMs: 1200 })),
    });
    Object.assign(openaiExtra, { api_key: 'emulator', base_url: openaiEmulator.baseUrl });
    Object.assign(geminiExtra, { api_key: 'emulator', base_url: geminiEmulator.baseUrl });
  } else if (input === undefined || !openaiExtra.api_key || !geminiExtra.api_key) {
    console.error('Usage: OPENAI_API_KEY=… GEMINI_API_KEY=… hybrid-failover.ts question.wav [reply.wav], or --emulator to run offline.');
    process.exit(2);
  }

  const instructions = 'You are a concise, friendly voice assistant.';
  const s2s = createFailoverS2S(
    [createS2S('openai_realtime', { instructions, extra: openaiExtra }), createS2S('gemini_live', { instructions, extra: geminiExtra })],
    { onSwitch: (s: FailoverSwitch) => console.log(`[failover] ${s.from} -> ${s.to} in ${s.switchMs} ms (${s.reason}); replayed ${s.replayedMs.toFixed(0)} ms of user audio`) },
  );

  let answers = 0;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const hooks: Hooks = {
    onTurn: (turn) => {
      console.log(`[${turn.role}] (${turn.status}) ${turn.text}`);
      if (turn.role !== 'assistant' || turn.status !== 'completed') return;
      answers += 1;
      if (answers === 1 && openaiEmulator !== undefined) {
        // Kill OpenAI: the socket drops and its reconnect is refused.
        console.log('[demo] OpenAI goes down');
        openaiEmulator.refuseNext(100, 503);
        openaiEmulator.dropAll();
      }
      if (answers === 2 || (!offline && answers >= 1)) finished();
    },
    onError: (error) => console.error(`[error] ${error.code}: ${error.message}`),
  };

  // Offline: two synthetic user turns at 24 kHz, the second one spoken while OpenAI is down.
  const audio = input
    ? new WavFileInput(input, { paced: true, endWhenDone: false })
    : new WavFileInput(
        { samples: concatSamples(silence(300), speechLike(1000), silence(2500), speechLike(1000), silence(1500)), sampleRate: 24000, channels: 1 },
        { paced: true, endWhenDone: false },
      );
  const output = new WavFileOutput(outputPath);
  const runner = new PipelineRunner(pipeline(audio, s2sProcessor({ s2s, hooks }), output), { logger });
  void runner.run();
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 60_000).unref());
  await Promise.race([done, timeout]);
  await runner.end();
  output.save();
  console.log(`Reply written to ${outputPath} (${output.samples.length} samples at ${output.sampleRate ?? '?'} Hz).`);
  await openaiEmulator?.close();
  await geminiEmulator?.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
