/**
 * What the emulated model answers: a reply per request, from a queue or a function of the request.
 *
 * @packageDocumentation
 */

/** A reply of the emulated model. */
export type ConverseReply =
  /** A streamed message: text, then tool calls. */
  | {
      readonly text?: string;
      readonly toolCalls?: readonly { readonly name: string; readonly input: Readonly<Record<string, unknown>>; readonly id?: string }[];
      /** @defaultValue `'tool_use'` with tool calls, else `'end_turn'` */
      readonly stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'guardrail_intervened' | 'content_filtered';
      readonly usage?: { readonly inputTokens?: number; readonly outputTokens?: number };
    }
  /** An HTTP error before any event, e.g. `{ status: 429, exception: 'ThrottlingException' }`. */
  | { readonly httpError: { readonly status: number; readonly exception: string; readonly message: string } }
  /** Some text, then an exception event inside the stream (e.g. `modelStreamErrorException`). */
  | { readonly text?: string; readonly streamException: { readonly type: string; readonly message: string } };

/** What the script sees of a request. */
export interface ConverseRequestInfo {
  readonly index: number;
  readonly modelId: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Chooses the reply to a request; `undefined` falls back to the queue, then to the default reply. */
export type ConverseScript = (request: ConverseRequestInfo) => ConverseReply | undefined;
