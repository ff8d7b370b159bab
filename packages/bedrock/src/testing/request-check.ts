/**
 * Validation of a ConverseStream body the way Bedrock answers bad requests (400 `ValidationException`): messages
 * present, starting with a user message and alternating roles, non-empty content, every `toolUse` answered by as many
 * `toolResult` blocks in the next user message, `toolConfig` present when tool blocks are used, `maxTokens` positive.
 *
 * @packageDocumentation
 */
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first problem of a request body, or `undefined`. */
export function checkConverseRequest(body: unknown): string | undefined {
  if (!isObject(body)) return 'The request body must be a JSON object.';
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  const maxTokens = (body.inferenceConfig as Json | undefined)?.maxTokens;
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)) return 'The maximum tokens you requested must be a positive integer.';
  let usesTools = false;
  let pendingToolUses = 0;
  for (const [i, message] of messages.entries()) {
    if (!isObject(message) || (message.role !== 'user' && message.role !== 'assistant')) return `messages.${i}.role: must be 'user' or 'assistant'.`;
    if (i === 0 && message.role !== 'user') return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
    if (i > 0 && (messages[i - 1] as Json).role === message.role) return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    const content = message.content;
    if (!Array.isArray(content) || content.length === 0) return `messages.${i}.content: The content field in the Message object is empty. Add a ContentBlock object to the content field and try again.`;
    let results = 0;
    for (const block of content as Json[]) {
      if (!isObject(block)) return `messages.${i}.content: each block must be an object.`;
      if (typeof block.text === 'string' && block.text.trim() === '') return `messages.${i}.content: text blocks must not be blank.`;
      if (block.toolUse !== undefined || block.toolResult !== undefined) usesTools = true;
      if (block.toolResult !== undefined) results++;
    }
    if (results > pendingToolUses) return `The number of toolResult blocks at messages.${i}.content exceeds the number of toolUse blocks of previous turn.`;
    if (pendingToolUses > 0 && results < pendingToolUses) return `Expected toolResult blocks at messages.${i}.content for the toolUse blocks of the previous turn.`;
    pendingToolUses = (content as Json[]).filter((b) => b.toolUse !== undefined).length;
  }
  if (usesTools && !isObject(body.toolConfig)) return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  return undefined;
}
