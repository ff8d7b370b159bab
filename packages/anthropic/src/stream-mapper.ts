/**
 * Turns Anthropic's stream events (`message_start`, `content_block_*`, `message_delta`, `message_stop`) into
 * {@link LlmStreamEvent}s: text deltas at once, each tool call once its block stops (arguments are the joined
 * `input_json_delta` pieces), then usage and `done` at `message_stop`.
 *
 * @packageDocumentation
 */
import type { RawMessageStreamEvent, StopReason } from '@anthropic-ai/sdk/resources/messages';
import type { LlmStopReason, LlmStreamEvent, Usage } from '@voxframe/core';

/** Maps the events of one streamed message. */
export class AnthropicStreamMapper {
  readonly #toolBlocks = new Map<number, { id: string; name: string; json: string }>();
  #inputTokens = 0;
  #cachedTokens = 0;
  #outputTokens = 0;
  #stopReason: StopReason | null = null;

  /** The events one stream event gives (often none). */
  map(event: RawMessageStreamEvent): LlmStreamEvent[] {
    switch (event.type) {
      case 'message_start': {
        const usage = event.message.usage;
        this.#inputTokens = usage.input_tokens ?? 0;
        this.#cachedTokens = usage.cache_read_input_tokens ?? 0;
        this.#outputTokens = usage.output_tokens ?? 0;
        return [];
      }
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') {
          this.#toolBlocks.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
        } else if (event.content_block.type === 'text' && event.content_block.text) {
          return [{ type: 'text', text: event.content_block.text }];
        }
        return [];
      case 'content_block_delta':
        if (event.delta.type === 'text_delta') return event.delta.text ? [{ type: 'text', text: event.delta.text }] : [];
        if (event.delta.type === 'input_json_delta') {
          const block = this.#toolBlocks.get(event.index);
          if (block) block.json += event.delta.partial_json;
        }
        return [];
      case 'content_block_stop': {
        const block = this.#toolBlocks.get(event.index);
        if (!block) return [];
        this.#toolBlocks.delete(event.index);
        return [{ type: 'tool.call', callId: block.id, name: block.name, arguments: block.json || '{}' }];
      }
      case 'message_delta':
        if (event.delta.stop_reason) this.#stopReason = event.delta.stop_reason;
        if (typeof event.usage.output_tokens === 'number') this.#outputTokens = event.usage.output_tokens;
        if (typeof event.usage.input_tokens === 'number') this.#inputTokens = event.usage.input_tokens;
        return [];
      case 'message_stop':
        return [
          { type: 'usage', usage: this.usage() },
          { type: 'done', reason: stopReason(this.#stopReason) },
        ];
      default:
        return [];
    }
  }

  /** Usage so far. */
  usage(): Usage {
    const inputTokens = this.#inputTokens + this.#cachedTokens;
    return {
      inputTokens,
      outputTokens: this.#outputTokens,
      totalTokens: inputTokens + this.#outputTokens,
      ...(this.#cachedTokens > 0 ? { cachedTokens: this.#cachedTokens } : {}),
    };
  }
}

function stopReason(reason: StopReason | null): LlmStopReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
      return 'length';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}
