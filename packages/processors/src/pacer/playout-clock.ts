/**
 * The pacer's model of the far end: what it received, when each chunk plays, and so what the user has heard.
 *
 * The model: the far end plays what it receives back to back, starting each chunk when the previous one ended or,
 * after running dry, when it arrives. So a chunk released at `now` starts at `max(now, playEnd)`. At any moment
 * the user has heard everything released except what is still buffered at the far end ("what was sent minus what
 * is still within the lead"); padding at the end of a chunk is silence and is not counted as media.
 *
 * @packageDocumentation
 */
import type { UtteranceTrack } from './utterance-track';

/**
 * Chunks released but not yet fully heard, on a small ring (the lead bounds how many there are), with the play
 * timeline they were scheduled on.
 */
export class PlayoutClock {
  #playEndMs = 0;
  #tracks: (UtteranceTrack | undefined)[];
  #startsMs: Float64Array;
  #mediaMs: Float64Array;
  #head = 0;
  #size = 0;

  /** @param capacity chunks expected in flight at once (lead / chunk + a margin); the ring grows if needed. */
  constructor(capacity: number) {
    this.#tracks = new Array<UtteranceTrack | undefined>(capacity).fill(undefined);
    this.#startsMs = new Float64Array(capacity);
    this.#mediaMs = new Float64Array(capacity);
  }

  /** Scheduler time at which everything released so far has finished playing. */
  get playEndMs(): number {
    return this.#playEndMs;
  }

  /** Unplayed audio buffered at the far end at `nowMs`, in ms (padding included). */
  bufferedMs(nowMs: number): number {
    return Math.max(0, this.#playEndMs - nowMs);
  }

  /**
   * Records a chunk released at `nowMs`: `durationMs` of output (media plus padding), of which the first `mediaMs`
   * are the utterance's media. Returns the time it starts playing.
   */
  release(nowMs: number, durationMs: number, mediaMs: number, track: UtteranceTrack): number {
    this.prune(nowMs);
    const startMs = Math.max(nowMs, this.#playEndMs);
    this.#playEndMs = startMs + durationMs;
    if (this.#size === this.#tracks.length) this.#grow();
    const index = (this.#head + this.#size) % this.#tracks.length;
    this.#tracks[index] = track;
    this.#startsMs[index] = startMs;
    this.#mediaMs[index] = mediaMs;
    this.#size += 1;
    return startMs;
  }

  /** Media of `track` released but not yet heard at `nowMs`, in ms. */
  unheardMediaMs(track: UtteranceTrack, nowMs: number): number {
    let unheard = 0;
    const capacity = this.#tracks.length;
    for (let offset = 0; offset < this.#size; offset++) {
      const index = (this.#head + offset) % capacity;
      if (this.#tracks[index] !== track) continue;
      const heard = Math.min(Math.max(nowMs - this.#startsMs[index], 0), this.#mediaMs[index]);
      unheard += this.#mediaMs[index] - heard;
    }
    return unheard;
  }

  /** Media of `track` the user has heard at `nowMs`, in ms. */
  playedMediaMs(track: UtteranceTrack, nowMs: number): number {
    return Math.max(0, track.releasedMediaMs - this.unheardMediaMs(track, nowMs));
  }

  /** Forgets chunks whose media was fully heard by `nowMs`. */
  prune(nowMs: number): void {
    const capacity = this.#tracks.length;
    while (this.#size > 0 && this.#startsMs[this.#head] + this.#mediaMs[this.#head] <= nowMs) {
      this.#tracks[this.#head] = undefined;
      this.#head = (this.#head + 1) % capacity;
      this.#size -= 1;
    }
  }

  /** The far end was flushed at `nowMs` (interruption): nothing is buffered there any more. */
  reset(nowMs: number): void {
    this.#tracks.fill(undefined);
    this.#head = 0;
    this.#size = 0;
    this.#playEndMs = nowMs;
  }

  #grow(): void {
    const capacity = this.#tracks.length;
    const next = Math.max(4, capacity * 2);
    const tracks = new Array<UtteranceTrack | undefined>(next).fill(undefined);
    const starts = new Float64Array(next);
    const media = new Float64Array(next);
    for (let offset = 0; offset < this.#size; offset++) {
      const index = (this.#head + offset) % capacity;
      tracks[offset] = this.#tracks[index];
      starts[offset] = this.#startsMs[index];
      media[offset] = this.#mediaMs[index];
    }
    this.#tracks = tracks;
    this.#startsMs = starts;
    this.#mediaMs = media;
    this.#head = 0;
  }
}
