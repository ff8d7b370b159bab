/**
 * The Bedrock ConverseStream service against the local emulator (the official AWS SDK client speaking cleartext
 * HTTP/2 and the AWS event stream framing to it): streamed text, system prompt, tool calls and the tool-result
 * follow-up the emulator validates like the service, usage, interruption, region and credentials.
 */
import { createBedrockLlm, toConverseMessages, type BedrockLlm } from '@voxframe/bedrock';
import { BedrockEmulator } from '@voxframe/bedrock/testing';
import type { LlmMessage, ToolDefinition } from '@voxframe/core';
import { credentials, drain, textOf, until } from './support';

const weather: ToolDefinition = { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('Bedrock ConverseStream LLM', () => {
  let emulator: BedrockEmulator;
  const created: BedrockLlm[] = [];
  beforeEach(async () => {
    emulator = await BedrockEmulator.start({ accessKeyId: credentials.accessKeyId });
  });
  afterEach(async () => {
    for (const llm of created.splice(0)) llm.destroy();
    await emulator.close();
  });
  const llm = (extra: Parameters<typeof createBedrockLlm>[0] = {}): BedrockLlm => {
    const service = createBedrockLlm({ baseUrl: emulator.url, credentials, region: 'eu-west-1', ...extra });
    created.push(service);
    return service;
  };

  it('streams text deltas, usage and done, with the system prompt, temperature and maxTokens in the request', async () => {
    emulator.reply({ text: 'Hello! What can I do for you?', usage: { inputTokens: 12, outputTokens: 8 } });
    const { events, error } = await drain(llm(), {
      messages: [
        { role: 'system', content: 'You are brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.2,
    });
    expect(error).toBeUndefined();
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(3);
    expect(textOf(events)).toBe('Hello! What can I do for you?');
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 12, outputTokens: 8, totalTokens: 20 } },
      { type: 'done', reason: 'stop' },
    ]);
    expect(emulator.requests[0]).toMatchObject({ status: 200, modelId: 'amazon.nova-lite-v1:0', accessKeyId: credentials.accessKeyId, region: 'eu-west-1', completed: true });
    expect(emulator.requests[0]!.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      system: [{ text: 'You are brief.' }],
      inferenceConfig: { maxTokens: 1024, temperature: 0.2 },
    });
  });

  it('yields whole tool calls; the follow-up with tool results passes the service checks', async () => {
    emulator.reply({ toolCalls: [{ name: 'get_weather', input: { city: 'Lima' }, id: 'tooluse_1' }] }, { text: 'Cloudy in Lima.' });
    const history: LlmMessage[] = [{ role: 'user', content: 'Weather in Lima?' }];
    const first = await drain(llm(), { messages: history, tools: [weather] });
    expect(first.error).toBeUndefined();
    expect(first.events.filter((e) => e.type === 'tool.call')).toEqual([{ type: 'tool.call', callId: 'tooluse_1', name: 'get_weather', arguments: '{"city":"Lima"}' }]);
    expect(first.events.at(-1)).toEqual({ type: 'done', reason: 'tool_calls' });
    expect(emulator.requests[0]!.body!.toolConfig).toEqual({ tools: [{ toolSpec: { name: 'get_weather', description: 'Weather in a city', inputSchema: { json: weather.parameters } } }] });
    history.push({ role: 'assistant', content: '', toolCalls: [{ callId: 'tooluse_1', name: 'get_weather', arguments: '{"city":"Lima"}' }] }, { role: 'tool', toolCallId: 'tooluse_1', content: '{"sky":"cloudy"}' });
    const second = await drain(llm(), { messages: history, tools: [weather] });
    expect(second.error).toBeUndefined();
    expect(textOf(second.events)).toBe('Cloudy in Lima.');
    expect(emulator.requests[1]!.body!.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather in Lima?' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Lima' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: '{"sky":"cloudy"}' }] } }] },
    ]);
  });

  it('an AbortSignal mid-stream ends the iterator at once and resets the HTTP/2 stream', async () => {
    await emulator.close();
    emulator = await BedrockEmulator.start({ deltaIntervalMs: 25 });
    emulator.reply({ text: 'A long answer the user interrupts, word after word after word after word.' });
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const event of llm().stream({ messages: [{ role: 'user', content: 'Talk.' }] }, { signal: controller.signal })) {
      seen.push(event.type);
      if (event.type === 'text') controller.abort();
    }
    expect(seen).toEqual(['text']);
    await until(() => emulator.requests[0]!.clientAborted);
    expect(emulator.requests[0]!.completed).toBe(false);
  });

  it('takes the region from AWS_REGION when none is given, else us-east-1; refuses a malformed one', async () => {
    const saved = process.env.AWS_REGION;
    try {
      process.env.AWS_REGION = 'ap-southeast-2';
      expect(llm({ region: undefined }).region).toBe('ap-southeast-2');
      delete process.env.AWS_REGION;
      const fallback = llm({ region: undefined });
      expect(fallback.region).toBe('us-east-1');
      await drain(fallback, { messages: [{ role: 'user', content: 'Hi' }] });
      expect(emulator.requests[0]!.region).toBe('us-east-1');
      expect(() => createBedrockLlm({ region: 'Europe' })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
  });
});

describe('toConverseMessages', () => {
  it('keeps roles alternating and tool results first', () => {
    const { system, messages } = toConverseMessages([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'A' },
      { role: 'user', content: 'B' },
      { role: 'assistant', content: 'Calling.', toolCalls: [{ callId: 't', name: 'f', arguments: 'not json' }] },
      { role: 'tool', toolCallId: 't', content: 'r' },
      { role: 'user', content: 'C' },
    ]);
    expect(system).toEqual([{ text: 'Be brief.' }]);
    expect(messages).toEqual([
      { role: 'user', content: [{ text: 'A' }, { text: 'B' }] },
      { role: 'assistant', content: [{ text: 'Calling.' }, { toolUse: { toolUseId: 't', name: 'f', input: { arguments: 'not json' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 't', content: [{ text: 'r' }] } }, { text: 'C' }] },
    ]);
  });
});

describe('Bedrock stream left early', () => {
  it('a consumer that stops iterating resets the HTTP/2 stream', async () => {
    const emulator = await BedrockEmulator.start({ deltaIntervalMs: 25 });
    const llm = createBedrockLlm({ baseUrl: emulator.url, credentials });
    try {
      emulator.reply({ text: 'One two three four five six seven eight nine ten eleven twelve.' });
      for await (const event of llm.stream({ messages: [{ role: 'user', content: 'Count.' }] }, { signal: new AbortController().signal })) {
        if (event.type === 'text') break;
      }
      await until(() => emulator.requests[0]!.clientAborted);
      expect(emulator.requests[0]!.completed).toBe(false);
    } finally {
      llm.destroy();
      await emulator.close();
    }
  });
});
