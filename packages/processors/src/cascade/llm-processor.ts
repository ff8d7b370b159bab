/**
 * The LLM processor: answers each `llm.context` (from `context.user()`) with a streamed response, running tools
 * through a {@link ToolRegistry} and calling the model again with their results until it answers in text.
 *
 * Frames in: `llm.context`. Frames out, per response: `response.started`, assistant `text` deltas, `tool.call` and
 * `tool.result` (both uninterruptible, so the context always pairs them), `response.ended`, `metrics` (`latency`
 * `llm.ttft`: request -> first token; usage), error frames. An interruption aborts the request at once (the
 * processor base aborts the step's signal, which the service passes to its HTTP request); tool calls in flight get
 * a `cancelled` result the model will see, and tools marked `cancelOnInterruption` have their signal aborted.
 *
 * @packageDocumentation
 */
import {
  FrameProcessor,
  makeFrame,
  type Frame,
  type FrameDirection,
  type FrameProcessorOptions,
  type LlmMessage,
  type LlmService,
  type LlmStopReason,
} from '@voxframe/core';
import { ToolCancelledError } from '../tools/errors';
import { toolErrorOutput, type ToolOutcome } from '../tools/tool-outcome';
import { ToolRegistry } from '../tools/tool-registry';
import type { ToolDef } from '../tools/tool';
import { CascadeOptionsError, CascadeStageError, stageError } from './errors';
import { latencyFrame } from './latency';

/** Options of {@link llmProcessor}. */
export interface LlmProcessorOptions extends FrameProcessorOptions {
  /** The LLM service. */
  readonly llm: LlmService;
  /** Tools the model may call (their definitions go with every request). @defaultValue none */
  readonly tools?: ToolRegistry | readonly ToolDef[];
  /**
   * Most model calls per user turn: a model that keeps calling tools is stopped with an error frame (and the turn
   * ends) instead of looping forever.
   * @defaultValue 6
   */
  readonly maxRounds?: number;
  /** Sampling temperature; the service's default when unset. */
  readonly temperature?: number;
  /** Token limit per request; the service's default when unset. */
  readonly maxTokens?: number;
}

/** Defaults of {@link LlmProcessorOptions}. */
export const llmProcessorDefaults = { maxRounds: 6 } as const satisfies Partial<LlmProcessorOptions>;

interface InflightTool {
  readonly callId: string;
  readonly name: string;
  readonly controller: AbortController;
  readonly cancelOnInterruption: boolean;
}

let responses = 0;

/** Runs the LLM per user turn. Create it with {@link llmProcessor}. */
export class LlmProcessor extends FrameProcessor {
  readonly #llm: LlmService;
  readonly #registry: ToolRegistry;
  readonly #maxRounds: number;
  readonly #options: LlmProcessorOptions;
  readonly #inflightTools = new Map<string, InflightTool>();
  /** Aborts tools on shutdown (barge-in aborts only those marked `cancelOnInterruption`). */
  readonly #shutdown = new AbortController();

  constructor(options: LlmProcessorOptions) {
    super({ name: 'llm', ...checkLlmOptions(options) });
    this.#llm = options.llm;
    this.#options = options;
    this.#registry = options.tools instanceof ToolRegistry ? options.tools : new ToolRegistry(options.tools ?? []);
    this.#maxRounds = options.maxRounds ?? llmProcessorDefaults.maxRounds;
  }

  protected override process(frame: Frame, direction: FrameDirection, signal: AbortSignal): void | Promise<void> {
    if (direction === 'downstream' && frame.type === 'llm.context') return this.#respond(frame.messages, signal);
    this.push(frame, direction);
  }

  protected override onInterruption(): void {
    // The model must see an answer to every call it made; these never got theirs.
    for (const call of this.#inflightTools.values()) {
      if (call.cancelOnInterruption) call.controller.abort('interruption');
      const error = new ToolCancelledError(call.name, 'interruption');
      this.push(makeFrame('tool.result', { callId: call.callId, name: call.name, output: toolErrorOutput('cancelled', error), isError: true }));
    }
    this.#inflightTools.clear();
  }

  protected override onCancel(): void {
    this.#shutdown.abort('shutdown');
  }

  protected override onDispose(): void {
    this.#shutdown.abort('shutdown');
  }

  async #respond(context: readonly LlmMessage[], signal: AbortSignal): Promise<void> {
    responses += 1;
    const responseId = `llm-${responses}`;
    const messages: LlmMessage[] = [...context];
    const tools = this.#registry.size > 0 ? this.#registry.definitions() : undefined;
    const startedMs = this.scheduler.now();
    let firstToken = true;
    this.startTtfb();
    this.push(makeFrame('response.started', { responseId }), 'downstream', signal);
    for (let round = 1; ; round++) {
      if (round > this.#maxRounds) {
        this.pushError(new CascadeStageError('llm', 'too_many_tool_rounds', `the model was still calling tools after ${this.#maxRounds} rounds; the turn was ended. Raise maxRounds or check the tools' results.`), false);
        this.push(makeFrame('response.ended', { responseId, status: 'incomplete' }), 'downstream', signal);
        return;
      }
      let text = '';
      const calls: { callId: string; name: string; arguments: string }[] = [];
      let reason: LlmStopReason | undefined;
      try {
        const request = {
          messages,
          ...(tools === undefined ? {} : { tools }),
          ...(this.#options.temperature === undefined ? {} : { temperature: this.#options.temperature }),
          ...(this.#options.maxTokens === undefined ? {} : { maxTokens: this.#options.maxTokens }),
        };
        for await (const event of this.#llm.stream(request, { signal, logger: this.logger })) {
          if (signal.aborted) return;
          switch (event.type) {
            case 'text':
              if (event.text === '') break;
              if (firstToken) {
                firstToken = false;
                this.stopTtfb(this.#llm.model);
                this.push(latencyFrame('llm.ttft', this.name, this.scheduler.now() - startedMs), 'downstream', signal);
              }
              text += event.text;
              this.push(makeFrame('text', { text: event.text, role: 'assistant' }), 'downstream', signal);
              break;
            case 'tool.call':
              calls.push({ callId: event.callId, name: event.name, arguments: event.arguments });
              break;
            case 'usage':
              this.pushUsage(event.usage, this.#llm.model);
              break;
            case 'done':
              reason = event.reason;
              break;
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        this.push(makeFrame('response.ended', { responseId, status: 'failed' }), 'downstream', signal);
        // One failed request does not end the call: report it (non-fatal); the next user turn tries again.
        this.pushError(stageError('llm', error), false);
        return;
      }
      if (signal.aborted) return;
      if (calls.length === 0) {
        if (reason === 'length') this.logger.warn('the model stopped at its token limit; the reply is cut');
        this.push(makeFrame('response.ended', { responseId, status: reason === 'stop' || reason === undefined ? 'completed' : 'incomplete' }), 'downstream', signal);
        return;
      }
      messages.push({ role: 'assistant', content: text, toolCalls: calls });
      for (const call of calls) this.push(makeFrame('tool.call', call, { uninterruptible: true }), 'downstream', signal);
      const outcomes = await Promise.all(calls.map((call) => this.#runTool(call, signal)));
      if (signal.aborted) return; // onInterruption already answered the calls
      for (const outcome of outcomes) {
        messages.push({ role: 'tool', toolCallId: outcome.callId, content: outcome.output });
        this.push(makeFrame('tool.result', { callId: outcome.callId, name: outcome.name, output: outcome.output, isError: outcome.isError }));
      }
    }
  }

  #runTool(call: { callId: string; name: string; arguments: string }, signal: AbortSignal): Promise<ToolOutcome> {
    const controller = new AbortController();
    const cancelOnInterruption = this.#registry.get(call.name)?.cancelOnInterruption === true;
    const onShutdown = (): void => controller.abort('shutdown');
    this.#shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    this.#inflightTools.set(call.callId, { callId: call.callId, name: call.name, controller, cancelOnInterruption });
    return this.#registry.execute(call, { scheduler: this.scheduler, signal: controller.signal, logger: this.logger }).then((outcome) => {
      this.#shutdown.signal.removeEventListener('abort', onShutdown);
      if (this.#inflightTools.get(call.callId)?.controller === controller) this.#inflightTools.delete(call.callId);
      if (outcome.isError && !signal.aborted) this.logger.warn({ tool: call.name, status: outcome.status }, 'tool call failed; the model gets an error result');
      return outcome;
    });
  }
}

function checkLlmOptions(options: LlmProcessorOptions): LlmProcessorOptions {
  if (options?.llm === undefined || typeof options.llm.stream !== 'function') throw new CascadeOptionsError('llmProcessor', "give 'llm', an LlmService.");
  if (options.maxRounds !== undefined && !(Number.isInteger(options.maxRounds) && options.maxRounds > 0)) {
    throw new CascadeOptionsError('llmProcessor', `maxRounds must be a positive integer, got ${options.maxRounds}.`);
  }
  return options;
}

/**
 * Creates the LLM processor.
 *
 * @example
 * ```ts
 * const llm = llmProcessor({ llm: createOpenAiLlm({ model: 'gpt-4.1-mini' }), tools: [weather] });
 * ```
 * @throws {@link CascadeOptionsError} on bad options.
 */
export function llmProcessor(options: LlmProcessorOptions): LlmProcessor {
  return new LlmProcessor(options);
}
