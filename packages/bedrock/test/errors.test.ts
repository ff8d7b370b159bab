/**
 * Bedrock failures mapped to typed errors with the right `recoverable`: HTTP errors before the stream, exception
 * events inside it, refused credentials, and no SDK retries by default.
 */
import { BedrockLlmError, createBedrockLlm, type BedrockLlm } from '@voxframe/bedrock';
import { BedrockEmulator } from '@voxframe/bedrock/testing';
import { credentials, drain, textOf } from './support';

const hi = { messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('Bedrock LLM errors', () => {
  let emulator: BedrockEmulator;
  let llm: BedrockLlm;
  beforeEach(async () => {
    emulator = await BedrockEmulator.start({ accessKeyId: credentials.accessKeyId });
    llm = createBedrockLlm({ baseUrl: emulator.url, credentials, region: 'us-west-2' });
  });
  afterEach(async () => {
    llm.destroy();
    await emulator.close();
  });

  it.each([
    [429, 'ThrottlingException', 'rate_limited', true],
    [503, 'ServiceUnavailableException', 'unavailable', true],
    [500, 'InternalServerException', 'server_error', true],
    [400, 'ValidationException', 'bad_request', false],
    [403, 'AccessDeniedException', 'access_denied', false],
    [404, 'ResourceNotFoundException', 'model_not_found', false],
  ])('HTTP %i %s -> %s (recoverable %s), one attempt only', async (status, exception, code, recoverable) => {
    emulator.reply({ httpError: { status, exception, message: `scripted ${exception}` } });
    const { error } = await drain(llm, hi);
    expect(error).toBeInstanceOf(BedrockLlmError);
    expect(error).toMatchObject({ code, recoverable, exception, status });
    expect((error as Error).message).toContain(`scripted ${exception}`);
    expect(emulator.requests).toHaveLength(1);
  });

  it.each([
    ['modelStreamErrorException', 'model_stream_error'],
    ['throttlingException', 'rate_limited'],
    ['internalServerException', 'server_error'],
  ])('an in-stream %s after some text is a recoverable %s', async (type, code) => {
    emulator.reply({ text: 'Partial', streamException: { type, message: `scripted ${type}` } });
    const { events, error } = await drain(llm, hi);
    expect(textOf(events)).toBe('Partial');
    expect(events.some((e) => e.type === 'done')).toBe(false);
    expect(error).toMatchObject({ code, recoverable: true });
  });

  it('an in-stream validationException is fatal', async () => {
    emulator.reply({ streamException: { type: 'validationException', message: 'bad' } });
    const { error } = await drain(llm, hi);
    expect(error).toMatchObject({ code: 'bad_request', recoverable: false });
  });

  it('refused credentials are fatal invalid_credentials saying where credentials come from, never the secret', async () => {
    const wrong = createBedrockLlm({ baseUrl: emulator.url, credentials: { accessKeyId: 'AKIDWRONG', secretAccessKey: 'hush-hush' } });
    try {
      const { error } = await drain(wrong, hi);
      expect(error).toMatchObject({ code: 'invalid_credentials', recoverable: false, status: 403, exception: 'UnrecognizedClientException' });
      expect((error as Error).message).toMatch(/AWS_ACCESS_KEY_ID/);
      expect((error as Error).message).not.toContain('hush-hush');
    } finally {
      wrong.destroy();
    }
  });

  it('a request the service refuses (tool result without a tool call) is a fatal bad_request', async () => {
    const { error } = await drain(llm, { messages: [{ role: 'user', content: 'Hi' }, { role: 'tool', toolCallId: 'x', content: 'y' }] });
    expect(error).toMatchObject({ code: 'bad_request', recoverable: false });
    expect((error as Error).message).toMatch(/toolResult/);
  });
});
