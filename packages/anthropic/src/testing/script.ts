/**
 * What the emulated model answers: a reply per request, from a queue or a function of the request.
 *
 * @packageDocumentation
 */

/** One tool call the model makes. */
export interface ScriptedToolCall {
  readonly name: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** `tool_use` id. @defaultValue a generated `toolu_…` id */
  readonly id?: string;
}

/** A reply of the emulated model. */
export type AnthropicReply =
  /** A streamed message: text, then tool calls. */
  | {
      readonly text?: string;
      readonly toolCalls?: readonly ScriptedToolCall[];
      /** @defaultValue `'tool_use'` with tool calls, else `'end_turn'` */
      readonly stopReason?: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal' | 'pause_turn';
      /** Reported usage. @defaultValue about 4 characters per token */
      readonly usage?: { readonly inputTokens?: number; readonly outputTokens?: number; readonly cacheReadInputTokens?: number };
    }
  /** An HTTP error before any event, as the service sends it (`{ type: 'error', error: { type, message } }`). */
  | { readonly httpError: { readonly status: number; readonly type: string; readonly message: string } }
  /** Some text, then an `error` event inside the stream (e.g. `overloaded_error`), then the stream ends. */
  | { readonly text?: string; readonly streamError: { readonly type: string; readonly message: string } }
  /** Some text, then the connection is destroyed mid-stream. */
  | { readonly text?: string; readonly dropAfterText: true };

/** What the script sees of a request. */
export interface ScriptedRequestInfo {
  /** Zero-based index of the request since the emulator started. */
  readonly index: number;
  /** The parsed JSON body. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** Chooses the reply to a request; `undefined` falls back to the queue, then to the default reply. */
export type AnthropicScript = (request: ScriptedRequestInfo) => AnthropicReply | undefined;
