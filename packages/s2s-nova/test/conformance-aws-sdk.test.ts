/**
 * Conformance of the emulator with the real AWS SDK client (`@aws-sdk/client-bedrock-runtime`, HTTP/2, dummy
 * credentials, endpoint overridden), without our provider in between: the SigV4 request signature and every
 * envelope's chunk signature are verified (and a wrong secret is refused), the framing round-trips both ways over
 * h2c and TLS, the modeled exceptions arrive as the SDK's own exception classes, and a refusal before streaming
 * (unknown model, throttling) rejects `send()`.
 */
import {
  BedrockRuntimeClient,
  InvokeModelWithBidirectionalStreamCommand,
  ModelStreamErrorException,
  ModelTimeoutException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import { NovaSonicEmulator, type StreamExceptionType } from '@voxframe/s2s-nova/testing';
import './support/harness';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function client(emulator: NovaSonicEmulator, secret = emulator.credentials.secretAccessKey): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: emulator.baseUrl,
    maxAttempts: 1,
    // The SDK warns on the console about failed streaming requests unless given a logger; these failures are the point.
    logger: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    credentials: { accessKeyId: emulator.credentials.accessKeyId, secretAccessKey: secret },
    requestHandler: new NodeHttp2Handler(emulator.ca === undefined ? {} : { nodeHttp2ConnectOptions: { ca: emulator.ca } }),
  });
}

/** An input stream the test controls: events pushed, then ended. */
function inputStream(): { push(event: unknown): void; end(): void; body: AsyncIterable<{ chunk: { bytes: Uint8Array } }> } {
  const queue: Uint8Array[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  return {
    push(event) {
      queue.push(encoder.encode(JSON.stringify({ event })));
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    body: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const next = queue.shift();
          if (next !== undefined) yield { chunk: { bytes: next } };
          else if (ended) return;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
  };
}

const opening = [
  { sessionStart: { inferenceConfiguration: { maxTokens: 1024, topP: 0.9, temperature: 0.7 } } },
  {
    promptStart: {
      promptName: 'P',
      textOutputConfiguration: { mediaType: 'text/plain' },
      audioOutputConfiguration: { mediaType: 'audio/lpcm', sampleRateHertz: 24000, sampleSizeBits: 16, channelCount: 1, voiceId: 'matthew', encoding: 'base64', audioType: 'SPEECH' },
    },
  },
  {
    contentStart: {
      promptName: 'P',
      contentName: 'A',
      type: 'AUDIO',
      interactive: true,
      role: 'USER',
      audioInputConfiguration: { mediaType: 'audio/lpcm', sampleRateHertz: 16000, sampleSizeBits: 16, channelCount: 1, audioType: 'SPEECH', encoding: 'base64' },
    },
  },
];

const closing = [{ contentEnd: { promptName: 'P', contentName: 'A' } }, { promptEnd: { promptName: 'P' } }, { sessionEnd: {} }];

describe.each([false, true])('the AWS SDK client against the emulator (tls: %s)', (tls) => {
  let emulator: NovaSonicEmulator;
  let sdk: BedrockRuntimeClient;

  beforeEach(async () => {
    emulator = await NovaSonicEmulator.start({ tls, firstEvent: 'prompt-start' });
    sdk = client(emulator);
  });

  afterEach(async () => {
    sdk.destroy();
    await emulator.close();
  });

  it('signs the request and every envelope; events round-trip both ways; the stream ends after sessionEnd', async () => {
    const input = inputStream();
    for (const event of opening) input.push(event);
    input.push({ textInput: { promptName: 'P', contentName: 'T', content: 'x' } }); // not in an open block
    const response = await sdk.send(new InvokeModelWithBidirectionalStreamCommand({ modelId: 'amazon.nova-2-sonic-v1:0', body: input.body }));
    expect(response.$metadata.requestId).toBe(emulator.stream.id);
    const names: string[] = [];
    let thrown: unknown;
    try {
      for await (const part of response.body ?? []) names.push(Object.keys((JSON.parse(decoder.decode(part.chunk?.bytes)) as { event: object }).event)[0] as string);
    } catch (error) {
      thrown = error;
    }
    // The first event arrived after promptStart; the misplaced textInput was refused as the service does.
    expect(names).toEqual(['completionStart']);
    expect(thrown).toBeInstanceOf(ValidationException);
    expect((thrown as ValidationException).message).toBe("textInput for content 'T', which is not open");
    expect(emulator.stream.verifiedChunks).toBe(4);
    input.end();
  });

  it('a clean session: completionEnd after sessionEnd, and the signed end frame', async () => {
    const input = inputStream();
    for (const event of opening) input.push(event);
    input.push({ audioInput: { promptName: 'P', contentName: 'A', content: Buffer.alloc(640).toString('base64') } });
    const response = await sdk.send(new InvokeModelWithBidirectionalStreamCommand({ modelId: 'amazon.nova-sonic-v1:0', body: input.body }));
    for (const event of closing) input.push(event);
    input.end();
    const names: string[] = [];
    for await (const part of response.body ?? []) names.push(Object.keys((JSON.parse(decoder.decode(part.chunk?.bytes)) as { event: object }).event)[0] as string);
    expect(names).toEqual(['completionStart', 'completionEnd']);
    await emulator.stream.whenEnded();
    expect(emulator.stream.ended).toBe('client');
    expect(emulator.stream.audioSamples).toBe(320);
    expect(emulator.stream.verifiedChunks).toBe(8); // 7 events and the empty end frame
    expect(emulator.issues).toEqual([]);
  });

  it.each<[StreamExceptionType, new (...args: never[]) => Error]>([
    ['modelStreamErrorException', ModelStreamErrorException],
    ['modelTimeoutException', ModelTimeoutException],
    ['throttlingException', ThrottlingException],
  ])('a %s arrives as the SDK exception class', async (type, exceptionClass) => {
    const input = inputStream();
    for (const event of opening) input.push(event);
    const response = await sdk.send(new InvokeModelWithBidirectionalStreamCommand({ modelId: 'amazon.nova-2-sonic-v1:0', body: input.body }));
    emulator.stream.fail(type, 'scripted fault');
    let thrown: unknown;
    try {
      for await (const part of response.body ?? []) void part;
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(exceptionClass);
    expect((thrown as Error).message).toBe('scripted fault');
    input.end();
  });
});

describe('refusals before streaming', () => {
  let emulator: NovaSonicEmulator;

  beforeEach(async () => {
    emulator = await NovaSonicEmulator.start();
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('a wrong secret fails the SigV4 check: 403 InvalidSignatureException', async () => {
    const sdk = client(emulator, 'not-the-secret');
    const input = inputStream();
    for (const event of opening) input.push(event);
    await expect(sdk.send(new InvokeModelWithBidirectionalStreamCommand({ modelId: 'amazon.nova-2-sonic-v1:0', body: input.body }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
    expect(emulator.refusals).toEqual(['403 InvalidSignatureException: the request signature does not match (wrong secret, or the request was altered)']);
    input.end();
    sdk.destroy();
  });

  it('an unknown model: 400 ValidationException', async () => {
    const sdk = client(emulator);
    const input = inputStream();
    await expect(sdk.send(new InvokeModelWithBidirectionalStreamCommand({ modelId: 'amazon.nova-lite-v1:0', body: input.body }))).rejects.toBeInstanceOf(ValidationException);
    input.end();
    sdk.destroy();
  });

  it('throttling: 429 ThrottlingException', async () => {
    emulator.throttleNext(1);
    const sdk = client(emulator);
    const input = inputStream();
    await expect(sdk.send(new InvokeModelWithBidirectionalStreamCommand({ modelId: 'amazon.nova-2-sonic-v1:0', body: input.body }))).rejects.toBeInstanceOf(ThrottlingException);
    input.end();
    sdk.destroy();
  });
});
