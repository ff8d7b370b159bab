/**
 * The provider-neutral conversation (`LlmMessage[]`) as Converse wants it: system messages as `system` blocks; tool
 * calls as `toolUse` blocks; tool results as `toolResult` blocks at the start of the next user message; roles
 * strictly alternating (adjacent messages of one role merged; Converse refuses two in a row).
 *
 * @packageDocumentation
 */
import type { ContentBlock, Message, SystemContentBlock, Tool } from '@aws-sdk/client-bedrock-runtime';
import type { LlmMessage, ToolDefinition } from '@voxframe/core';

/** What a request needs from the conversation. */
export interface ConverseConversation {
  readonly system: SystemContentBlock[];
  readonly messages: Message[];
}

/** Converts the conversation (see the module docs). */
export function toConverseMessages(history: readonly LlmMessage[]): ConverseConversation {
  const system: SystemContentBlock[] = [];
  const messages: { role: 'user' | 'assistant'; content: ContentBlock[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlock[]): void => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last && last.role === role) {
      const all = [...last.content, ...blocks];
      last.content = [...all.filter((b) => b.toolResult !== undefined), ...all.filter((b) => b.toolResult === undefined)];
    } else {
      messages.push({ role, content: blocks });
    }
  };
  for (const message of history) {
    switch (message.role) {
      case 'system':
        if (message.content.trim()) system.push({ text: message.content });
        break;
      case 'user':
        push('user', text(message.content));
        break;
      case 'assistant':
        push('assistant', [
          ...text(message.content),
          ...(message.toolCalls ?? []).map((call): ContentBlock => ({ toolUse: { toolUseId: call.callId, name: call.name, input: parseInput(call.arguments) as never } })),
        ]);
        break;
      case 'tool':
        push('user', [{ toolResult: { toolUseId: message.toolCallId ?? '', content: [{ text: message.content || '(empty)' }] } }]);
        break;
    }
  }
  return { system, messages };
}

/** Tool definitions as Converse tool specs. */
export function toConverseTools(tools: readonly ToolDefinition[]): Tool[] {
  return tools.map((tool) => ({
    toolSpec: {
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      inputSchema: { json: tool.parameters as never },
    },
  }));
}

function text(content: string): ContentBlock[] {
  return content.trim() ? [{ text: content }] : [];
}

function parseInput(json: string): unknown {
  try {
    const value: unknown = JSON.parse(json || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { value };
  } catch {
    return { arguments: json };
  }
}
