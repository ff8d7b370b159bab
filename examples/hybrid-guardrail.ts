/**
 * A text guardrail between a model and the voice: OpenAI Realtime in text mode (`output_modalities: 'text'`) listens
 * to the user; `textGuardrail` checks each sentence of its reply before it may be spoken, blocking card numbers with
 * a replacement and rewriting a banned word. The checked text is what a TTS would speak (put your TTS processor after
 * the guardrail); here it is printed.
 *
 *   OPENAI_API_KEY=… npx tsx examples/hybrid-guardrail.ts question.wav
 *   npx tsx examples/hybrid-guardrail.ts --emulator     # offline, against the local emulator
 *
 * See docs/hybrid.md (shape 4) for what the guardrail guarantees and its limits.
 */
import { PipelineRunner, createLogger, createS2S, pipeline } from '@voxframe/core';
import { GuardrailActionFrame, s2sProcessor, textGuardrail, type GuardrailVerdict } from '@voxframe/processors';
import '@voxframe/s2s-openai';
import { RealtimeEmulator, concatSamples, scriptedReplies, silence, speechLike } from '@voxframe/s2s-openai/testing';
import { WavFileInput } from '@voxframe/transports';

const CARD_NUMBER = /\b(?:\d[ -]?){13,19}\b/;

/** The policy: no card numbers spoken; "guaranteed" becomes "expected". A real one might call a moderation model. */
function check(text: string): GuardrailVerdict {
  if (CARD_NUMBER.test(text)) return { action: 'block', reason: 'card number', replacement: 'I cannot read card numbers out loud. ' };
  if (/\bguaranteed\b/i.test(text)) return { action: 'rewrite', text: text.replace(/\bguaranteed\b/gi, 'expected'), reason: 'no promises' };
  return { action: 'allow' };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const offline = argv.includes('--emulator');
  const input = argv.find((a) => !a.startsWith('--'));
  const logger = createLogger({ level: process.env.VOXFRAME_LOG_LEVEL ?? 'warn' });
  let emulator: RealtimeEmulator | undefined;
  const extra: Record<string, unknown> = { api_key: process.env.OPENAI_API_KEY, output_modalities: 'text' };
  if (offline) {
    emulator = await RealtimeEmulator.start({
      transcribe: () => 'Which card did I use, and when will it arrive?',
      script: scriptedReplies({ say: 'You paid with card 4111 1111 1111 1111. Delivery is guaranteed by Friday. Anything else?' }),
    });
    Object.assign(extra, { api_key: 'emulator', base_url: emulator.baseUrl });
  } else if (input === undefined || !extra.api_key) {
    console.error('Usage: OPENAI_API_KEY=… hybrid-guardrail.ts question.wav, or --emulator to run offline.');
    process.exit(2);
  }

  const engine = createS2S('openai_realtime', { instructions: 'You are a concise order-support assistant.', extra });
  const audio = input
    ? new WavFileInput(input, { paced: true, endWhenDone: false })
    : new WavFileInput({ samples: concatSamples(silence(300), speechLike(1000), silence(1500)), sampleRate: 24000, channels: 1 }, { paced: true, endWhenDone: false });
  const guard = textGuardrail({ check, unit: 'sentence' });
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const runner = new PipelineRunner(pipeline(audio, s2sProcessor({ s2s: engine }), guard), { logger });
  runner.observe({
    onFrame: ({ frame, source }) => {
      if (source !== 'guardrail') return;
      if (frame.type === 'text' && frame.role === 'assistant') console.log(`[to the TTS] ${frame.text}`);
      if (GuardrailActionFrame.is(frame)) console.log(`[guardrail] ${frame.action} (${frame.reason}): "${frame.original.trim()}"`);
      if (frame.type === 'turn.end' && frame.role === 'assistant') finished();
    },
  });
  void runner.run();
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 60_000).unref());
  await Promise.race([done, timeout]);
  await runner.end();
  await emulator?.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
