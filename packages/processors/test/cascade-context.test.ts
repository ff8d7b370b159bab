import { FrameProcessor, makeFrame, pipeline, type Frame, type FrameDirection } from '@voxframe/core';
import { ProcessorHarness, createVirtualClock } from '@voxframe/core/testing';
import { createOpenAiLlm, createOpenAiTts } from '@voxframe/openai';
import { startOpenAiEmulator, type OpenAiEmulator } from '@voxframe/openai/testing';
import { contextAggregator, heardText, llmProcessor, ttsProcessor } from '../src/cascade';
import { outputPacer } from '../src/pacer';
import { defineTool } from '../src/tools';

let emulator: OpenAiEmulator;
beforeEach(async () => {
  emulator = await startOpenAiEmulator();
});
afterEach(() => emulator.close());

/** Resolves when a frame of a type passes (a real pass-through processor, placed where the test must look). */
class Tap extends FrameProcessor {
  readonly #waiters: { type: string; resolve: () => void }[] = [];
  protected override process(frame: Frame, direction: FrameDirection): void {
    for (const w of this.#waiters) if (w.type === frame.type) w.resolve();
    this.push(frame, direction);
  }
  passed(type: string): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ type, resolve }));
  }
}

/** context.user -> llm -> tts -> pacer -> context.assistant on a virtual playback clock; HTTP to the emulator is real. */
async function startCascade(tools: Parameters<typeof llmProcessor>[0]['tools'] = []) {
  const clock = createVirtualClock();
  const context = contextAggregator({ systemPrompt: 'You are terse.' });
  const tap = new Tap({ name: 'tap' });
  const agent = pipeline(
    context.user(),
    llmProcessor({ llm: createOpenAiLlm({ model: 'gpt-test', baseURL: emulator.baseURL, apiKey: 'k' }), tools }),
    ttsProcessor({ tts: createOpenAiTts({ baseURL: emulator.baseURL, apiKey: 'k' }) }),
    tap,
    outputPacer(),
    context.assistant(),
  );
  const harness = new ProcessorHarness(agent, { scheduler: clock });
  await harness.start();
  const userSays = (text: string) => {
    harness.send(makeFrame('transcript', { role: 'user', text, final: true }));
    harness.send(makeFrame('turn.end', { role: 'user', status: 'completed' }));
  };
  return { clock, context, tap, harness, userSays };
}

describe('contextAggregator: the history records what was heard', () => {
  it('cuts the assistant reply at the playback clock when the user barges in', async () => {
    emulator.chat.push({ text: 'Sure, it is sunny today. Tomorrow will bring rain and wind.' });
    emulator.speech.push({ durationMs: 1000 }, { durationMs: 1000 });
    const { clock, context, tap, harness, userSays } = await startCascade();
    const synthesized = tap.passed('response.ended');
    userSays('what is the weather');
    await synthesized; // all audio is queued in the pacer; nothing has played yet in virtual time
    expect(context.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'what is the weather' },
    ]);
    clock.advanceTo(1500);
    harness.interrupt();
    // Half of the second sentence played: the context keeps the words heard, not the rest.
    expect(context.messages[2]).toEqual({ role: 'assistant', content: 'Sure, it is sunny today. Tomorrow will' });
    expect(context.messages).toHaveLength(3);
    // The next turn's request carries the cut history.
    emulator.chat.push({ text: 'Okay.' });
    userSays('stop');
    const nextRequest = () => emulator.requests.filter((r) => r.path === '/v1/chat/completions')[1];
    while (nextRequest() === undefined) await new Promise((r) => setTimeout(r, 5));
    expect((nextRequest().body.messages as unknown[]).slice(2)).toEqual([
      { role: 'assistant', content: 'Sure, it is sunny today. Tomorrow will' },
      { role: 'user', content: 'stop' },
    ]);
    harness.dispose();
  });

  it('records a whole reply once it finished playing, with its tool calls and results in order', async () => {
    const weather = defineTool({ name: 'get_weather', parameters: { type: 'object' }, handler: () => ({ sky: 'clear' }) });
    emulator.chat.push({ text: 'Let me check.', toolCalls: [{ name: 'get_weather', arguments: '{}', id: 'call_1' }] }, { text: 'It is clear.' });
    emulator.speech.push({ durationMs: 500 }, { durationMs: 500 });
    const { clock, context, tap, harness, userSays } = await startCascade([weather]);
    const synthesized = tap.passed('response.ended');
    userSays('weather?');
    await synthesized;
    clock.advanceTo(600);
    // Still playing: nothing committed yet.
    expect(context.messages).toHaveLength(2);
    clock.advanceTo(3000);
    expect(context.messages.slice(2)).toEqual([
      { role: 'assistant', content: 'Let me check.', toolCalls: [{ callId: 'call_1', name: 'get_weather', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'call_1', content: '{"sky":"clear"}' },
      { role: 'assistant', content: 'It is clear.' },
    ]);
    harness.dispose();
  });

  it('a user speaking while the response is still being prepared interrupts it; nothing unheard is recorded', async () => {
    emulator.chat.push({ text: 'one two three four five', stallAfterDeltas: 2 });
    const { context, harness, userSays } = await startCascade();
    userSays('count');
    await harness.waitFor(() => emulator.requests.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    harness.send(makeFrame('user.started-speaking', {}));
    expect(harness.framesOf('interruption.start')).toHaveLength(1);
    expect(context.messages.map((m) => m.role)).toEqual(['system', 'user']);
    harness.dispose();
  });
});

describe('heardText', () => {
  const pieces = [
    { text: 'Hello there.', startMs: 0, endMs: 800 },
    { text: 'How are you today?', startMs: 800, endMs: 2000, words: [
      { text: 'How', startMs: 800, endMs: 1000 }, { text: 'are', startMs: 1000, endMs: 1200 }, { text: 'you', startMs: 1200, endMs: 1500 }, { text: 'today?', startMs: 1500, endMs: 2000 },
    ] },
  ];
  it('keeps whole pieces played, words started, and nothing after', () => {
    expect(heardText(pieces, undefined)).toBe('Hello there. How are you today?');
    expect(heardText(pieces, 0)).toBe('');
    expect(heardText(pieces, 800)).toBe('Hello there.');
    expect(heardText(pieces, 1100)).toBe('Hello there. How are');
    expect(heardText([{ text: 'one two three four', startMs: 0, endMs: 1000 }], 600)).toBe('one two');
  });
});
