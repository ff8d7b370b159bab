/**
 * The emulator's conversation: ordered items with `previous_item_id` links (protocol note §14.4), the wire shape
 * of each item, and truncation of assistant audio (§10.5).
 *
 * @packageDocumentation
 */
import type { ClientEventIssue } from './client-event-check';
import type { EmulatedItem } from './script';

/** An ordered list of conversation items. */
export class EmulatedConversation {
  readonly items: EmulatedItem[] = [];

  /** The last item's id, or `null` for an empty conversation. */
  get lastItemId(): string | null {
    return this.items[this.items.length - 1]?.id ?? null;
  }

  /** Finds an item. */
  find(itemId: string): EmulatedItem | undefined {
    return this.items.find((item) => item.id === itemId);
  }

  /** Adds an item after `previousItemId` (`'root'`: first; default: last). Returns the id of the item before it. */
  add(item: EmulatedItem, previousItemId?: string): string | null {
    if (previousItemId === undefined) {
      const previous = this.lastItemId;
      this.items.push(item);
      return previous;
    }
    if (previousItemId === 'root') {
      this.items.unshift(item);
      return null;
    }
    const at = this.items.findIndex((i) => i.id === previousItemId);
    this.items.splice(at + 1, 0, item);
    return previousItemId;
  }

  /** Removes an item; returns whether it existed. */
  delete(itemId: string): boolean {
    const at = this.items.findIndex((i) => i.id === itemId);
    if (at < 0) return false;
    this.items.splice(at, 1);
    return true;
  }

  /** Whether a function call with this call id exists (a tool result must answer one, §7). */
  hasFunctionCall(callId: string): boolean {
    return this.items.some((item) => item.type === 'function_call' && item.callId === callId);
  }

  /**
   * Truncates an assistant item's audio to `audioEndMs`, dropping the unheard share of its transcript. Returns the
   * problem instead when the item is missing, not an assistant message, or shorter than `audioEndMs`.
   */
  truncate(itemId: string, contentIndex: number, audioEndMs: number): ClientEventIssue | undefined {
    const item = this.find(itemId);
    if (item === undefined) return { code: 'invalid_value', param: 'item_id', message: `Item with item_id '${itemId}' not found.` };
    if (item.type !== 'message' || item.role !== 'assistant') {
      return { code: 'invalid_value', param: 'item_id', message: 'Only assistant messages can be truncated.' };
    }
    if (contentIndex !== 0) return { code: 'invalid_value', param: 'content_index', message: `Content index ${contentIndex} does not exist.` };
    if (!Number.isInteger(audioEndMs) || audioEndMs < 0) {
      return { code: 'invalid_value', param: 'audio_end_ms', message: 'audio_end_ms must be a non-negative integer.' };
    }
    if (audioEndMs > item.audioMs) {
      return {
        code: 'invalid_value',
        param: 'audio_end_ms',
        message: `Audio content of ${Math.round(item.audioMs)}ms is already shorter than ${audioEndMs}ms`,
      };
    }
    const keep = item.audioMs > 0 ? Math.round((item.text.length * audioEndMs) / item.audioMs) : 0;
    item.text = item.text.slice(0, keep);
    item.audioMs = audioEndMs;
    return undefined;
  }
}

/** The wire shape of an item (no audio bytes, §7: server item events never carry them). */
export function wireItem(item: EmulatedItem): Record<string, unknown> {
  const base = { id: item.id, object: 'realtime.item', status: item.status };
  if (item.type === 'function_call') return { ...base, type: 'function_call', name: item.name, call_id: item.callId, arguments: item.arguments };
  if (item.type === 'function_call_output') return { ...base, type: 'function_call_output', call_id: item.callId, output: item.output };
  if (item.role === 'assistant') return { ...base, type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: item.text }] };
  if (item.role === 'system') return { ...base, type: 'message', role: 'system', content: [{ type: 'input_text', text: item.text }] };
  return {
    ...base,
    type: 'message',
    role: 'user',
    content: item.audioMs > 0 ? [{ type: 'input_audio', transcript: item.text === '' ? null : item.text }] : [{ type: 'input_text', text: item.text }],
  };
}
