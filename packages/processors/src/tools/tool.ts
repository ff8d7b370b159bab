/**
 * A tool: what the model sees (name, description, JSON Schema parameters) and the handler that runs it.
 *
 * @packageDocumentation
 */
import type { JsonSchemaObject, Logger, ToolDefinition } from '@voxframe/core';
import { ToolDefinitionError } from './errors';

/** What a handler gets besides its arguments. */
export interface ToolContext {
  /**
   * Aborted when the call times out, when the provider cancels it, on barge-in (for tools with
   * `cancelOnInterruption`), and when the pipeline shuts down. Pass it to `fetch` and friends.
   */
  readonly signal: AbortSignal;
  /** The provider's id of this call. */
  readonly callId: string;
  /** A logger bound to this call (`tool`, `callId`). */
  readonly logger: Logger;
}

/** Arguments a model passes: a JSON object. */
export type ToolArguments = Record<string, unknown>;

/** A tool the model may call, with its handler. */
export interface ToolDef<Args extends ToolArguments = ToolArguments, Result = unknown> {
  /** Name the model calls it by: 1-64 letters, digits, `_` or `-`. */
  readonly name: string;
  /** What it does and when to use it, for the model. */
  readonly description?: string;
  /** JSON Schema of the arguments object. */
  readonly parameters: JsonSchemaObject;
  /**
   * Runs the tool. Return a string (sent as is) or any JSON-serialisable value (sent as JSON text); throw or
   * reject to report a failure the model will see. `undefined` is sent as `{"ok":true}`.
   */
  handler(args: Args, context: ToolContext): Result | Promise<Result>;
  /**
   * Checks the parsed arguments beyond "is a JSON object with the required keys" (plug in ajv, zod, ...). Throw to
   * reject: the model gets an `invalid_arguments` error result. Return the (possibly coerced) arguments.
   */
  validate?(args: ToolArguments): Args;
  /**
   * Longest the handler may run before the call fails with a timeout result (and its signal is aborted).
   * @defaultValue the registry's `defaultTimeoutMs` (10 s)
   */
  readonly timeoutMs?: number;
  /**
   * Abort the call when the user barges in. Off by default: the model usually still needs the result (the
   * booking was made, the lookup is half done), and a cough should not cancel side effects. Turn it on for
   * tools whose result only matters to the interrupted answer.
   * @defaultValue `false`
   */
  readonly cancelOnInterruption?: boolean;
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Declares a tool. Checks the definition at once, so a typo fails at startup rather than mid-call.
 *
 * @example
 * ```ts
 * const weather = defineTool({
 *   name: 'get_weather',
 *   description: 'Current weather for a city',
 *   parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
 *   handler: async ({ city }, { signal }) => (await fetch(`https://wx.example/${city}`, { signal })).json(),
 *   timeoutMs: 5000,
 * });
 * ```
 * @throws {@link ToolDefinitionError} when the name, parameters, handler or timeout are malformed.
 */
export function defineTool<Args extends ToolArguments = ToolArguments, Result = unknown>(tool: ToolDef<Args, Result>): ToolDef<Args, Result> {
  assertToolDef(tool);
  return tool;
}

/** Checks a tool definition; throws {@link ToolDefinitionError} naming what is wrong. */
export function assertToolDef(tool: ToolDef): void {
  if (tool === null || typeof tool !== 'object') throw new ToolDefinitionError(`A tool must be an object, got ${String(tool)}.`);
  if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
    throw new ToolDefinitionError(`Tool name ${JSON.stringify(tool.name)} is invalid: use 1-64 letters, digits, '_' or '-'.`);
  }
  const parameters = tool.parameters as JsonSchemaObject | undefined;
  if (parameters === null || typeof parameters !== 'object' || parameters.type !== 'object') {
    throw new ToolDefinitionError(`Tool '${tool.name}': parameters must be a JSON Schema with type 'object'.`);
  }
  if (typeof tool.handler !== 'function') throw new ToolDefinitionError(`Tool '${tool.name}': handler must be a function.`);
  if (tool.validate !== undefined && typeof tool.validate !== 'function') {
    throw new ToolDefinitionError(`Tool '${tool.name}': validate must be a function when given.`);
  }
  if (tool.timeoutMs !== undefined && !(Number.isFinite(tool.timeoutMs) && tool.timeoutMs > 0)) {
    throw new ToolDefinitionError(`Tool '${tool.name}': timeoutMs must be a positive number of milliseconds, got ${tool.timeoutMs}.`);
  }
}

/** The model-visible part of a tool, for `createS2S(name, { tools })`. */
export function toToolDefinition(tool: ToolDef): ToolDefinition {
  return {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    parameters: tool.parameters,
  };
}
