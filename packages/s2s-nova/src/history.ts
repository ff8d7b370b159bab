/**
 * The conversation mirror: what the user said (their transcripts and text), what the assistant said as far as the
 * user heard it, tool calls and results. It answers `session.conversation` in the core's `LlmMessage[]` form and
 * gives the text blocks replayed into a new stream (protocol note §3.2: once, after the system prompt, starting
 * with a USER message).
 *
 * @packageDocumentation
 */
import type { LlmMessage } from '@voxframe/core';
import { heardText } from './heard-text';

/** One mirrored entry. */
type Entry =
  | { readonly kind: 'user'; readonly text: string }
  | {
      readonly kind: 'assistant';
      /** Audio content id of the utterance, to find it again on interruption. */
      readonly utteranceId?: string;
      text: string;
      generatedMs: number;
      playedMs?: number;
    }
  | { readonly kind: 'tool_call'; readonly callId: string; readonly name: string; readonly arguments: string }
  | { readonly kind: 'tool_result'; readonly callId: string; readonly output: string };

/** A text block to replay into a new stream. */
export interface ReplayMessage {
  readonly role: 'USER' | 'ASSISTANT';
  readonly text: string;
}

/** The mirror, bounded to the newest `maxEntries`. */
export class ConversationHistory {
  readonly #maxEntries: number;
  #entries: Entry[] = [];

  constructor(maxEntries = 1000) {
    this.#maxEntries = maxEntries;
  }

  /** Seeds the mirror from `start({ history })`; `system` messages are not conversation (they join the instructions). */
  addMessages(messages: readonly LlmMessage[]): void {
    for (const message of messages) {
      if (message.role === 'user') this.addUser(message.content);
      else if (message.role === 'assistant') {
        if (message.content !== '') this.#push({ kind: 'assistant', text: message.content, generatedMs: 0 });
        for (const call of message.toolCalls ?? []) this.addToolCall(call.callId, call.name, call.arguments);
      } else if (message.role === 'tool' && message.toolCallId !== undefined) this.addToolResult(message.toolCallId, message.content);
    }
  }

  /** What the user said (a final transcript, or typed text). */
  addUser(text: string): void {
    if (text.trim() !== '') this.#push({ kind: 'user', text });
  }

  /** The assistant's final transcript of an utterance and how much audio it generated. */
  addAssistant(text: string, generatedMs: number, utteranceId: string | undefined, playedMs: number | undefined): void {
    if (text.trim() === '') return;
    this.#push({
      kind: 'assistant',
      text,
      generatedMs,
      ...(utteranceId === undefined ? {} : { utteranceId }),
      ...(playedMs === undefined ? {} : { playedMs }),
    });
  }

  /** The user heard only `playedMs` of the utterance `utteranceId` (barge-in). */
  setPlayed(utteranceId: string, playedMs: number): void {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i];
      if (entry?.kind === 'assistant' && entry.utteranceId === utteranceId) {
        entry.playedMs = playedMs;
        return;
      }
    }
  }

  /** The model called a tool. */
  addToolCall(callId: string, name: string, args: string): void {
    this.#push({ kind: 'tool_call', callId, name, arguments: args });
  }

  /** A tool result went back to the model. */
  addToolResult(callId: string, output: string): void {
    this.#push({ kind: 'tool_result', callId, output });
  }

  /** The conversation as LLM messages, the assistant's words as heard. */
  toMessages(): LlmMessage[] {
    const messages: LlmMessage[] = [];
    for (const entry of this.#entries) {
      if (entry.kind === 'user') messages.push({ role: 'user', content: entry.text });
      else if (entry.kind === 'assistant') {
        const text = heardText(entry.text, entry.generatedMs, entry.playedMs);
        if (text !== '') messages.push({ role: 'assistant', content: text });
      } else if (entry.kind === 'tool_call') {
        messages.push({ role: 'assistant', content: '', toolCalls: [{ callId: entry.callId, name: entry.name, arguments: entry.arguments }] });
      } else messages.push({ role: 'tool', content: entry.output, toolCallId: entry.callId });
    }
    return messages;
  }

  /**
   * Text blocks to replay into a new stream: user and heard assistant text, consecutive turns of one role joined,
   * starting with a USER message (the service requires it), the newest `maxMessages` kept, each cut to its last
   * `maxChars` characters. Tool calls and results are folded into the assistant's text so the facts survive.
   */
  toReplay(maxMessages: number, maxChars: number): ReplayMessage[] {
    const merged: { role: 'USER' | 'ASSISTANT'; text: string }[] = [];
    const append = (role: 'USER' | 'ASSISTANT', text: string): void => {
      if (text === '') return;
      const last = merged[merged.length - 1];
      if (last !== undefined && last.role === role) last.text = `${last.text} ${text}`;
      else merged.push({ role, text });
    };
    for (const entry of this.#entries) {
      if (entry.kind === 'user') append('USER', entry.text);
      else if (entry.kind === 'assistant') append('ASSISTANT', heardText(entry.text, entry.generatedMs, entry.playedMs));
      else if (entry.kind === 'tool_call') append('ASSISTANT', `(called ${entry.name} with ${entry.arguments})`);
      else append('ASSISTANT', `(tool result: ${entry.output})`);
    }
    let start = Math.max(0, merged.length - maxMessages);
    while (start < merged.length && merged[start]?.role !== 'USER') start += 1;
    return merged.slice(start).map(({ role, text }) => ({ role, text: text.length > maxChars ? text.slice(text.length - maxChars) : text }));
  }

  #push(entry: Entry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#maxEntries) this.#entries = this.#entries.slice(this.#entries.length - this.#maxEntries);
  }
}
