/**
 * The tool registry: named handlers with per-call timeouts, cancellation through `AbortSignal`, and an error result
 * the model can read whenever a call cannot produce a real one.
 *
 * @packageDocumentation
 */
import { asyncScheduler, Subscription, type SchedulerLike } from 'rxjs';
import { silentLogger, VoxframeError, type Logger, type ToolDefinition } from '@voxframe/core';
import { ToolArgumentsError, ToolCancelledError, ToolDefinitionError, ToolFailedError, ToolTimeoutError, UnknownToolError } from './errors';
import { assertToolDef, toToolDefinition, type ToolArguments, type ToolDef } from './tool';
import { serializeToolResult, toolErrorOutput, type ToolCallStatus, type ToolOutcome } from './tool-outcome';

/** Options of {@link ToolRegistry}. */
export interface ToolRegistryOptions {
  /**
   * Timeout of tools that set none. Ten seconds: longer than any sane lookup, short enough that a user waiting
   * on the line hears an apology instead of silence.
   * @defaultValue 10000
   */
  readonly defaultTimeoutMs?: number;
}

/** Defaults of {@link ToolRegistryOptions}. */
export const toolRegistryDefaults = {
  defaultTimeoutMs: 10_000,
} as const satisfies ToolRegistryOptions;

/** One call to run. */
export interface ToolCallRequest {
  readonly callId: string;
  readonly name: string;
  /** The model's arguments as JSON text (an empty string means no arguments). */
  readonly arguments: string;
}

/** Options of {@link ToolRegistry.execute}. */
export interface ToolExecuteOptions {
  /** Clock for the timeout (a `TestScheduler` in tests). @defaultValue `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
  /**
   * Cancels the call. Its `reason`, when a string, says why (`'interruption'`, `'provider'`, `'shutdown'`); the
   * outcome is then `cancelled` at once, without waiting for the handler.
   */
  readonly signal?: AbortSignal;
  /** Parent logger; the handler gets a child with `tool` and `callId`. @defaultValue a silent logger */
  readonly logger?: Logger;
}

/**
 * Holds tools by name and runs calls to them. Calls run concurrently; {@link execute} never rejects: every failure
 * becomes an outcome with `isError: true` and a JSON `output` the model can read.
 *
 * @example
 * ```ts
 * const tools = new ToolRegistry([weather, bookTable]);
 * const engine = createS2S('openai_realtime', {}); // s2sProcessor gives the registry's definitions to the session
 * const s2s = s2sProcessor({ s2s: engine, tools });
 * ```
 */
export class ToolRegistry {
  /** Timeout of tools that set none, in ms. */
  readonly defaultTimeoutMs: number;
  readonly #tools = new Map<string, ToolDef>();

  constructor(tools: Iterable<ToolDef> = [], options: ToolRegistryOptions = {}) {
    const timeoutMs = options.defaultTimeoutMs ?? toolRegistryDefaults.defaultTimeoutMs;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new ToolDefinitionError(`ToolRegistry: defaultTimeoutMs must be a positive number of milliseconds, got ${timeoutMs}.`);
    }
    this.defaultTimeoutMs = timeoutMs;
    for (const tool of tools) this.register(tool);
  }

  /**
   * Adds a tool.
   * @throws {@link ToolDefinitionError} when it is malformed or its name is taken.
   */
  register(tool: ToolDef): this {
    assertToolDef(tool);
    if (this.#tools.has(tool.name)) throw new ToolDefinitionError(`A tool named '${tool.name}' is already registered.`);
    this.#tools.set(tool.name, tool);
    return this;
  }

  /** Removes a tool; returns whether it was there. Calls already running finish. */
  unregister(name: string): boolean {
    return this.#tools.delete(name);
  }

  /** The tool with that name, if any. */
  get(name: string): ToolDef | undefined {
    return this.#tools.get(name);
  }

  /** Whether a tool with that name is registered. */
  has(name: string): boolean {
    return this.#tools.has(name);
  }

  /** Registered tool names, in registration order. */
  names(): string[] {
    return [...this.#tools.keys()];
  }

  /** Number of tools. */
  get size(): number {
    return this.#tools.size;
  }

  /** What the model sees of each tool (`s2sProcessor({ tools: registry })` sends them to the session at start). */
  definitions(): ToolDefinition[] {
    return [...this.#tools.values()].map(toToolDefinition);
  }

  /**
   * Runs one call: parses and checks the arguments, runs the handler with a timeout and an `AbortSignal`, and
   * serialises the result. Never rejects. The handler starts on a microtask, so the caller (a provider's event
   * callback on the audio path) returns before any tool code runs.
   */
  execute(call: ToolCallRequest, options: ToolExecuteOptions = {}): Promise<ToolOutcome> {
    const scheduler = options.scheduler ?? asyncScheduler;
    const startedMs = scheduler.now();
    const outcome = (status: ToolCallStatus, output: string, error?: VoxframeError): ToolOutcome => ({
      callId: call.callId,
      name: call.name,
      output,
      isError: status !== 'ok',
      status,
      ...(error === undefined ? {} : { error }),
      durationMs: scheduler.now() - startedMs,
    });
    const failure = (status: Exclude<ToolCallStatus, 'ok'>, error: VoxframeError): ToolOutcome =>
      outcome(status, toolErrorOutput(status, error), error);

    const tool = this.#tools.get(call.name);
    if (tool === undefined) return Promise.resolve(failure('unknown_tool', new UnknownToolError(call.name, this.names())));
    let args: ToolArguments;
    try {
      args = parseArguments(tool, call.arguments);
    } catch (error) {
      const typed = error instanceof ToolArgumentsError ? error : new ToolArgumentsError(call.name, describe(error), { cause: error });
      return Promise.resolve(failure('invalid_arguments', typed));
    }
    const external = options.signal;
    if (external?.aborted === true) return Promise.resolve(failure('cancelled', cancelledError(call.name, external.reason)));

    const logger = (options.logger ?? silentLogger()).child({ tool: call.name, callId: call.callId });
    const timeoutMs = tool.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<ToolOutcome>((resolve) => {
      const controller = new AbortController();
      let settled = false;
      // A container, so a timer added after an early settle is cancelled at once.
      const timer = new Subscription();
      const settle = (result: ToolOutcome): void => {
        if (settled) return;
        settled = true;
        timer.unsubscribe();
        external?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onAbort = (): void => {
        const error = cancelledError(call.name, external?.reason);
        controller.abort(error);
        settle(failure('cancelled', error));
      };
      timer.add(
        scheduler.schedule(() => {
          const error = new ToolTimeoutError(call.name, timeoutMs);
          logger.warn({ timeoutMs }, 'tool call timed out; its signal was aborted');
          controller.abort(error);
          settle(failure('timeout', error));
        }, timeoutMs),
      );
      external?.addEventListener('abort', onAbort, { once: true });

      queueMicrotask(() => {
        if (settled) return;
        const late = (what: string): void => logger.debug(`tool ${what} after the call was settled (timeout or cancel); discarded`);
        let pending: unknown;
        try {
          pending = tool.handler(args, { signal: controller.signal, callId: call.callId, logger });
        } catch (error) {
          settle(failure('failed', new ToolFailedError(call.name, describe(error), { cause: error })));
          return;
        }
        Promise.resolve(pending).then(
          (value) => {
            if (settled) return late('returned');
            let output: string;
            try {
              output = serializeToolResult(value);
            } catch (error) {
              settle(failure('failed', new ToolFailedError(call.name, `its result is not JSON-serialisable: ${describe(error)}`, { cause: error })));
              return;
            }
            settle(outcome('ok', output));
          },
          (error: unknown) => {
            if (settled) return late('rejected');
            settle(failure('failed', new ToolFailedError(call.name, describe(error), { cause: error })));
          },
        );
      });
    });
  }
}

/** The model's JSON text -> an object, with the tool's required keys and its own `validate`. */
function parseArguments(tool: ToolDef, text: string): ToolArguments {
  let parsed: unknown;
  // Some providers send '' for a call without arguments.
  if (text.trim() === '') parsed = {};
  else {
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ToolArgumentsError(tool.name, `not valid JSON (${describe(error)})`, { cause: error });
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ToolArgumentsError(tool.name, `expected a JSON object, got ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  }
  const args = parsed as ToolArguments;
  const missing = (tool.parameters.required ?? []).filter((key) => !(key in args));
  if (missing.length > 0) throw new ToolArgumentsError(tool.name, `missing required argument(s): ${missing.join(', ')}`);
  return tool.validate === undefined ? args : tool.validate(args);
}

function cancelledError(name: string, reason: unknown): ToolCancelledError {
  if (reason instanceof ToolCancelledError) return reason;
  return new ToolCancelledError(name, typeof reason === 'string' ? reason : 'cancelled');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
