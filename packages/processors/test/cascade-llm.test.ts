import { makeFrame, type Frame, type LlmMessage } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { createOpenAiLlm, OpenAiServiceError } from '@voxframe/openai';
import { startOpenAiEmulator, type OpenAiEmulator } from '@voxframe/openai/testing';
import { llmProcessor } from '../src/cascade';
import { defineTool } from '../src/tools';

let emulator: OpenAiEmulator;
beforeEach(async () => {
  emulator = await startOpenAiEmulator();
});
afterEach(() => emulator.close());

const user = (content: string): LlmMessage[] => [{ role: 'system', content: 'Be brief.' }, { role: 'user', content }];
const llmService = () => createOpenAiLlm({ model: 'gpt-test', baseURL: emulator.baseURL, apiKey: 'k' });
const types = (frames: readonly Frame[]) => frames.filter((f) => f.type !== 'metrics' && f.type !== 'start').map((f) => f.type);

describe('llmProcessor against the OpenAI-compatible emulator', () => {
  it('streams a response as assistant text deltas between response.started and response.ended, with TTFT', async () => {
    emulator.chat.push({ text: 'Hello there. How can I help?' });
    const harness = new ProcessorHarness(llmProcessor({ llm: llmService() }));
    await harness.start({ enableMetrics: true });
    harness.send(makeFrame('llm.context', { messages: user('hi') }));
    await harness.waitForType('response.ended');
    const texts = harness.framesOf('text');
    expect(texts.map((t) => t.text).join('')).toBe('Hello there. How can I help?');
    expect(texts.every((t) => t.role === 'assistant')).toBe(true);
    expect(types(harness.downstream)[0]).toBe('response.started');
    expect(harness.framesOf('response.ended')[0].status).toBe('completed');
    const metrics = harness.framesOf('metrics').flatMap((m) => m.metrics);
    expect(metrics.find((m) => m.kind === 'latency' && m.name === 'llm.ttft')).toBeDefined();
    expect(metrics.find((m) => m.kind === 'usage')).toBeDefined();
    expect(emulator.requests[0].body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ]);
    harness.dispose();
  });

  it('runs a tool loop: calls the tools, sends their results back, and ends when the model answers in text', async () => {
    const weather = defineTool({
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      handler: ({ city }) => ({ city, tempC: 21 }),
    });
    const broken = defineTool({ name: 'broken', parameters: { type: 'object' }, handler: () => Promise.reject(new Error('db down')) });
    emulator.chat.push(
      { text: 'Let me check.', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', id: 'call_w' }, { name: 'broken', arguments: '{}', id: 'call_b' }] },
      { text: 'It is 21 degrees in Paris.' },
    );
    const harness = new ProcessorHarness(llmProcessor({ llm: llmService(), tools: [weather, broken] }));
    await harness.start();
    harness.send(makeFrame('llm.context', { messages: user('weather in Paris?') }));
    await harness.waitForType('response.ended');
    expect(types(harness.downstream)).toEqual([
      'response.started',
      'text', 'text', 'text',
      'tool.call', 'tool.call',
      'tool.result', 'tool.result',
      'text', 'text', 'text', 'text', 'text', 'text',
      'response.ended',
    ]);
    const results = harness.framesOf('tool.result');
    expect(results[0]).toMatchObject({ callId: 'call_w', isError: false, output: '{"city":"Paris","tempC":21}' });
    expect(results[1]).toMatchObject({ callId: 'call_b', isError: true });
    expect(JSON.parse(results[1].output)).toMatchObject({ error: { type: 'failed' } });
    expect(harness.framesOf('tool.call').every((f) => f.uninterruptible === true)).toBe(true);
    // The follow-up request carried the assistant message with its calls and one tool message per call (the
    // emulator rejects the request otherwise, as the service does).
    const second = emulator.requests[1].body.messages as Record<string, unknown>[];
    expect(second.slice(2)).toEqual([
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'broken', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_w', content: '{"city":"Paris","tempC":21}' },
      { role: 'tool', tool_call_id: 'call_b', content: results[1].output },
    ]);
    harness.dispose();
  });

  it('stops a model that keeps calling tools after maxRounds, with an error frame', async () => {
    const noop = defineTool({ name: 'noop', parameters: { type: 'object' }, handler: () => 'ok' });
    emulator.chat.fallback = { toolCalls: [{ name: 'noop', arguments: '{}' }] };
    const harness = new ProcessorHarness(llmProcessor({ llm: llmService(), tools: [noop], maxRounds: 3 }));
    await harness.start();
    harness.send(makeFrame('llm.context', { messages: user('loop') }));
    const ended = await harness.waitForType('response.ended');
    expect(ended.status).toBe('incomplete');
    expect(emulator.requests).toHaveLength(3);
    expect(harness.framesOf('error', 'upstream')[0].error.code).toBe('too_many_tool_rounds');
    harness.dispose();
  });

  it('an interruption aborts the request mid-stream at once: no more text, the server sees the client go', async () => {
    emulator.chat.push({ text: 'one two three four five six', stallAfterDeltas: 3 });
    const harness = new ProcessorHarness(llmProcessor({ llm: llmService() }));
    await harness.start();
    harness.send(makeFrame('llm.context', { messages: user('count') }));
    await harness.waitFor(() => harness.framesOf('text').length === 3);
    harness.interrupt();
    const closed = Date.now();
    while (emulator.abortedResponses === 0 && Date.now() - closed < 2000) await new Promise((r) => setTimeout(r, 5));
    expect(emulator.abortedResponses).toBe(1);
    expect(harness.framesOf('text')).toHaveLength(3);
    expect(harness.framesOf('response.ended')).toHaveLength(0);
    // The next turn runs normally.
    emulator.chat.push({ text: 'Yes?' });
    harness.send(makeFrame('llm.context', { messages: user('hello again') }));
    await harness.waitForType('response.ended');
    expect(harness.framesOf('text').map((t) => t.text).slice(3)).toEqual(['Yes?']);
    harness.dispose();
  });

  it('an interruption during a tool call answers the call with a cancelled result', async () => {
    let toolSignal: AbortSignal | undefined;
    const slow = defineTool({
      name: 'slow',
      parameters: { type: 'object' },
      cancelOnInterruption: true,
      handler: (_args, { signal }) => {
        toolSignal = signal;
        return new Promise(() => undefined);
      },
    });
    emulator.chat.push({ toolCalls: [{ name: 'slow', arguments: '{}', id: 'call_s' }] });
    const harness = new ProcessorHarness(llmProcessor({ llm: llmService(), tools: [slow] }));
    await harness.start();
    harness.send(makeFrame('llm.context', { messages: user('do it') }));
    await harness.waitForType('tool.call');
    await new Promise((r) => setTimeout(r, 5));
    harness.interrupt();
    const result = harness.framesOf('tool.result')[0];
    expect(result).toMatchObject({ callId: 'call_s', isError: true, uninterruptible: true });
    expect(JSON.parse(result.output).error.type).toBe('cancelled');
    expect(toolSignal?.aborted).toBe(true);
    harness.dispose();
  });

  it('bad responses become typed error frames and a failed response.ended', async () => {
    emulator.chat.push({ error: { status: 429, message: 'Rate limit reached', code: 'rate_limit_exceeded' } }, { text: 'a b c', malformed: 'cut' });
    const harness = new ProcessorHarness(llmProcessor({ llm: llmService() }));
    await harness.start();
    harness.send(makeFrame('llm.context', { messages: user('hi') }));
    await harness.waitForType('error');
    harness.send(makeFrame('llm.context', { messages: user('hi') }));
    await harness.waitFor(() => harness.framesOf('error', 'upstream').length === 2);
    const [rate, cut] = harness.framesOf('error', 'upstream');
    expect(rate.error).toBeInstanceOf(OpenAiServiceError);
    expect(rate.error).toMatchObject({ code: 'rate_limit_exceeded', recoverable: true });
    expect(rate.fatal).toBe(false);
    expect(cut.error).toBeInstanceOf(OpenAiServiceError);
    expect(cut.error.code).toBe('connection_error');
    expect(harness.framesOf('response.ended').map((f) => f.status)).toEqual(['failed', 'failed']);
    harness.dispose();
  });
});
