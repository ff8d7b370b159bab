/**
 * Typed errors of tool calls. Each one also has a model-visible form (see `toolErrorOutput`): the model learns what
 * went wrong instead of waiting for a result that never comes.
 *
 * @packageDocumentation
 */
import { TimeoutError, VoxframeError, type VoxframeErrorOptions } from '@voxframe/core';

/** The model called a tool no registry entry answers to. */
export class UnknownToolError extends VoxframeError {
  /** The name the model used. */
  readonly toolName: string;

  constructor(toolName: string, known: readonly string[]) {
    super(
      'unknown_tool',
      `The model called tool '${toolName}', which is not registered. Registered tools: ${known.length ? known.join(', ') : '(none)'}. ` +
        'Register it with ToolRegistry.register() or remove it from the tools given to the provider.',
      { recoverable: true, details: { tool: toolName } },
    );
    this.toolName = toolName;
  }
}

/** The model's arguments were not valid JSON, not a JSON object, or failed the tool's checks. */
export class ToolArgumentsError extends VoxframeError {
  constructor(toolName: string, message: string, options: VoxframeErrorOptions = {}) {
    super('invalid_tool_arguments', `Tool '${toolName}': invalid arguments: ${message}`, {
      recoverable: true,
      ...options,
      details: { tool: toolName, ...options.details },
    });
  }
}

/** A tool handler threw, rejected, or returned something that cannot be turned into JSON text. */
export class ToolFailedError extends VoxframeError {
  constructor(toolName: string, message: string, options: VoxframeErrorOptions = {}) {
    super('tool_failed', `Tool '${toolName}' failed: ${message}`, {
      recoverable: true,
      ...options,
      details: { tool: toolName, ...options.details },
    });
  }
}

/** A tool handler did not settle within its timeout; its signal was aborted. */
export class ToolTimeoutError extends TimeoutError {
  constructor(toolName: string, timeoutMs: number) {
    super(`Tool '${toolName}'`, timeoutMs, { recoverable: true, details: { tool: toolName } });
  }
}

/** Why a tool call was cancelled. */
export type ToolCancelReason = 'interruption' | 'provider' | 'shutdown' | (string & {});

/** A tool call was cancelled (barge-in, the provider withdrew the call, or the pipeline shut down). */
export class ToolCancelledError extends VoxframeError {
  /** Why it was cancelled. */
  readonly reason: ToolCancelReason;

  constructor(toolName: string, reason: ToolCancelReason) {
    super('tool_cancelled', `Tool '${toolName}' was cancelled (${reason}).`, { recoverable: true, details: { tool: toolName, reason } });
    this.reason = reason;
  }
}

/** A tool definition is malformed or its name is taken. Thrown when registering, before any call. */
export class ToolDefinitionError extends VoxframeError {
  constructor(message: string) {
    super('invalid_tool_definition', message, { recoverable: false });
  }
}
