/**
 * A local mirror of the conversation, as text, to re-seed a fresh service session after a reconnect or a rotation
 * (the service cannot resume a session, protocol note §13). It records what the user said (text, or the
 * transcript of their audio), what the assistant said as far as the user heard it (cut at the truncation point),
 * and tool calls with their results.
 *
 * @packageDocumentation
 */
import { heardText, type LlmMessage } from '@voxframe/core';
import type { WireItem } from './protocol';

/** One mirrored conversation entry. */
export type HistoryEntry =
  | {
      readonly kind: 'message';
      readonly role: 'system' | 'user' | 'assistant';
      /** Service item id on the connection that produced it. */
      itemId?: string;
      text: string;
      /** Assistant only, when cut off: `playedMs` heard of `totalMs` generated (see core's `heardText`). */
      cut?: { readonly playedMs: number; readonly totalMs: number };
    }
  | { readonly kind: 'function_call'; readonly callId: string; readonly name: string; readonly arguments: string }
  | { readonly kind: 'function_call_output'; readonly callId: string; readonly output: string };

/** The mirror, bounded to the newest `maxItems` entries. */
export class ConversationHistory {
  readonly #maxItems: number;
  #entries: HistoryEntry[] = [];

  constructor(maxItems: number) {
    this.#maxItems = maxItems;
  }

  /** Entries, oldest first. */
  get entries(): readonly HistoryEntry[] {
    return this.#entries;
  }

  /** Adds messages given by the application (start options `history`). */
  addMessages(messages: readonly LlmMessage[]): void {
    for (const message of messages) {
      if (message.role === 'tool') {
        if (message.toolCallId !== undefined) this.addFunctionOutput(message.toolCallId, message.content);
        continue;
      }
      if (message.content !== '') this.#push({ kind: 'message', role: message.role, text: message.content });
      for (const call of message.toolCalls ?? []) this.addFunctionCall(call.callId, call.name, call.arguments);
    }
  }

  /** A text message from the user or the system. */
  addText(role: 'user' | 'system', text: string): void {
    this.#push({ kind: 'message', role, text });
  }

  /** A committed user audio item, whose transcript may follow. */
  addUserAudio(itemId: string): void {
    if (this.#find(itemId) === undefined) this.#push({ kind: 'message', role: 'user', itemId, text: '' });
  }

  /** The transcript of a user audio item. */
  setUserTranscript(itemId: string, text: string): void {
    const entry = this.#find(itemId);
    if (entry) entry.text = text;
    else this.#push({ kind: 'message', role: 'user', itemId, text });
  }

  /** An assistant message item started. */
  addAssistant(itemId: string): void {
    if (this.#find(itemId) === undefined) this.#push({ kind: 'message', role: 'assistant', itemId, text: '' });
  }

  /** The final transcript or text of an assistant item. */
  setAssistantText(itemId: string, text: string): void {
    const entry = this.#find(itemId);
    if (entry) entry.text = text;
    else this.#push({ kind: 'message', role: 'assistant', itemId, text });
  }

  /** The user heard only `playedMs` of `generatedMs` of an assistant item. */
  truncateAssistant(itemId: string, playedMs: number, generatedMs: number): void {
    const entry = this.#find(itemId);
    if (entry && generatedMs > 0) entry.cut = { playedMs: Math.max(0, playedMs), totalMs: generatedMs };
  }

  /** What the user heard of an assistant item (`undefined` when the item is unknown). */
  heardAssistantText(itemId: string): string | undefined {
    const entry = this.#find(itemId);
    return entry === undefined ? undefined : heard(entry);
  }

  /** The model called a tool. */
  addFunctionCall(callId: string, name: string, args: string): void {
    this.#push({ kind: 'function_call', callId, name, arguments: args });
  }

  /** A tool result went back to the model. */
  addFunctionOutput(callId: string, output: string): void {
    this.#push({ kind: 'function_call_output', callId, output });
  }

  /** The items that re-create this conversation on a fresh session, oldest first. Empty messages are skipped. */
  toItems(): WireItem[] {
    const items: WireItem[] = [];
    for (const entry of this.#entries) {
      if (entry.kind === 'function_call') {
        items.push({ type: 'function_call', call_id: entry.callId, name: entry.name, arguments: entry.arguments });
      } else if (entry.kind === 'function_call_output') {
        items.push({ type: 'function_call_output', call_id: entry.callId, output: entry.output });
      } else {
        const text = heard(entry);
        if (text === '') continue;
        if (entry.role === 'assistant') items.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
        else if (entry.role === 'user') items.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
        else items.push({ type: 'message', role: 'system', content: [{ type: 'input_text', text }] });
      }
    }
    return items;
  }

  /** The conversation as LLM messages (for failover to another provider or a cascade). */
  toMessages(): LlmMessage[] {
    const messages: LlmMessage[] = [];
    for (const entry of this.#entries) {
      if (entry.kind === 'message') {
        const text = heard(entry);
        if (text !== '') messages.push({ role: entry.role, content: text });
      } else if (entry.kind === 'function_call') {
        messages.push({ role: 'assistant', content: '', toolCalls: [{ callId: entry.callId, name: entry.name, arguments: entry.arguments }] });
      } else {
        messages.push({ role: 'tool', content: entry.output, toolCallId: entry.callId });
      }
    }
    return messages;
  }

  #find(itemId: string): Extract<HistoryEntry, { kind: 'message' }> | undefined {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i];
      if (entry.kind === 'message' && entry.itemId === itemId) return entry;
    }
    return undefined;
  }

  #push(entry: HistoryEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length <= this.#maxItems) return;
    let drop = this.#entries.length - this.#maxItems;
    // A tool result whose call was dropped would be rejected by the service (it checks call_id, §7): drop it too.
    const dropped = new Set<string>();
    for (let i = 0; i < drop; i++) {
      const gone = this.#entries[i];
      if (gone.kind === 'function_call') dropped.add(gone.callId);
    }
    while (drop < this.#entries.length) {
      const next = this.#entries[drop];
      if (next.kind !== 'function_call_output' || !dropped.has(next.callId)) break;
      drop++;
    }
    this.#entries = this.#entries.slice(drop);
  }
}

/** An entry's text as the user heard it: assistant text cut at the playback clock by core's one rule. */
function heard(entry: Extract<HistoryEntry, { kind: 'message' }>): string {
  return entry.cut === undefined ? entry.text : heardText(entry.text, entry.cut.playedMs, entry.cut.totalMs);
}
