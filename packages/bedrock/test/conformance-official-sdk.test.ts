/**
 * The emulator speaks ConverseStream as the official `@aws-sdk/client-bedrock-runtime` expects: the SDK itself
 * (SigV4 signing, cleartext HTTP/2, its event stream decoder with CRC checks) reads the emulator's events into its
 * typed union, and the emulator's errors become the SDK's own exception classes, before and inside the stream.
 */
import {
  BedrockRuntimeClient,
  ConverseStreamCommand,
  ModelStreamErrorException,
  ThrottlingException,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { BedrockEmulator } from '@voxframe/bedrock/testing';
import { credentials } from './support';

describe('official AWS SDK against the Bedrock emulator', () => {
  let emulator: BedrockEmulator;
  let client: BedrockRuntimeClient;
  beforeEach(async () => {
    emulator = await BedrockEmulator.start({ accessKeyId: credentials.accessKeyId });
    client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: emulator.url, credentials, maxAttempts: 1 });
  });
  afterEach(async () => {
    client.destroy();
    await emulator.close();
  });
  const command = () =>
    new ConverseStreamCommand({
      modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      messages: [{ role: 'user', content: [{ text: 'Weather in Quito?' }] }],
      toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] },
    });

  it('decodes every event of a text + tool-use reply into the SDK union', async () => {
    emulator.reply({ text: 'Checking.', toolCalls: [{ name: 'get_weather', input: { city: 'Quito' }, id: 'tooluse_q' }], usage: { inputTokens: 9, outputTokens: 4 } });
    const response = await client.send(command());
    const events: ConverseStreamOutput[] = [];
    for await (const event of response.stream!) events.push(event);
    expect(events[0]).toEqual({ messageStart: { role: 'assistant' } });
    expect(events[1]).toEqual({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Checking.' } } });
    expect(events).toContainEqual({ contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_q', name: 'get_weather' } } } });
    const input = events.flatMap((e) => (e.contentBlockDelta?.delta?.toolUse ? [e.contentBlockDelta.delta.toolUse.input] : [])).join('');
    expect(JSON.parse(input)).toEqual({ city: 'Quito' });
    expect(events).toContainEqual({ messageStop: { stopReason: 'tool_use' } });
    expect(events.at(-1)).toEqual({ metadata: { usage: { inputTokens: 9, outputTokens: 4, totalTokens: 13 }, metrics: { latencyMs: 1 } } });
    expect(emulator.requests[0]).toMatchObject({ status: 200, modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', accessKeyId: credentials.accessKeyId, region: 'us-east-1' });
  });

  it('an HTTP error is the SDK exception class; an in-stream exception is thrown by its decoder', async () => {
    emulator.reply({ httpError: { status: 429, exception: 'ThrottlingException', message: 'Too many requests' } });
    const error = await client.send(command()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } });
    emulator.reply({ text: 'Hmm', streamException: { type: 'modelStreamErrorException', message: 'model failed' } });
    const response = await client.send(command());
    const seen: ConverseStreamOutput[] = [];
    const streamError = await (async () => {
      for await (const event of response.stream!) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen.length).toBeGreaterThan(0);
    expect(streamError).toBeInstanceOf(ModelStreamErrorException);
    expect(streamError).toMatchObject({ message: 'model failed' });
  });
});
