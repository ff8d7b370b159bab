/**
 * Anthropic failures mapped to typed errors with the right `recoverable`: HTTP errors, an `error` event inside the
 * stream, a connection dropped mid-stream, a refused key, a missing key, a request the service refuses.
 */
import { AnthropicLlmError, createAnthropicLlm } from '@voxframe/anthropic';
import { AnthropicEmulator } from '@voxframe/anthropic/testing';
import { drain, textOf } from './support';

const hi = { messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('Anthropic LLM errors', () => {
  let emulator: AnthropicEmulator;
  beforeEach(async () => {
    emulator = await AnthropicEmulator.start({ apiKey: 'sk-ant-right' });
  });
  afterEach(async () => {
    await emulator.close();
  });
  const llm = (apiKey = 'sk-ant-right') => createAnthropicLlm({ apiKey, baseUrl: emulator.url });

  it.each([
    [529, 'overloaded_error', 'overloaded', true],
    [429, 'rate_limit_error', 'rate_limited', true],
    [500, 'api_error', 'server_error', true],
    [400, 'invalid_request_error', 'bad_request', false],
    [403, 'permission_error', 'permission_denied', false],
  ])('HTTP %i %s -> %s (recoverable %s), without client retries', async (status, type, code, recoverable) => {
    emulator.reply({ httpError: { status, type, message: `scripted ${type}` } });
    const { error } = await drain(llm(), hi);
    expect(error).toBeInstanceOf(AnthropicLlmError);
    expect(error).toMatchObject({ code, recoverable, status, errorType: type });
    expect((error as AnthropicLlmError).requestId).toMatch(/^req_/);
    expect((error as Error).message).toContain(`scripted ${type}`);
    expect(emulator.requests).toHaveLength(1); // maxRetries 0: failover decides, not silent retries
  });

  it('an error event inside the stream (no HTTP status) is typed from its body', async () => {
    emulator.reply({ text: 'Partial answer', streamError: { type: 'overloaded_error', message: 'Overloaded' } });
    const { events, error } = await drain(llm(), hi);
    expect(textOf(events)).toBe('Partial answer');
    expect(events.some((e) => e.type === 'done')).toBe(false);
    expect(error).toMatchObject({ code: 'overloaded', recoverable: true, errorType: 'overloaded_error' });
    expect((error as AnthropicLlmError).status).toBeUndefined();
  });

  it('a connection dropped mid-stream is a recoverable error', async () => {
    emulator.reply({ text: 'Cut off', dropAfterText: true });
    const { error } = await drain(llm(), hi);
    expect(error).toBeInstanceOf(AnthropicLlmError);
    expect((error as AnthropicLlmError).recoverable).toBe(true);
    expect(['connection_lost', 'connection_failed']).toContain((error as AnthropicLlmError).code);
  });

  it('a refused key is fatal invalid_api_key naming the env var, never the key', async () => {
    const { error } = await drain(llm('sk-ant-wrong'), hi);
    expect(error).toMatchObject({ code: 'invalid_api_key', recoverable: false, status: 401 });
    expect((error as Error).message).toMatch(/ANTHROPIC_API_KEY/);
    expect((error as Error).message).not.toContain('sk-ant-wrong');
  });

  it('no credential at all throws missing_api_key at construction', () => {
    const saved = { key: process.env.ANTHROPIC_API_KEY, token: process.env.ANTHROPIC_AUTH_TOKEN };
    delete process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_AUTH_TOKEN;
    try {
      expect(() => createAnthropicLlm({ baseUrl: emulator.url })).toThrow(expect.objectContaining({ code: 'missing_api_key', recoverable: false }));
    } finally {
      if (saved.key !== undefined) process.env.ANTHROPIC_API_KEY = saved.key;
      if (saved.token !== undefined) process.env.ANTHROPIC_AUTH_TOKEN = saved.token;
    }
  });

  it('a tool result without its tool call is refused by the service as a fatal bad_request', async () => {
    const { error } = await drain(llm(), { messages: [{ role: 'user', content: 'Hi' }, { role: 'tool', toolCallId: 'toolu_x', content: 'x' }] });
    expect(error).toMatchObject({ code: 'bad_request', recoverable: false, status: 400 });
    expect((error as Error).message).toMatch(/unexpected `tool_use_id`/);
  });

  it('sampling parameters are refused on API version 2026-10-21 when sendTemperature is forced', async () => {
    const forced = createAnthropicLlm({ apiKey: 'sk-ant-right', baseUrl: emulator.url, sendTemperature: true });
    const { error } = await drain(forced, { ...hi, temperature: 0.5 });
    expect(error).toMatchObject({ code: 'bad_request', recoverable: false });
    expect((error as Error).message).toMatch(/temperature/);
  });
});
