/**
 * The telephony playback clock: marks sent behind audio, echoed by the carrier once that audio played.
 *
 * @packageDocumentation
 */

/** What a confirmed mark proves: this much of this utterance was heard. */
export interface MarkProgress {
  readonly utteranceId: string;
  readonly playedMs: number;
  /** The mark was the last one of its utterance (the utterance finished playing). */
  readonly final: boolean;
}

interface PendingMark {
  readonly utteranceId: string;
  readonly playedMs: number;
  readonly final: boolean;
  readonly epoch: number;
}

/**
 * Names marks and interprets their echoes. A `clear` makes Twilio echo every pending mark at once (protocol note
 * §2, §4), so a mark returned after a clear proves nothing: each clear starts a new epoch, and echoes of marks from
 * an older epoch are ignored.
 */
export class MarkTracker {
  readonly #pending = new Map<string, PendingMark>();
  readonly #maxPending: number;
  #epoch = 0;
  #sequence = 0;
  #confirmed: MarkProgress | undefined;

  /** @param maxPending - marks kept waiting for an echo; the oldest are forgotten beyond it (a carrier that never echoes) */
  constructor(maxPending = 4096) {
    this.#maxPending = maxPending;
  }

  /** Registers a mark placed after `playedMs` of `utteranceId` and returns its unique name. */
  place(utteranceId: string, playedMs: number, final: boolean): string {
    this.#sequence += 1;
    const name = `vf:${this.#epoch}:${this.#sequence}`;
    this.#pending.set(name, { utteranceId, playedMs, final, epoch: this.#epoch });
    if (this.#pending.size > this.#maxPending) {
      const oldest = this.#pending.keys().next().value;
      if (oldest !== undefined) this.#pending.delete(oldest);
    }
    return name;
  }

  /**
   * Makes an already placed mark the final one of its utterance (no extra mark when the utterance ends exactly at
   * a mark). Returns `false` when the mark is no longer pending (already echoed): place a new final mark then.
   */
  finalize(name: string): boolean {
    const mark = this.#pending.get(name);
    if (mark === undefined || mark.epoch !== this.#epoch) return false;
    this.#pending.set(name, { ...mark, final: true });
    return true;
  }

  /** An echo arrived. Returns what it proves, or `undefined` for an unknown mark or one discarded by a clear. */
  echo(name: string): MarkProgress | undefined {
    const mark = this.#pending.get(name);
    if (mark === undefined) return undefined;
    this.#pending.delete(name);
    if (mark.epoch !== this.#epoch) return undefined;
    const progress: MarkProgress = { utteranceId: mark.utteranceId, playedMs: mark.playedMs, final: mark.final };
    this.#confirmed = progress;
    return progress;
  }

  /**
   * A clear was sent: marks placed so far no longer prove playback. Returns the last confirmed progress when it
   * belongs to `utteranceId` (what the user heard of the utterance being cut), else `undefined`.
   */
  clear(utteranceId: string | undefined): MarkProgress | undefined {
    this.#epoch += 1;
    const confirmed = this.#confirmed;
    this.#confirmed = undefined;
    if (confirmed === undefined || confirmed.utteranceId !== utteranceId) return undefined;
    return confirmed;
  }

  /** Marks waiting for an echo (current and older epochs). */
  get pendingCount(): number {
    return this.#pending.size;
  }
}
