/**
 * The emulator's chat completions endpoint: request checks phrased like the service's, and the SSE stream of
 * `chat.completion.chunk`s (text deltas, tool call fragments keyed by `index`, a usage chunk, `[DONE]`).
 *
 * @packageDocumentation
 */
import type { ServerResponse } from 'node:http';
import type { ChatReply, EmulatedError } from './script';
import { delay } from './delay';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** What the service would answer 400 for, or `undefined` when the request is well formed. */
export function chatValidationError(body: Record<string, unknown>): EmulatedError | undefined {
  const missing = (param: string): EmulatedError => ({ status: 400, message: `Missing required parameter: '${param}'.`, param, code: 'missing_required_parameter' });
  if (typeof body.model !== 'string' || body.model === '') return missing('model');
  if (!Array.isArray(body.messages)) return missing('messages');
  if (body.messages.length === 0) return { status: 400, message: "Invalid 'messages': empty array. Expected an array with minimum length 1.", param: 'messages', code: 'empty_array' };
  const open = new Set<string>();
  for (const [i, m] of (body.messages as Record<string, unknown>[]).entries()) {
    if (!ROLES.has(m?.role as string)) return { status: 400, message: `Invalid value: '${String(m?.role)}'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function', and 'developer'.`, param: `messages[${i}].role`, code: 'invalid_value' };
    if (m.role !== 'tool' && open.size > 0) {
      return { status: 400, message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`, param: 'messages', code: null };
    }
    if (m.role === 'assistant' && Array.isArray(m.tool_calls)) for (const call of m.tool_calls as { id: string }[]) open.add(call.id);
    if (m.role === 'tool') {
      if (!open.delete(m.tool_call_id as string)) {
        return { status: 400, message: `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.`, param: `messages.[${i}].role`, code: null };
      }
    } else if (typeof m.content !== 'string' && !(m.role === 'assistant' && m.content === null && Array.isArray(m.tool_calls))) {
      return { status: 400, message: `Invalid type for 'messages[${i}].content': expected a string.`, param: `messages[${i}].content`, code: 'invalid_type' };
    }
  }
  if (open.size > 0) {
    return { status: 400, message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`, param: 'messages', code: null };
  }
  return undefined;
}

let completions = 0;

/** Answers one chat completion: SSE when `stream: true`, else one JSON completion. */
export async function streamChat(body: Record<string, unknown>, reply: ChatReply, res: ServerResponse): Promise<void> {
  completions += 1;
  const id = `chatcmpl-emu${completions}`;
  const model = body.model as string;
  const deltas = typeof reply.text === 'string' ? splitWords(reply.text) : [...(reply.text ?? [])];
  const calls = (reply.toolCalls ?? []).map((c, i) => ({ ...c, id: c.id ?? `call_${completions}_${i}` }));
  const finish = calls.length > 0 ? 'tool_calls' : 'stop';
  const usage = { prompt_tokens: 10 * (body.messages as unknown[]).length, completion_tokens: deltas.length + calls.length * 5, total_tokens: 0 };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  if (body.stream !== true) {
    res.writeHead(200, { 'content-type': 'application/json' });
    const message = {
      role: 'assistant',
      content: deltas.length ? deltas.join('') : null,
      ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
    };
    res.end(JSON.stringify({ id, object: 'chat.completion', created: 0, model, choices: [{ index: 0, message, finish_reason: finish }], usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = async (choices: unknown[], extra: Record<string, unknown> = {}): Promise<boolean> => {
    if (reply.chunkDelayMs) await delay(reply.chunkDelayMs);
    if (res.destroyed) return false;
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices, ...extra })}\n\n`);
    return true;
  };
  const choice = (delta: unknown, finishReason: string | null = null) => [{ index: 0, delta, finish_reason: finishReason }];
  if (!(await send(choice({ role: 'assistant', content: '' })))) return;
  for (const [n, text] of deltas.entries()) {
    if (reply.stallAfterDeltas !== undefined && n >= reply.stallAfterDeltas) return; // left open until the client goes
    if (reply.malformed === 'bad-json' && n === 1) {
      res.write('data: {"id": "broken", "choices": [\n\n');
      res.end();
      return;
    }
    if (reply.malformed === 'cut' && n === 1) {
      res.destroy();
      return;
    }
    if (!(await send(choice({ content: text })))) return;
  }
  if (reply.stallAfterDeltas !== undefined && deltas.length <= reply.stallAfterDeltas) return;
  for (const [index, call] of calls.entries()) {
    if (!(await send(choice({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] })))) return;
    // Arguments in a few fragments, as the service streams them.
    const step = Math.max(1, Math.ceil(call.arguments.length / 3));
    for (let at = 0; at < call.arguments.length; at += step) {
      if (!(await send(choice({ tool_calls: [{ index, function: { arguments: call.arguments.slice(at, at + step) } }] })))) return;
    }
  }
  if (!(await send(choice({}, finish)))) return;
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage === true && !(await send([], { usage }))) return;
  res.end('data: [DONE]\n\n');
}

/** Splits text into word-sized deltas that keep their leading space (`Hello`, ` there`, `.`), like tokens. */
function splitWords(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}
