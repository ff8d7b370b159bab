/**
 * The audio a reconnect must replay: a fixed ring of PCM16 samples on the session's timeline (sample 0 = the first
 * sample ever sent). Samples before the last final result are settled and need no replay; the ring keeps the rest,
 * up to its capacity, and counts what it had to overwrite.
 *
 * @packageDocumentation
 */

/** A bounded ring of recent audio, addressed by absolute sample position. */
export class ReplayBuffer {
  readonly #ring: Int16Array;
  /** Samples written since the session began (the timeline's end). */
  #written = 0;
  /** Position up to which audio is settled (transcribed as final). */
  #settled = 0;

  constructor(capacitySamples: number) {
    this.#ring = new Int16Array(Math.max(1, Math.floor(capacitySamples)));
  }

  /** Samples written so far (the timeline position of the next sample). */
  get written(): number {
    return this.#written;
  }

  /** Position up to which audio is settled (transcribed as final). */
  get settledPosition(): number {
    return this.#settled;
  }

  /** First position a replay can start from: the settled point, or the oldest sample still held. */
  get replayStart(): number {
    return Math.max(this.#settled, this.#written - this.#ring.length);
  }

  /** Copies samples in (the caller may reuse its buffer afterwards). */
  write(samples: Int16Array): void {
    const capacity = this.#ring.length;
    let source = samples;
    if (source.length > capacity) source = source.subarray(source.length - capacity);
    const skipped = samples.length - source.length;
    const at = (this.#written + skipped) % capacity;
    const first = Math.min(source.length, capacity - at);
    this.#ring.set(source.subarray(0, first), at);
    if (first < source.length) this.#ring.set(source.subarray(first), 0);
    this.#written += samples.length;
  }

  /** Marks audio before `position` as settled (never moves backwards). */
  settle(position: number): void {
    this.#settled = Math.min(this.#written, Math.max(this.#settled, Math.floor(position)));
  }

  /** Samples from `from` (clamped to {@link replayStart}) to the end, as at most two views into the ring. */
  slice(from: number): Int16Array[] {
    const start = Math.max(from, this.replayStart);
    const length = this.#written - start;
    if (length <= 0) return [];
    const capacity = this.#ring.length;
    const at = start % capacity;
    const first = Math.min(length, capacity - at);
    const views = [this.#ring.subarray(at, at + first)];
    if (first < length) views.push(this.#ring.subarray(0, length - first));
    return views;
  }
}
