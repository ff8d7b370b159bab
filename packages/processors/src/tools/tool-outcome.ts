/**
 * The outcome of one tool call, and how failures are phrased for the model.
 *
 * @packageDocumentation
 */
import { VoxframeError } from '@voxframe/core';

/** How a tool call ended. */
export type ToolCallStatus = 'ok' | 'failed' | 'timeout' | 'cancelled' | 'unknown_tool' | 'invalid_arguments';

/** What running a tool call produced: the result the model sees, and what happened. */
export interface ToolOutcome {
  readonly callId: string;
  readonly name: string;
  /** The text the model sees: the handler's result, or a JSON error object (see {@link toolErrorOutput}). */
  readonly output: string;
  /** `true` unless the handler returned normally. */
  readonly isError: boolean;
  readonly status: ToolCallStatus;
  /** The error, when `isError`. */
  readonly error?: VoxframeError;
  /** Scheduler time the call took, in ms. */
  readonly durationMs: number;
}

/**
 * The model-visible text of a failed call: a small JSON object, so the model can tell a failure from data and
 * explain it to the user (`{"error":{"type":"timeout","message":"..."}}`).
 */
export function toolErrorOutput(status: Exclude<ToolCallStatus, 'ok'>, error: VoxframeError): string {
  return JSON.stringify({ error: { type: status, message: error.message } });
}

/**
 * Turns a handler's return value into the text the model sees: strings as they are, `undefined` as
 * `{"ok":true}`, anything else as JSON.
 *
 * @throws when the value cannot be serialised (a cycle, a BigInt): the caller reports a failed call.
 */
export function serializeToolResult(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '{"ok":true}';
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new VoxframeError('tool_result_not_json', `a ${typeof value} cannot be sent to the model as JSON`);
  return text;
}
