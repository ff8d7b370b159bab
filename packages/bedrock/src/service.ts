/**
 * `createBedrockLlm()`: the {@link LlmService} for Amazon Bedrock's ConverseStream on the official
 * `@aws-sdk/client-bedrock-runtime`. The `AbortSignal` goes to the SDK (`abortSignal`): on abort the iterator ends
 * at once without `done`.
 *
 * @packageDocumentation
 */
import { BedrockRuntimeClient, ConverseStreamCommand, type ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { silentLogger, type LlmRequest, type LlmService, type LlmStreamEvent, type LlmStreamOptions } from '@voxframe/core';
import { BEDROCK_SERVICE, BedrockLlmError, toBedrockError } from './errors';
import { toConverseMessages, toConverseTools } from './messages';
import { bedrockLlmDefaults, type BedrockLlmOptions } from './options';
import { ConverseStreamMapper } from './stream-mapper';

/** Amazon Bedrock ConverseStream as an {@link LlmService}. */
export class BedrockLlm implements LlmService {
  readonly name = BEDROCK_SERVICE;
  readonly model: string;
  /** The region requests go to. */
  readonly region: string;
  readonly #client: BedrockRuntimeClient;
  readonly #maxTokens: number;

  constructor(options: BedrockLlmOptions = {}) {
    this.model = options.modelId ?? bedrockLlmDefaults.modelId;
    this.#maxTokens = options.maxTokens ?? bedrockLlmDefaults.maxTokens;
    this.region = options.region ?? (process.env.AWS_REGION || undefined) ?? bedrockLlmDefaults.region;
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(this.region)) {
      throw new BedrockLlmError('invalid_config', `region '${this.region}' is not an AWS region name like 'us-east-1'.`, { recoverable: false });
    }
    if (options.baseUrl !== undefined && !/^https?:\/\//.test(options.baseUrl)) {
      throw new BedrockLlmError('invalid_config', `baseUrl must start with http:// or https://, got '${options.baseUrl}'.`, { recoverable: false });
    }
    this.#client =
      options.client ??
      new BedrockRuntimeClient({
        region: this.region,
        maxAttempts: options.maxAttempts ?? bedrockLlmDefaults.maxAttempts,
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.baseUrl ? { endpoint: options.baseUrl } : {}),
      });
  }

  async *stream(request: LlmRequest, options: LlmStreamOptions): AsyncIterable<LlmStreamEvent> {
    const logger = options.logger ?? silentLogger();
    if (options.signal.aborted) return;
    const input = this.#input(request);
    const mapper = new ConverseStreamMapper();
    // Our own controller, so that a consumer that stops iterating early also resets the HTTP/2 stream.
    const http = new AbortController();
    const onAbort = (): void => http.abort(options.signal.reason);
    options.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.#client.send(new ConverseStreamCommand(input), { abortSignal: http.signal });
      if (!response.stream) throw new BedrockLlmError('internal', 'the response had no event stream.');
      for await (const event of response.stream) {
        for (const mapped of mapper.map(event)) {
          yield mapped;
          // The consumer may abort while it holds a yielded event: stop before waiting for the next one.
          if (options.signal.aborted) return;
        }
      }
      if (options.signal.aborted) return;
      for (const mapped of mapper.end()) yield mapped;
    } catch (error) {
      if (options.signal.aborted) return;
      const typed = toBedrockError(error);
      logger.warn({ service: BEDROCK_SERVICE, model: this.model, code: typed.code, exception: typed.exception, requestId: typed.requestId }, 'bedrock: request failed');
      throw typed;
    } finally {
      options.signal.removeEventListener('abort', onAbort);
      http.abort();
    }
  }

  /** Stops the client's connections (HTTP/2 sessions). */
  destroy(): void {
    this.#client.destroy();
  }

  #input(request: LlmRequest): ConverseStreamCommandInput {
    const { system, messages } = toConverseMessages(request.messages);
    if (messages.length === 0) throw new BedrockLlmError('bad_request', 'the request has no user or assistant message; Converse needs at least one.', { recoverable: false });
    return {
      modelId: this.model,
      messages,
      ...(system.length > 0 ? { system } : {}),
      inferenceConfig: { maxTokens: request.maxTokens ?? this.#maxTokens, ...(request.temperature !== undefined ? { temperature: request.temperature } : {}) },
      ...(request.tools && request.tools.length > 0 ? { toolConfig: { tools: toConverseTools(request.tools) } } : {}),
    };
  }
}

/**
 * Creates the Bedrock LLM service. Throws a `BedrockLlmError` (`invalid_config`) on a bad region or base URL;
 * credentials are resolved (and refused) at the first request.
 *
 * ```ts
 * const llm = createBedrockLlm({ modelId: 'amazon.nova-lite-v1:0' }); // region from AWS_REGION, credentials from the default chain
 * ```
 */
export function createBedrockLlm(options: BedrockLlmOptions = {}): BedrockLlm {
  return new BedrockLlm(options);
}
