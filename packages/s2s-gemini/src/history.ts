/**
 * A local mirror of the conversation: what the user said (text, or the transcript of their speech), what the
 * assistant said as far as the user heard it, and tool calls with their results. It is the session's
 * `conversation`, and it re-seeds a fresh service session (`clientContent` history) when no resumption handle is
 * valid.
 *
 * @packageDocumentation
 */
import type { LlmMessage } from '@voxframe/core';
import { heardText } from './heard';
import type { WireContent } from './protocol';

/** One mirrored conversation entry. */
export type HistoryEntry =
  | { readonly kind: 'message'; readonly role: 'system' | 'user'; readonly text: string }
  | {
      readonly kind: 'assistant';
      readonly utteranceId?: string;
      readonly text: string;
      /** Audio generated for it, ms (0 for text responses). */
      readonly generatedMs: number;
      /** What the playback clock reported heard when it was interrupted; undefined when it played out. */
      playedMs?: number;
    }
  | { readonly kind: 'call'; readonly callId: string; readonly name: string; readonly arguments: string }
  | { readonly kind: 'result'; readonly callId: string; readonly name: string; readonly output: string };

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

  /** Adds messages given by the application (`start({ history })`). */
  addMessages(messages: readonly LlmMessage[]): void {
    const names = new Map<string, string>();
    for (const message of messages) {
      if (message.role === 'tool') {
        if (message.toolCallId !== undefined) this.addResult(message.toolCallId, names.get(message.toolCallId) ?? 'tool', message.content);
        continue;
      }
      if (message.content !== '') {
        if (message.role === 'assistant') this.addAssistant(message.content, 0, undefined);
        else this.addText(message.role, message.content);
      }
      for (const call of message.toolCalls ?? []) {
        names.set(call.callId, call.name);
        this.addCall(call.callId, call.name, call.arguments);
      }
    }
  }

  /** Text from the user or the system. */
  addText(role: 'user' | 'system', text: string): void {
    if (text !== '') this.#push({ kind: 'message', role, text });
  }

  /** A finished assistant utterance. */
  addAssistant(text: string, generatedMs: number, utteranceId: string | undefined, playedMs?: number): void {
    if (text === '') return;
    this.#push({ kind: 'assistant', text, generatedMs, ...(utteranceId === undefined ? {} : { utteranceId }), ...(playedMs === undefined ? {} : { playedMs }) });
  }

  /** The user heard only `playedMs` of an utterance already recorded (an interruption reported after it ended). */
  setPlayed(utteranceId: string, playedMs: number): void {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i];
      if (entry.kind === 'assistant' && entry.utteranceId === utteranceId) {
        entry.playedMs = Math.min(entry.playedMs ?? Number.POSITIVE_INFINITY, playedMs);
        return;
      }
    }
  }

  /** The model called a tool. */
  addCall(callId: string, name: string, args: string): void {
    this.#push({ kind: 'call', callId, name, arguments: args });
  }

  /** A tool result went back to the model. */
  addResult(callId: string, name: string, output: string): void {
    this.#push({ kind: 'result', callId, name, output });
  }

  /** The service withdrew calls (`toolCallCancellation`): they leave the mirror. */
  removeCalls(callIds: readonly string[]): void {
    const ids = new Set(callIds);
    this.#entries = this.#entries.filter((e) => !((e.kind === 'call' || e.kind === 'result') && ids.has(e.callId)));
  }

  /** The conversation as LLM messages (assistant text as heard). */
  toMessages(): LlmMessage[] {
    const messages: LlmMessage[] = [];
    for (const entry of this.#entries) {
      switch (entry.kind) {
        case 'message':
          messages.push({ role: entry.role, content: entry.text });
          break;
        case 'assistant': {
          const text = heardText(entry.text, entry.generatedMs, entry.playedMs);
          if (text !== '') messages.push({ role: 'assistant', content: text });
          break;
        }
        case 'call':
          messages.push({ role: 'assistant', content: '', toolCalls: [{ callId: entry.callId, name: entry.name, arguments: entry.arguments }] });
          break;
        case 'result':
          messages.push({ role: 'tool', content: entry.output, toolCallId: entry.callId });
          break;
      }
    }
    return messages;
  }

  /**
   * The conversation as `clientContent` turns for seeding a fresh session. System text becomes a user turn
   * marked as such (Live has no system role in content); consecutive parts of one role share a turn.
   */
  toTurns(): WireContent[] {
    const turns: WireContent[] = [];
    const add = (role: 'user' | 'model', part: WireContent['parts'][number]): void => {
      const last = turns[turns.length - 1];
      if (last !== undefined && last.role === role) last.parts.push(part);
      else turns.push({ role, parts: [part] });
    };
    for (const entry of this.#entries) {
      switch (entry.kind) {
        case 'message':
          add('user', { text: entry.role === 'system' ? `[system] ${entry.text}` : entry.text });
          break;
        case 'assistant': {
          const text = heardText(entry.text, entry.generatedMs, entry.playedMs);
          if (text !== '') add('model', { text });
          break;
        }
        case 'call':
          add('model', { functionCall: { id: entry.callId, name: entry.name, args: parseArgs(entry.arguments) } });
          break;
        case 'result':
          add('user', { functionResponse: { id: entry.callId, name: entry.name, response: { output: entry.output } } });
          break;
      }
    }
    return turns;
  }

  #push(entry: HistoryEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length <= this.#maxItems) return;
    let drop = this.#entries.length - this.#maxItems;
    // A result whose call was dropped means nothing to the model: drop it too.
    const dropped = new Set<string>();
    for (let i = 0; i < drop; i++) {
      const gone = this.#entries[i];
      if (gone.kind === 'call') dropped.add(gone.callId);
    }
    while (drop < this.#entries.length) {
      const next = this.#entries[drop];
      if (next.kind !== 'result' || !dropped.has(next.callId)) break;
      drop++;
    }
    this.#entries = this.#entries.slice(drop);
  }
}

function parseArgs(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { text };
  }
}
