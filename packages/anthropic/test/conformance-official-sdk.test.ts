/**
 * The emulator speaks the Messages API as the official `@anthropic-ai/sdk` (1.x) expects: the SDK's own
 * `messages.stream()` assembles the emulator's events into a final message with text and parsed tool inputs, its
 * requests pass the emulator's checks, and the emulator's errors reach the SDK as its own error classes (an `error`
 * event inside the stream as a status-less `APIError` carrying the type in its body).
 */
import Anthropic, { APIError, AuthenticationError, InternalServerError } from '@anthropic-ai/sdk';
import { AnthropicEmulator } from '@voxframe/anthropic/testing';

describe('official @anthropic-ai/sdk against the emulator', () => {
  let emulator: AnthropicEmulator;
  beforeEach(async () => {
    emulator = await AnthropicEmulator.start({ apiKey: 'sdk-key' });
  });
  afterEach(async () => {
    await emulator.close();
  });
  const client = (apiKey = 'sdk-key') => new Anthropic({ apiKey, baseURL: emulator.url, maxRetries: 0 });

  it('messages.stream() assembles text and tool_use blocks into the final message', async () => {
    emulator.reply({ text: 'Checking the weather.', toolCalls: [{ name: 'get_weather', input: { city: 'Oslo', unit: 'c' }, id: 'toolu_9' }], usage: { inputTokens: 30, outputTokens: 12 } });
    const stream = client().messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
    });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const message = await stream.finalMessage();
    expect(deltas.join('')).toBe('Checking the weather.');
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'text', text: 'Checking the weather.' }),
      expect.objectContaining({ type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Oslo', unit: 'c' } }),
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 30, output_tokens: 12 });
    expect(emulator.requests[0]).toMatchObject({ status: 200, auth: 'bearer', version: '2026-10-21', completed: true });
  });

  it('a refused key is the SDK AuthenticationError; a 529 is its overloaded InternalServerError', async () => {
    await expect(client('bad').messages.stream({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).finalMessage()).rejects.toBeInstanceOf(AuthenticationError);
    emulator.reply({ httpError: { status: 529, type: 'overloaded_error', message: 'Overloaded' } });
    const error = await client().messages.stream({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 529 });
  });

  it('an error event mid-stream reaches the SDK as an APIError without status, typed in its body', async () => {
    emulator.reply({ text: 'Half', streamError: { type: 'overloaded_error', message: 'Overloaded' } });
    const error = await client().messages.stream({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBeUndefined();
    expect((error as APIError).error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });
});
