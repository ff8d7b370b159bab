/**
 * The Anthropic LLM service against the local emulator: streamed text, the system prompt from the context, tool
 * calls and the tool-result follow-up the service validates, usage, and interruption by AbortSignal.
 */
import { createAnthropicLlm, toAnthropicMessages } from '@voxframe/anthropic';
import { AnthropicEmulator } from '@voxframe/anthropic/testing';
import type { LlmMessage, ToolDefinition } from '@voxframe/core';
import { drain, textOf, until } from './support';

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('Anthropic LLM streaming', () => {
  let emulator: AnthropicEmulator;
  beforeEach(async () => {
    emulator = await AnthropicEmulator.start({ apiKey: 'sk-ant-test' });
  });
  afterEach(async () => {
    await emulator.close();
  });

  const llm = (extra: Parameters<typeof createAnthropicLlm>[0] = {}) => createAnthropicLlm({ apiKey: 'sk-ant-test', baseUrl: emulator.url, ...extra });

  it('streams text deltas, usage and done; the system prompt comes from the context; sampling parameters are not sent', async () => {
    emulator.reply({ text: 'Hello there! How can I help you today?', usage: { inputTokens: 21, outputTokens: 9 } });
    const { events, error } = await drain(llm(), {
      messages: [
        { role: 'system', content: 'You are a concise voice assistant.' },
        { role: 'user', content: 'Hi!' },
      ],
      temperature: 0.3,
    });
    expect(error).toBeUndefined();
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(3);
    expect(textOf(events)).toBe('Hello there! How can I help you today?');
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 21, outputTokens: 9, totalTokens: 30 } },
      { type: 'done', reason: 'stop' },
    ]);
    const request = emulator.requests[0]!;
    expect(request).toMatchObject({ status: 200, auth: 'bearer', version: '2026-10-21', completed: true });
    expect(request.body).toMatchObject({
      model: 'claude-haiku-4-5',
      max_tokens: 1024,
      stream: true,
      system: 'You are a concise voice assistant.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi!' }] }],
    });
    expect(request.body).not.toHaveProperty('temperature');
  });

  it('yields whole tool calls, and the follow-up with tool results passes the service checks', async () => {
    emulator.reply(
      { text: 'Let me check.', toolCalls: [{ name: 'get_weather', input: { city: 'Paris' }, id: 'toolu_1' }, { name: 'get_weather', input: { city: 'Rome' }, id: 'toolu_2' }] },
      { text: 'Sunny in both.' },
    );
    const history: LlmMessage[] = [{ role: 'user', content: 'Weather in Paris and Rome?' }];
    const first = await drain(llm(), { messages: history, tools: [weather] });
    expect(first.error).toBeUndefined();
    const calls = first.events.filter((e) => e.type === 'tool.call');
    expect(calls).toEqual([
      { type: 'tool.call', callId: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool.call', callId: 'toolu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
    ]);
    expect(first.events.at(-1)).toEqual({ type: 'done', reason: 'tool_calls' });
    expect(emulator.requests[0]!.body!.tools).toEqual([
      { name: 'get_weather', description: 'Current weather in a city', input_schema: weather.parameters },
    ]);
    history.push(
      { role: 'assistant', content: 'Let me check.', toolCalls: calls.map((c) => (c.type === 'tool.call' ? { callId: c.callId, name: c.name, arguments: c.arguments } : c)) as never },
      { role: 'tool', toolCallId: 'toolu_1', content: '{"sky":"sunny"}' },
      { role: 'tool', toolCallId: 'toolu_2', content: '{"sky":"sunny"}' },
    );
    const second = await drain(llm(), { messages: history, tools: [weather] });
    expect(second.error).toBeUndefined();
    expect(textOf(second.events)).toBe('Sunny in both.');
    expect(emulator.requests[1]!.status).toBe(200);
    expect(emulator.requests[1]!.body!.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"sky":"sunny"}' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: '{"sky":"sunny"}' },
        ],
      },
    ]);
  });

  it('an AbortSignal mid-stream ends the iterator at once and closes the HTTP stream', async () => {
    await emulator.close();
    emulator = await AnthropicEmulator.start({ apiKey: 'sk-ant-test', deltaIntervalMs: 25 });
    emulator.reply({ text: 'This is a long answer that the user will interrupt before it is over, word after word after word.' });
    const controller = new AbortController();
    const events: string[] = [];
    for await (const event of llm().stream({ messages: [{ role: 'user', content: 'Tell me a story.' }] }, { signal: controller.signal })) {
      events.push(event.type);
      if (event.type === 'text') controller.abort();
    }
    expect(events).toEqual(['text']);
    await until(() => emulator.requests[0]!.clientAborted);
    expect(emulator.requests[0]!.completed).toBe(false);
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { events } = await drain(llm(), { messages: [{ role: 'user', content: 'Hi' }] }, controller.signal);
    expect(events).toEqual([]);
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('toAnthropicMessages', () => {
  it('joins system messages, skips empty text, puts tool results first in one user message', () => {
    const converted = toAnthropicMessages([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Book it.' },
      { role: 'assistant', content: '', toolCalls: [{ callId: 'a', name: 'book', arguments: '{"seats":2}' }] },
      { role: 'tool', toolCallId: 'a', content: 'booked' },
      { role: 'user', content: 'Thanks' },
      { role: 'system', content: 'Stay polite.' },
    ]);
    expect(converted.system).toBe('Be brief.\n\nStay polite.');
    expect(converted.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Book it.' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'book', input: { seats: 2 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: 'booked' }, { type: 'text', text: 'Thanks' }] },
    ]);
  });
});
