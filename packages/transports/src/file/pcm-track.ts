/**
 * A growable mono PCM16 track: appended to, or written at a position (silence fills any gap).
 *
 * @packageDocumentation
 */

/** Mono PCM16 samples in a buffer that doubles as it grows (no per-frame arrays kept). */
export class PcmTrack {
  #buffer = new Int16Array(16_000);
  #length = 0;

  /** Samples written so far (the end of the furthest write). */
  get length(): number {
    return this.#length;
  }

  /** A view of the samples (valid until the next write). */
  view(): Int16Array {
    return this.#buffer.subarray(0, this.#length);
  }

  /** Appends at the end. */
  append(samples: Int16Array): void {
    this.writeAt(this.#length, samples);
  }

  /** Writes at `offset` (past the end: the gap is silence). */
  writeAt(offset: number, samples: Int16Array): void {
    const end = offset + samples.length;
    if (end > this.#buffer.length) {
      const grown = new Int16Array(Math.max(this.#buffer.length * 2, end));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(samples, offset);
    if (end > this.#length) this.#length = end;
  }
}
