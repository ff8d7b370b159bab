/**
 * Validation of a `POST /v1/messages` body the way the service answers bad requests (400
 * `invalid_request_error`, with the path of the field in the message): required fields, roles, empty text blocks,
 * `tool_use` / `tool_result` pairing and order, tool definitions, and the sampling parameters that API version
 * `2026-10-21` rejects.
 *
 * @packageDocumentation
 */

/** The API version that rejects `temperature`, `top_p` and `top_k`. */
export const SAMPLING_FREE_VERSION = '2026-10-21';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first problem of a request body, or `undefined` when it is valid. */
export function checkMessagesRequest(body: unknown, version: string): string | undefined {
  if (!isObject(body)) return 'the request body must be a JSON object';
  if (typeof body.model !== 'string' || !body.model) return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return 'max_tokens: Field required (a positive integer)';
  if (version >= SAMPLING_FREE_VERSION) {
    for (const name of ['temperature', 'top_p', 'top_k']) {
      if (name in body) return `${name}: Extra inputs are not permitted on anthropic-version ${version}`;
    }
  }
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) return 'system: Input should be a string or a list of text blocks';
  const tools = body.tools;
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
    for (const [i, tool] of tools.entries()) {
      if (!isObject(tool) || typeof tool.name !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(tool.name)) {
        return `tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      }
      if (!isObject(tool.input_schema) || tool.input_schema.type !== 'object') return `tools.${i}.input_schema.type: Input should be 'object'`;
    }
  }
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: at least one message is required';
  let pendingToolUses: string[] = [];
  for (const [i, message] of messages.entries()) {
    if (!isObject(message) || (message.role !== 'user' && message.role !== 'assistant')) return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    const blocks: Json[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : Array.isArray(message.content) ? (message.content as Json[]) : [];
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) return `messages.${i}.content: Field required`;
    if (blocks.length === 0) return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    for (const [j, block] of blocks.entries()) {
      if (!isObject(block)) return `messages.${i}.content.${j}: Input should be an object`;
      if (block.type === 'text' && (typeof block.text !== 'string' || block.text.trim() === '')) return `messages.${i}.content.${j}.text: text content blocks must be non-empty`;
      if (block.type === 'tool_use' && message.role !== 'assistant') return `messages.${i}.content.${j}: tool_use blocks may only appear in assistant messages`;
      if (block.type === 'tool_result' && message.role !== 'user') return `messages.${i}.content.${j}: tool_result blocks may only appear in user messages`;
      if (block.type === 'tool_use' && !isObject(block.input)) return `messages.${i}.content.${j}.input: Input should be a valid dictionary`;
    }
    if (pendingToolUses.length > 0) {
      // Each tool_use needs its tool_result at the start of the very next (user) message.
      const results: string[] = [];
      for (const block of blocks) {
        if (block.type !== 'tool_result') break;
        results.push(String(block.tool_use_id));
      }
      const missing = pendingToolUses.filter((id) => !results.includes(id));
      if (message.role !== 'user' || missing.length > 0) {
        return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
    const resultIds = blocks.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id));
    const unexpected = resultIds.filter((id) => !pendingToolUses.includes(id));
    if (unexpected.length > 0) return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}`;
    const firstOther = blocks.findIndex((b) => b.type !== 'tool_result');
    if (firstOther >= 0 && blocks.slice(firstOther).some((b) => b.type === 'tool_result')) {
      return `messages.${i}.content: tool_result blocks must come before any other content`;
    }
    pendingToolUses = blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id));
  }
  return undefined;
}
