/**
 * The provider-neutral conversation (`LlmMessage[]`) as Anthropic Messages wants it: system messages joined into
 * `system`; assistant tool calls as `tool_use` blocks; tool results as `tool_result` blocks in the next user message,
 * before any text (the API requires them first); adjacent messages of one role merged into one.
 *
 * @packageDocumentation
 */
import type { MessageParam, TextBlockParam, Tool, ToolResultBlockParam, ToolUseBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { LlmMessage, ToolDefinition } from '@voxframe/core';

type Block = TextBlockParam | ToolUseBlockParam | ToolResultBlockParam;

/** What a request needs from the conversation. */
export interface AnthropicConversation {
  readonly system?: string;
  readonly messages: MessageParam[];
}

/** Converts the conversation (see the module docs). */
export function toAnthropicMessages(history: readonly LlmMessage[]): AnthropicConversation {
  const system: string[] = [];
  const messages: { role: 'user' | 'assistant'; content: Block[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: Block[]): void => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last && last.role === role) {
      // tool_result blocks must come first in a user message.
      const results = [...last.content, ...blocks].filter((b) => b.type === 'tool_result');
      const others = [...last.content, ...blocks].filter((b) => b.type !== 'tool_result');
      last.content = [...results, ...others];
    } else {
      messages.push({ role, content: blocks });
    }
  };
  for (const message of history) {
    switch (message.role) {
      case 'system':
        if (message.content.trim()) system.push(message.content);
        break;
      case 'user':
        push('user', text(message.content));
        break;
      case 'assistant':
        push('assistant', [
          ...text(message.content),
          ...(message.toolCalls ?? []).map((call): ToolUseBlockParam => ({ type: 'tool_use', id: call.callId, name: call.name, input: parseInput(call.arguments) })),
        ]);
        break;
      case 'tool':
        push('user', [{ type: 'tool_result', tool_use_id: message.toolCallId ?? '', content: message.content }]);
        break;
    }
  }
  return { ...(system.length > 0 ? { system: system.join('\n\n') } : {}), messages };
}

/** Tool definitions as Anthropic tools (`input_schema` is the JSON Schema of the parameters). */
export function toAnthropicTools(tools: readonly ToolDefinition[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    input_schema: tool.parameters as Tool['input_schema'],
  }));
}

/** The API refuses empty text blocks. */
function text(content: string): TextBlockParam[] {
  return content.trim() ? [{ type: 'text', text: content }] : [];
}

function parseInput(json: string): unknown {
  try {
    const value: unknown = JSON.parse(json || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { value };
  } catch {
    // A tool call whose arguments were not JSON still needs an object input to stay in the history.
    return { arguments: json };
  }
}
