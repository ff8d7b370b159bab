/**
 * End to end through the S2S processor (`@voxframe/processors`) with espeak-ng speech at 16 kHz, the real AWS SDK
 * client and the emulator: a spoken turn, a barge-in signalled by the model while it speaks (the pacer reports
 * what was heard and the conversation keeps only that), and a tool round trip through the tool registry.
 */
import { pipeline, makeFrame, type OutputAudioFrame } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { ToolRegistry, defineTool, outputPacer, s2sProcessor } from '@voxframe/processors';
import type { NovaSonicSession } from '@voxframe/s2s-nova';
import { NovaSonicEmulator, frames, scriptedReplies } from '@voxframe/s2s-nova/testing';
import { buildConversation, describeWithSpeech, type SpeechClip } from '../../processors/test/fixtures/speech';
import { engineFor, until } from './support/harness';

// Real HTTP/2, real speech and real-time playback: generous bounds so a loaded machine slows the test, not fails it.
jest.setTimeout(60_000);

async function feed(harness: ProcessorHarness, clip: SpeechClip): Promise<void> {
  let n = 0;
  for (const samples of frames(clip.samples, 20, clip.sampleRate)) {
    harness.send(makeFrame('audio.input', { samples, sampleRate: clip.sampleRate, channels: 1 }));
    if (++n % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

describeWithSpeech('nova through s2sProcessor', () => {
  let emulator: NovaSonicEmulator;
  let harness: ProcessorHarness | undefined;
  let question: SpeechClip;

  beforeAll(async () => {
    question = await buildConversation([{ text: 'What is the weather like in Paris today?', silenceAfterMs: 1000 }], 16000, { leadSilenceMs: 300 });
  });

  beforeEach(async () => {
    emulator = await NovaSonicEmulator.start({ transcribe: () => 'What is the weather like in Paris today?' });
  });

  afterEach(async () => {
    if (harness) {
      await harness.end().catch(() => undefined);
      harness.dispose();
      harness = undefined;
    }
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  it('a spoken turn at 16 kHz gets 24 kHz audio, FINAL transcripts and a turn end', async () => {
    emulator.script = scriptedReplies({ say: 'It is sunny in Paris.', audioMs: 1200 });
    const session = await engineFor(emulator).start();
    harness = new ProcessorHarness(s2sProcessor({ session }));
    await harness.start();
    await feed(harness, question);
    await harness.waitFor((f) => f.type === 'turn.end' && f.role === 'assistant', 15_000, 'the assistant turn end');
    // The whole clip reached the model: sample counts on the emulator side.
    await until(() => emulator.stream.audioSamples === question.samples.length, 5000, 'all audio at the emulator');
    const audio = harness.framesOf('audio.output');
    expect(audio.every((f) => f.sampleRate === 24000 && f.channels === 1)).toBe(true);
    expect(audio.reduce((n, f) => n + f.samples.length, 0)).toBe(24 * 1200);
    const transcripts = harness.framesOf('transcript');
    expect(transcripts.filter((t) => t.role === 'user').map((t) => t.text)).toEqual(['What is the weather like in Paris today?']);
    // From FINAL only: the SPECULATIVE preview of the same words is not reported a second time.
    expect(transcripts.filter((t) => t.role === 'assistant').map((t) => t.text)).toEqual(['It is sunny in Paris.']);
    expect(harness.framesOf('text').filter((t) => t.role === 'assistant')).toEqual([]);
  });

  it('barge-in: the model signals it, queued output is dropped, and the conversation keeps what was heard', async () => {
    const say = 'Let me tell you everything about the weather in Paris, in great detail, for a long while.';
    emulator.script = scriptedReplies({ say, audioMs: 20_000 }, { say: 'Sorry, go ahead.' });
    const session: NovaSonicSession = await engineFor(emulator).start();
    harness = new ProcessorHarness(pipeline(s2sProcessor({ session }), outputPacer()));
    await harness.start();
    await feed(harness, question);
    await harness.waitForType('audio.output', 8000);
    await until(() => (harness?.framesOf('playback.progress', 'upstream').pop()?.playedMs ?? 0) >= 700, 5000, '700 ms played');
    await feed(harness, await buildConversation([{ text: 'Stop, stop.', silenceAfterMs: 800 }], 16000, { leadSilenceMs: 0 }));
    await harness.waitFor((f) => f.type === 'interruption.start', 5000, 'the interruption');
    expect(emulator.stream.bargeIns).toBe(1);
    const cutAt = harness.downstream.findIndex((f) => f.type === 'interruption.start');
    const interruptedId = (harness.downstream.slice(0, cutAt).filter((f): f is OutputAudioFrame => f.type === 'audio.output').pop() as OutputAudioFrame).utteranceId;
    // The model went on sending audio faster than real time; none of it after the cut reaches the output.
    const after = harness.downstream.slice(cutAt).filter((f): f is OutputAudioFrame => f.type === 'audio.output' && f.utteranceId === interruptedId);
    expect(after).toEqual([]);
    // The second utterance is answered.
    await harness.waitFor((f) => f.type === 'transcript' && f.role === 'assistant' && f.text === 'Sorry, go ahead.', 15_000, 'the answer after the barge-in');
    // The user heard a couple of seconds of 20 s of speech: the conversation keeps the matching start of the words
    // (cut by the played time, back to a word boundary), not what the model generated ahead.
    const conversation = session.conversation;
    expect(conversation.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    const heard = conversation[1]?.content ?? '';
    expect(heard.length).toBeGreaterThan(0);
    expect(say.startsWith(heard)).toBe(true);
    expect(heard.length).toBeLessThan(say.length * 0.3);
    expect(say[heard.length]).toBe(' '); // cut at a whole word (core's heardText rule)
    expect(conversation[3]?.content).toBe('Sorry, go ahead.');
  });

  it('a tool round trip through the tool registry', async () => {
    const registry = new ToolRegistry([
      defineTool({
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        handler: ({ city }) => ({ city, temp: 21 }),
      }),
    ]);
    emulator.script = scriptedReplies({ toolUse: { name: 'get_weather', input: { city: 'Paris' } } }, (ctx) => ({
      say: `It is ${String((JSON.parse(ctx.toolResults[0]?.content ?? '{}') as { temp: number }).temp)} degrees in Paris.`,
    }));
    const session = await engineFor(emulator, {}, { tools: registry.definitions() }).start();
    harness = new ProcessorHarness(s2sProcessor({ session, tools: registry }));
    await harness.start();
    await feed(harness, question);
    await harness.waitFor((f) => f.type === 'transcript' && f.role === 'assistant' && f.text === 'It is 21 degrees in Paris.', 15_000, 'the answer');
    expect(harness.framesOf('tool.call').map((c) => [c.name, c.arguments])).toEqual([['get_weather', '{"city":"Paris"}']]);
    expect(emulator.stream.tools).toEqual(['get_weather']);
    expect(emulator.stream.toolResults).toEqual([{ toolUseId: expect.any(String), content: JSON.stringify({ city: 'Paris', temp: 21 }) }]);
    expect(session.conversation.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  });
});
