/**
 * Turns ConverseStream events into {@link LlmStreamEvent}s: text deltas at once, each tool call when its block
 * stops (its `toolUse.input` pieces joined), usage from `metadata`, and `done` at the end of the stream with the
 * `messageStop` reason. Exception events inside the stream are thrown.
 *
 * @packageDocumentation
 */
import type { ConverseStreamOutput, StopReason } from '@aws-sdk/client-bedrock-runtime';
import type { LlmStopReason, LlmStreamEvent, Usage } from '@voxframe/core';

const EXCEPTIONS = ['internalServerException', 'modelStreamErrorException', 'validationException', 'throttlingException', 'serviceUnavailableException'] as const;

/** Maps the events of one ConverseStream response. */
export class ConverseStreamMapper {
  readonly #tools = new Map<number, { id: string; name: string; json: string }>();
  #stopReason: StopReason | undefined;
  #usage: Usage | undefined;

  /** The events one stream event gives; throws an exception event as an error named after it. */
  map(event: ConverseStreamOutput): LlmStreamEvent[] {
    for (const key of EXCEPTIONS) {
      const exception = (event as unknown as Record<string, { message?: string } | undefined>)[key];
      if (exception) throw Object.assign(new Error(exception.message ?? key), { name: key.charAt(0).toUpperCase() + key.slice(1) });
    }
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId, name } = event.contentBlockStart.start.toolUse;
      this.#tools.set(event.contentBlockStart.contentBlockIndex ?? 0, { id: toolUseId ?? '', name: name ?? '', json: '' });
      return [];
    }
    if (event.contentBlockDelta) {
      const { delta, contentBlockIndex } = event.contentBlockDelta;
      if (delta?.text) return [{ type: 'text', text: delta.text }];
      if (delta?.toolUse) {
        const tool = this.#tools.get(contentBlockIndex ?? 0);
        if (tool) tool.json += delta.toolUse.input ?? '';
      }
      return [];
    }
    if (event.contentBlockStop) {
      const index = event.contentBlockStop.contentBlockIndex ?? 0;
      const tool = this.#tools.get(index);
      if (!tool) return [];
      this.#tools.delete(index);
      return [{ type: 'tool.call', callId: tool.id, name: tool.name, arguments: tool.json || '{}' }];
    }
    if (event.messageStop) {
      this.#stopReason = event.messageStop.stopReason;
      return [];
    }
    if (event.metadata?.usage) {
      const { inputTokens, outputTokens, totalTokens, cacheReadInputTokens } = event.metadata.usage;
      this.#usage = {
        ...(inputTokens !== undefined ? { inputTokens } : {}),
        ...(outputTokens !== undefined ? { outputTokens } : {}),
        ...(totalTokens !== undefined ? { totalTokens } : {}),
        ...(cacheReadInputTokens ? { cachedTokens: cacheReadInputTokens } : {}),
      };
    }
    return [];
  }

  /** The closing events once the stream ended without error. */
  end(): LlmStreamEvent[] {
    return [...(this.#usage ? [{ type: 'usage' as const, usage: this.#usage }] : []), { type: 'done', reason: stopReason(this.#stopReason) }];
  }
}

function stopReason(reason: StopReason | undefined): LlmStopReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    default:
      return 'other';
  }
}
