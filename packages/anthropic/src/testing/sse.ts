/**
 * Writes a scripted reply as the service's server-sent events: `message_start`, `ping`, one text block in word-sized
 * `text_delta`s, one `tool_use` block per call with its input in two `input_json_delta` pieces, `message_delta`
 * (stop reason, usage) and `message_stop`; or an `error` event mid-stream.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AnthropicReply } from './script';

/** Pacing of the events. */
export interface SsePacing {
  /** Pause between deltas, ms (`0`: as fast as the socket takes them). */
  readonly deltaIntervalMs: number;
  /** Resolves false when the client went away. */
  readonly alive: () => boolean;
}

/** A generated id with the service's prefix (`msg_`, `toolu_`, `req_`). */
export function anthropicId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('base64url')}`;
}

const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/** Streams `reply` to `res`; resolves when done (or the client left). */
export async function writeSse(res: ServerResponse, reply: Exclude<AnthropicReply, { httpError: unknown }>, model: string, inputChars: number, pacing: SsePacing): Promise<void> {
  const send = async (event: Record<string, unknown> & { type: string }, pause = true): Promise<boolean> => {
    if (!pacing.alive()) return false;
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    if (pause && pacing.deltaIntervalMs > 0) await new Promise((resolve) => setTimeout(resolve, pacing.deltaIntervalMs));
    return pacing.alive();
  };
  const usage = 'usage' in reply ? reply.usage : undefined;
  const inputTokens = usage?.inputTokens ?? tokens('x'.repeat(inputChars));
  await send(
    {
      type: 'message_start',
      message: {
        id: anthropicId('msg_'),
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: usage?.cacheReadInputTokens ?? 0 },
      },
    },
    false,
  );
  await send({ type: 'ping' }, false);
  let index = 0;
  let outputChars = 0;
  const text = reply.text ?? '';
  if (text) {
    await send({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }, false);
    for (const piece of text.match(/\S+\s*|\s+/g) ?? []) {
      outputChars += piece.length;
      if (!(await send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }))) return;
    }
    await send({ type: 'content_block_stop', index }, false);
    index++;
  }
  if ('streamError' in reply) {
    await send({ type: 'error', error: { type: reply.streamError.type, message: reply.streamError.message } }, false);
    res.end();
    return;
  }
  if ('dropAfterText' in reply) {
    res.socket?.destroy();
    return;
  }
  const toolCalls = reply.toolCalls ?? [];
  for (const call of toolCalls) {
    const json = JSON.stringify(call.input);
    outputChars += json.length;
    const half = Math.floor(json.length / 2);
    await send({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id ?? anthropicId('toolu_'), name: call.name, input: {} } }, false);
    for (const part of [json.slice(0, half), json.slice(half)]) {
      if (!(await send({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } }))) return;
    }
    await send({ type: 'content_block_stop', index }, false);
    index++;
  }
  const stopReason = reply.stopReason ?? (toolCalls.length > 0 ? 'tool_use' : 'end_turn');
  await send({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage?.outputTokens ?? tokens('x'.repeat(outputChars)) } }, false);
  await send({ type: 'message_stop' }, false);
  res.end();
}
