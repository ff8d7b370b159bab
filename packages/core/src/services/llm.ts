/**
 * The LLM service contract behind `llmProcessor` (`@voxframe/processors`): messages and tools in, a stream of text
 * deltas, tool calls and usage out, aborted by an `AbortSignal`. A service package (OpenAI-compatible chat
 * completions, Anthropic, Bedrock, your own) implements {@link LlmService}; the processor runs tools and loops.
 *
 * @packageDocumentation
 */
import type { LlmMessage, Usage } from '../frames';
import type { Logger } from '../logger';
import type { ToolDefinition } from '../s2s/types';

/** One request to the model. */
export interface LlmRequest {
  /** The conversation, oldest first. `system` messages may appear; services move them where their API wants. */
  readonly messages: readonly LlmMessage[];
  /** Tools the model may call. */
  readonly tools?: readonly ToolDefinition[];
  /** Sampling temperature, where the service supports it. */
  readonly temperature?: number;
  /** Upper bound on generated tokens. */
  readonly maxTokens?: number;
}

/** Why the model stopped. */
export type LlmStopReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'other';

/** Events of one streamed completion. */
export type LlmStreamEvent =
  /** A text delta of the assistant's reply. */
  | { readonly type: 'text'; readonly text: string }
  /** A complete tool call (arguments are the whole JSON text). */
  | { readonly type: 'tool.call'; readonly callId: string; readonly name: string; readonly arguments: string }
  /** Token usage of the request. */
  | { readonly type: 'usage'; readonly usage: Usage }
  /** The completion ended; always the last event of a stream that did not throw. */
  | { readonly type: 'done'; readonly reason: LlmStopReason };

/** Options of {@link LlmService.stream}. */
export interface LlmStreamOptions {
  /** Aborts the request at once (barge-in); the iterator then ends or throws an abort error. */
  readonly signal: AbortSignal;
  /** Logger for the request. @defaultValue a silent logger */
  readonly logger?: Logger;
}

/** A configured LLM. */
export interface LlmService {
  /** Service name for logs and metrics (`openai`, `anthropic`, `bedrock`, ...). */
  readonly name: string;
  /** Model id. */
  readonly model: string;
  /**
   * Streams one completion. Errors are thrown from the iterator as typed `VoxframeError`s whose `recoverable` says
   * whether a retry may help (rate limit, overload) or not (bad key, bad request).
   */
  stream(request: LlmRequest, options: LlmStreamOptions): AsyncIterable<LlmStreamEvent>;
}
