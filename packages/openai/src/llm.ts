/**
 * `LlmService` over chat completions streaming, for OpenAI and every compatible server (Azure, vLLM, llama.cpp,
 * Ollama, Groq, ...), with tool calls.
 *
 * @packageDocumentation
 */
import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { LlmMessage, LlmRequest, LlmService, LlmStopReason, LlmStreamEvent, LlmStreamOptions, ToolDefinition, Usage } from '@voxframe/core';
import { createOpenAiClient, type OpenAiClientOptions } from './client';
import { OpenAiOptionsError, OpenAiServiceError, isAbort, toServiceError } from './errors';

/** Options of {@link createOpenAiLlm}. */
export interface OpenAiLlmOptions extends OpenAiClientOptions {
  /** Model id (`gpt-4.1-mini`, `llama-3.1-8b-instant`, whatever the server serves). */
  readonly model: string;
  /** Sampling temperature when the request sets none; omitted from requests when unset. */
  readonly temperature?: number;
  /** Token limit when the request sets none (`max_completion_tokens`); omitted when unset. */
  readonly maxTokens?: number;
  /**
   * Ask for usage in the last chunk (`stream_options.include_usage`). Some compatible servers reject the field:
   * turn it off for them.
   * @defaultValue `true`
   */
  readonly includeUsage?: boolean;
}

/** Defaults of {@link OpenAiLlmOptions}. */
export const openAiLlmDefaults = { includeUsage: true } as const satisfies Partial<OpenAiLlmOptions>;

/** Chat completions as an {@link LlmService}. Create it with {@link createOpenAiLlm}. */
export class OpenAiLlm implements LlmService {
  readonly name = 'openai';
  readonly model: string;
  readonly #client: OpenAI;
  readonly #options: OpenAiLlmOptions;

  constructor(options: OpenAiLlmOptions) {
    if (typeof options?.model !== 'string' || options.model === '') throw new OpenAiOptionsError('createOpenAiLlm needs a model id.');
    this.model = options.model;
    this.#options = options;
    this.#client = createOpenAiClient(options);
  }

  async *stream(request: LlmRequest, options: LlmStreamOptions): AsyncIterable<LlmStreamEvent> {
    const temperature = request.temperature ?? this.#options.temperature;
    const maxTokens = request.maxTokens ?? this.#options.maxTokens;
    const tools = request.tools?.length ? request.tools.map(toChatTool) : undefined;
    let stream: AsyncIterable<ChatCompletionChunk>;
    try {
      stream = await this.#client.chat.completions.create(
        {
          model: this.model,
          messages: request.messages.map(toChatMessage),
          stream: true,
          ...(this.#options.includeUsage ?? openAiLlmDefaults.includeUsage ? { stream_options: { include_usage: true } } : {}),
          ...(tools === undefined ? {} : { tools }),
          ...(temperature === undefined ? {} : { temperature }),
          ...(maxTokens === undefined ? {} : { max_completion_tokens: maxTokens }),
        },
        { signal: options.signal },
      );
    } catch (error) {
      if (isAbort(error, options.signal)) return;
      throw toServiceError('llm', error);
    }
    // Tool calls arrive as deltas keyed by `index`: id and name in the first fragment, arguments in pieces.
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    let reason: LlmStopReason | undefined;
    try {
      for await (const chunk of stream) {
        if (chunk.usage) yield { type: 'usage', usage: toUsage(chunk.usage) };
        const choice = chunk.choices?.[0];
        if (choice === undefined) continue;
        const delta = choice.delta;
        if (typeof delta?.content === 'string' && delta.content !== '') yield { type: 'text', text: delta.content };
        for (const call of delta?.tool_calls ?? []) {
          let entry = calls.get(call.index);
          if (entry === undefined) {
            entry = { id: call.id ?? '', name: '', arguments: '' };
            calls.set(call.index, entry);
          }
          if (call.id) entry.id = call.id;
          if (call.function?.name) entry.name += call.function.name;
          if (call.function?.arguments) entry.arguments += call.function.arguments;
        }
        if (choice.finish_reason) reason = toStopReason(choice.finish_reason);
      }
    } catch (error) {
      if (isAbort(error, options.signal)) return;
      throw toServiceError('llm', error);
    }
    if (options.signal.aborted) return;
    for (const [index, call] of [...calls].sort(([a], [b]) => a - b)) {
      if (call.name === '') {
        throw new OpenAiServiceError('llm', 'bad_response', `tool call #${index} arrived without a function name; the server's stream is malformed.`, { recoverable: true });
      }
      yield { type: 'tool.call', callId: call.id === '' ? `call_${index}` : call.id, name: call.name, arguments: call.arguments };
    }
    if (reason === undefined) {
      throw new OpenAiServiceError('llm', 'bad_response', 'the stream ended without a finish_reason (cut off?).', { recoverable: true });
    }
    yield { type: 'done', reason: calls.size > 0 ? 'tool_calls' : reason };
  }
}

/**
 * Creates an OpenAI-compatible LLM.
 *
 * @example
 * ```ts
 * const llm = createOpenAiLlm({ model: 'llama3.1', baseURL: 'http://localhost:11434/v1' });
 * ```
 * @throws {@link OpenAiOptionsError} when the model or the credentials are missing.
 */
export function createOpenAiLlm(options: OpenAiLlmOptions): OpenAiLlm {
  return new OpenAiLlm(options);
}

/** A provider-neutral message in the chat completions shape. */
export function toChatMessage(message: LlmMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content };
    case 'assistant':
      if (message.toolCalls?.length) {
        return {
          role: 'assistant',
          content: message.content === '' ? null : message.content,
          tool_calls: message.toolCalls.map((c) => ({ id: c.callId, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })),
        };
      }
      return { role: 'assistant', content: message.content };
  }
}

function toChatTool(tool: ToolDefinition): ChatCompletionTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters as unknown as Record<string, unknown>,
    },
  };
}

function toStopReason(reason: string): LlmStopReason {
  switch (reason) {
    case 'stop':
    case 'tool_calls':
    case 'length':
    case 'content_filter':
      return reason;
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}

function toUsage(usage: NonNullable<ChatCompletionChunk['usage']>): Usage {
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
    ...(cached === undefined || cached === null ? {} : { cachedTokens: cached }),
  };
}
