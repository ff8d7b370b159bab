/**
 * Bookkeeping of generated assistant audio per item, and the truncation point of an interruption (protocol note
 * §10.5): `conversation.item.truncate` must carry an integer `audio_end_ms` no larger than what the service
 * generated, and is pointless when the user heard everything.
 *
 * @packageDocumentation
 */

/** Generated audio of one assistant item. */
interface AssistantAudio {
  readonly itemId: string;
  readonly responseId?: string;
  /** Milliseconds of audio received for it. */
  generatedMs: number;
  /** When its first audio delta arrived (on the session's clock), for the wall-clock fallback. */
  firstDeltaAt: number;
  /** Truncated already (a second truncate would fail). */
  truncated: boolean;
}

/** A planned `conversation.item.truncate`. */
export interface TruncationPlan {
  readonly itemId: string;
  /** Whole milliseconds heard, clamped to what was generated. */
  readonly audioEndMs: number;
  /** Milliseconds the service generated for the item. */
  readonly generatedMs: number;
}

/** Items remembered: interruptions concern the latest utterance; a few older ones cover late playback reports. */
const REMEMBERED_ITEMS = 8;

/** Tracks assistant audio items of the current connection. */
export class TruncationTracker {
  #items: AssistantAudio[] = [];

  /** The latest item that produced audio. */
  get latestItemId(): string | undefined {
    return this.#items[this.#items.length - 1]?.itemId;
  }

  /** The latest item of a response that produced audio. */
  latestItemIdOf(responseId: string): string | undefined {
    for (let i = this.#items.length - 1; i >= 0; i--) if (this.#items[i].responseId === responseId) return this.#items[i].itemId;
    return undefined;
  }

  /** Records `ms` of audio received for an item. */
  addAudio(itemId: string, ms: number, responseId: string | undefined, now: number): void {
    let item = this.#find(itemId);
    if (item === undefined) {
      item = { itemId, ...(responseId === undefined ? {} : { responseId }), generatedMs: 0, firstDeltaAt: now, truncated: false };
      this.#items.push(item);
      if (this.#items.length > REMEMBERED_ITEMS) this.#items.shift();
    }
    item.generatedMs += ms;
  }

  /** When the item's audio ends playing if played in real time from its first delta (0 when unknown). */
  playbackEndsAt(itemId: string): number {
    const item = this.#find(itemId);
    return item === undefined ? 0 : item.firstDeltaAt + item.generatedMs;
  }

  /** Milliseconds generated for an item (0 when unknown). */
  generatedMs(itemId: string): number {
    return this.#find(itemId)?.generatedMs ?? 0;
  }

  /**
   * Plans the truncation of an item (the latest by default) to `playedMs`. Without `playedMs` the time since its
   * first audio delta stands in, as the official client does (an approximation: it assumes real-time playback that
   * started at once). Returns `undefined` when there is nothing to cut: no such item, truncated already, or fully
   * heard. Marks the item truncated.
   */
  plan(itemId: string | undefined, playedMs: number | undefined, now: number): TruncationPlan | undefined {
    const item = itemId === undefined ? this.#items[this.#items.length - 1] : this.#find(itemId);
    if (item === undefined || item.truncated) return undefined;
    const played = playedMs ?? now - item.firstDeltaAt;
    if (!Number.isFinite(played) || played >= item.generatedMs) return undefined;
    item.truncated = true;
    return { itemId: item.itemId, audioEndMs: Math.max(0, Math.floor(played)), generatedMs: item.generatedMs };
  }

  /**
   * Milliseconds of an item heard if played in real time from its first delta (the official client's estimate),
   * clamped to what was generated; `undefined` for an unknown item. Marks nothing.
   */
  estimatePlayedMs(itemId: string, now: number): number | undefined {
    const item = this.#find(itemId);
    return item === undefined ? undefined : Math.max(0, Math.min(item.generatedMs, Math.floor(now - item.firstDeltaAt)));
  }

    /** Forgets all items (a new connection: old item ids mean nothing there). */
  reset(): void {
    this.#items = [];
  }

  #find(itemId: string): AssistantAudio | undefined {
    for (let i = this.#items.length - 1; i >= 0; i--) if (this.#items[i].itemId === itemId) return this.#items[i];
    return undefined;
  }
}
