/**
 * `createAnthropicLlm()`: the {@link LlmService} for Anthropic Messages, streamed with the official client's
 * `messages.stream()`. The conversation's system messages become `system`, tool calls and results become
 * `tool_use` / `tool_result` blocks; text deltas are yielded as they arrive; the `AbortSignal` aborts the HTTP
 * request at once (the iterator then ends without `done`).
 *
 * @packageDocumentation
 */
import Anthropic, { APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import { silentLogger, type LlmRequest, type LlmService, type LlmStreamEvent, type LlmStreamOptions } from '@voxframe/core';
import { ANTHROPIC_SERVICE, AnthropicLlmError, toAnthropicError } from './errors';
import { toAnthropicMessages, toAnthropicTools } from './messages';
import { anthropicLlmDefaults, type AnthropicLlmOptions } from './options';
import { AnthropicStreamMapper } from './stream-mapper';

/** Anthropic Messages as an {@link LlmService}. */
export class AnthropicLlm implements LlmService {
  readonly name = ANTHROPIC_SERVICE;
  readonly model: string;
  readonly #client: Anthropic;
  readonly #maxTokens: number;
  readonly #sendTemperature: boolean;

  constructor(options: AnthropicLlmOptions = {}) {
    this.model = options.model ?? anthropicLlmDefaults.model;
    this.#maxTokens = options.maxTokens ?? anthropicLlmDefaults.maxTokens;
    this.#sendTemperature = options.sendTemperature ?? anthropicLlmDefaults.sendTemperature;
    this.#client = options.client ?? buildClient(options);
  }

  async *stream(request: LlmRequest, options: LlmStreamOptions): AsyncIterable<LlmStreamEvent> {
    const logger = options.logger ?? silentLogger();
    if (options.signal.aborted) return;
    const params = this.#params(request);
    const mapper = new AnthropicStreamMapper();
    const stream = this.#client.messages.stream(params, { signal: options.signal });
    try {
      for await (const event of stream) {
        for (const mapped of mapper.map(event)) {
          yield mapped;
          // The consumer may abort while it holds a yielded event: stop before waiting for the next one.
          if (options.signal.aborted) return;
        }
      }
    } catch (error) {
      if (options.signal.aborted || error instanceof APIUserAbortError) return;
      const typed = toAnthropicError(error);
      logger.warn({ service: ANTHROPIC_SERVICE, model: this.model, code: typed.code, status: typed.status, requestId: typed.requestId }, 'anthropic: request failed');
      throw typed;
    } finally {
      // Leaving the loop early (the consumer stopped, or an abort) must not leave the HTTP stream open.
      if (!stream.ended) stream.abort();
    }
  }

  #params(request: LlmRequest): MessageCreateParamsBase {
    const { system, messages } = toAnthropicMessages(request.messages);
    if (messages.length === 0) {
      throw new AnthropicLlmError('bad_request', 'the request has no user or assistant message; Anthropic needs at least one.', { recoverable: false });
    }
    return {
      model: this.model,
      max_tokens: request.maxTokens ?? this.#maxTokens,
      messages,
      ...(system !== undefined ? { system } : {}),
      ...(request.tools && request.tools.length > 0 ? { tools: toAnthropicTools(request.tools) } : {}),
      ...(this.#sendTemperature && request.temperature !== undefined ? { temperature: request.temperature } : {}),
    };
  }
}

function buildClient(options: AnthropicLlmOptions): Anthropic {
  const apiKey = options.apiKey ?? (options.authToken === undefined ? process.env.ANTHROPIC_API_KEY : undefined);
  const authToken = options.authToken ?? (apiKey === undefined ? process.env.ANTHROPIC_AUTH_TOKEN : undefined);
  if (!apiKey && !authToken) {
    throw new AnthropicLlmError('missing_api_key', 'no API key. Set ANTHROPIC_API_KEY in the environment or pass apiKey (or authToken).', {
      recoverable: false,
    });
  }
  // Exactly one credential: the 1.x client throws when given more than one.
  return new Anthropic({
    ...(apiKey ? { apiKey, authToken: null } : { authToken: authToken!, apiKey: null }),
    ...(options.baseUrl !== undefined ? { baseURL: options.baseUrl } : {}),
    maxRetries: options.maxRetries ?? anthropicLlmDefaults.maxRetries,
    timeout: options.timeoutMs ?? anthropicLlmDefaults.timeoutMs,
  });
}

/**
 * Creates the Anthropic LLM service. Throws an `AnthropicLlmError` (`missing_api_key`) when no credential is set.
 *
 * ```ts
 * const llm = createAnthropicLlm({ model: 'claude-haiku-4-5' }); // key from ANTHROPIC_API_KEY
 * ```
 */
export function createAnthropicLlm(options: AnthropicLlmOptions = {}): AnthropicLlm {
  return new AnthropicLlm(options);
}
