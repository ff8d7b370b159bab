/**
 * What the playback clock reported per utterance, shared by the two sides of a context aggregator: the user side
 * sits upstream of the output and sees `playback.progress` travel up; the assistant side sits after the output
 * and sees what was spoken travel down.
 *
 * @packageDocumentation
 */

interface Progress {
  playedMs: number;
  final: boolean;
}

/** Most utterances remembered; older ones are long committed. */
const MAX_UTTERANCES = 64;

/** Played time per utterance. */
export class PlaybackLedger {
  readonly #progress = new Map<string, Progress>();
  #clock = false;
  /** Called when an utterance's playback ended (final progress). */
  onFinal: ((utteranceId: string, playedMs: number) => void) | undefined;

  /** Whether any playback clock reported in this run. */
  get hasClock(): boolean {
    return this.#clock;
  }

  /** Records a `playback.progress` report. */
  progress(utteranceId: string | undefined, playedMs: number, final: boolean): void {
    this.#clock = true;
    const key = utteranceId ?? '';
    const entry = this.#progress.get(key);
    if (entry === undefined) {
      if (this.#progress.size >= MAX_UTTERANCES) this.#progress.delete(this.#progress.keys().next().value as string);
      this.#progress.set(key, { playedMs, final });
    } else {
      entry.playedMs = Math.max(entry.playedMs, playedMs);
      entry.final ||= final;
    }
    if (final) this.onFinal?.(key, playedMs);
  }

  /** Played ms of an utterance (0 when the clock never reported it), or `undefined` without a clock. */
  played(utteranceId: string | undefined): number | undefined {
    if (!this.#clock) return undefined;
    return this.#progress.get(utteranceId ?? '')?.playedMs ?? 0;
  }

  /** Whether the utterance's playback ended. */
  isFinal(utteranceId: string | undefined): boolean {
    return this.#progress.get(utteranceId ?? '')?.final === true;
  }
}
