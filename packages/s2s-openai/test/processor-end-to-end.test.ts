/**
 * End to end through the S2S processor (`@voxframe/processors`): real generated speech in, at 16 kHz (the processor
 * resamples to the provider's 24 kHz), the emulator's server VAD, audio out at the provider's true rate, barge-in
 * with the played time from the output pacer, and a tool round trip through the tool registry.
 */
import { makeFrame, pipeline, type OutputAudioFrame, type PlaybackProgressFrame } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { ToolRegistry, defineTool, outputPacer, s2sProcessor } from '@voxframe/processors';
import { frames, scriptedReplies, type RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { buildConversation, describeWithSpeech, type SpeechClip } from '../../processors/test/fixtures/speech';
import { engineFor, startEmulator, until } from './support/harness';

async function feed(harness: ProcessorHarness, clip: SpeechClip): Promise<void> {
  let n = 0;
  for (const samples of frames(clip.samples, 20, clip.sampleRate)) {
    harness.send(makeFrame('audio.input', { samples, sampleRate: clip.sampleRate, channels: 1 }));
    if (++n % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

describeWithSpeech('openai_realtime through s2sProcessor', () => {
  let emulator: RealtimeEmulator;
  let harness: ProcessorHarness | undefined;
  let question: SpeechClip;

  beforeAll(async () => {
    question = await buildConversation([{ text: 'What is the weather like in Paris today?', silenceAfterMs: 1000 }], 16000, { leadSilenceMs: 300 });
  });

  beforeEach(async () => {
    emulator = await startEmulator({ transcribe: () => 'What is the weather like in Paris today?' });
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

  it('a spoken turn at 16 kHz gets 24 kHz audio back, with transcripts and a turn end', async () => {
    emulator.script = scriptedReplies({ say: 'It is sunny in Paris.', audioMs: 1200 });
    harness = new ProcessorHarness(s2sProcessor({ s2s: engineFor(emulator) }));
    await harness.start();
    await feed(harness, question);
    await harness.waitFor((f) => f.type === 'turn.end' && f.role === 'assistant', 8000, 'the assistant turn end');
    const server = emulator.session;
    expect(server.eventsOfType('input_audio_buffer.append').length).toBeGreaterThan(0);
    // Resampled 16 kHz -> 24 kHz: the service got as many milliseconds as were spoken (within one 20 ms frame).
    expect(Math.abs(server.inputAudio().length / 24 - question.durationMs)).toBeLessThanOrEqual(20);
    const audio = harness.framesOf('audio.output');
    expect(audio.every((f) => f.sampleRate === 24000 && f.channels === 1)).toBe(true);
    expect(audio.reduce((n, f) => n + f.samples.length, 0)).toBe(24000 * 1.2);
    expect(harness.framesOf('user.started-speaking')).toHaveLength(1);
    const transcripts = harness.framesOf('transcript');
    expect(transcripts.find((t) => t.role === 'user' && t.final)?.text).toBe('What is the weather like in Paris today?');
    expect(transcripts.find((t) => t.role === 'assistant' && t.final)?.text).toBe('It is sunny in Paris.');
  });

  it('barge-in truncates the model at the time the pacer reports heard', async () => {
    await emulator.close();
    emulator = await startEmulator({ deltaIntervalMs: 5 });
    emulator.script = scriptedReplies({ say: 'Let me tell you everything about the weather in Paris, in great detail.', audioMs: 6000 });
    harness = new ProcessorHarness(pipeline(s2sProcessor({ s2s: engineFor(emulator) }), outputPacer()));
    await harness.start();
    await feed(harness, question);
    // Let about 700 ms play out in real time.
    await harness.waitForType('audio.output', 8000);
    await until(() => latestProgress(harness)?.playedMs !== undefined && (latestProgress(harness)?.playedMs ?? 0) >= 700, 5000, '700 ms played');
    await feed(harness, await buildConversation([{ text: 'Stop, stop.', silenceAfterMs: 800 }], 16000, { leadSilenceMs: 0 }));
    await until(() => emulator.session.truncations.length === 1, 5000, 'the truncation');
    const heard = progressFrames(harness).filter((p) => p.final).pop();
    const truncation = emulator.session.truncations[0];
    expect(Number.isInteger(truncation.audioEndMs)).toBe(true);
    expect(truncation.audioEndMs).toBeGreaterThanOrEqual(700);
    expect(truncation.audioEndMs).toBeLessThan(6000);
    // What the model keeps is what the pacer says the user heard (the final progress of the flushed utterance).
    expect(heard).toBeDefined();
    expect(Math.abs(truncation.audioEndMs - (heard as PlaybackProgressFrame).playedMs)).toBeLessThanOrEqual(1);
    const cutAt = harness.downstream.findIndex((f) => f.type === 'interruption.start');
    expect(cutAt).toBeGreaterThan(-1);
    const outputAfter = harness.downstream.slice(cutAt).filter((f): f is OutputAudioFrame => f.type === 'audio.output' && f.utteranceId === truncation.itemId);
    expect(outputAfter).toEqual([]);
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
    emulator.script = scriptedReplies(
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
      (ctx) => ({ say: `It is ${String((JSON.parse(ctx.toolOutputs[0].output) as { temp: number }).temp)} degrees in Paris.` }),
    );
    harness = new ProcessorHarness(s2sProcessor({ s2s: engineFor(emulator, {}, { tools: registry.definitions() }), tools: registry }));
    await harness.start();
    await feed(harness, question);
    await harness.waitFor((f) => f.type === 'transcript' && f.role === 'assistant' && f.final && f.text === 'It is 21 degrees in Paris.', 8000, 'the answer');
    expect(harness.framesOf('tool.call').map((c) => c.name)).toEqual(['get_weather']);
    expect(harness.framesOf('tool.result')[0]).toMatchObject({ isError: false, output: JSON.stringify({ city: 'Paris', temp: 21 }) });
    expect(emulator.session.eventsOfType('conversation.item.create')[0]).toMatchObject({ item: { type: 'function_call_output' } });
    expect(emulator.session.eventsOfType('response.create')).toHaveLength(1);
  });
});

function progressFrames(harness: ProcessorHarness | undefined): PlaybackProgressFrame[] {
  return harness?.framesOf('playback.progress', 'upstream') ?? [];
}

function latestProgress(harness: ProcessorHarness | undefined): PlaybackProgressFrame | undefined {
  const all = progressFrames(harness);
  return all[all.length - 1];
}
