/**
 * Order keeping for media chunks: drop what arrives late behind newer audio, but never let one odd chunk number
 * silence the rest of a call.
 *
 * @packageDocumentation
 */

/** What to do with one chunk. */
export type ChunkDecision = 'accept' | 'late' | 'resync';

/** Counters of a {@link ChunkSequencer}. */
export interface ChunkSequenceStats {
  /** Chunks taken in order. */
  readonly accepted: number;
  /** Chunks dropped because a newer one was already taken (late or duplicate). */
  readonly late: number;
  /** Jumps of the chunk counter beyond the window, after which the sequence restarted at the new number. */
  readonly resyncs: number;
  /** Chunk numbers skipped by small forward gaps (audio the carrier never delivered). */
  readonly missing: number;
}

/**
 * Tracks the carrier's per-track `chunk` counter (protocol note §2: from 1, one per 20 ms). A chunk within
 * `windowChunks` behind the newest one is late and dropped (Telnyx does not guarantee order, §7); a small forward
 * gap is accepted and counted as missing; any jump beyond the window (a counter reset, a corrupted number such as
 * 999998) resynchronises on the new number instead of treating everything after it as late. Chunk numbers <= 0
 * (carriers that send none) are always accepted.
 */
export class ChunkSequencer {
  readonly #window: number;
  #last = -1;
  #accepted = 0;
  #late = 0;
  #resyncs = 0;
  #missing = 0;

  /** @param windowChunks - how far (in chunks) a number may move before it counts as a jump; 50 = 1 s of 20 ms chunks */
  constructor(windowChunks = 50) {
    this.#window = windowChunks;
  }

  /** Decides for one chunk number and updates the counters. */
  decide(chunk: number): ChunkDecision {
    if (chunk <= 0 || this.#last < 0) {
      if (chunk > 0) this.#last = chunk;
      this.#accepted += 1;
      return 'accept';
    }
    const step = chunk - this.#last;
    if (step > 0 && step <= this.#window) {
      this.#missing += step - 1;
      this.#last = chunk;
      this.#accepted += 1;
      return 'accept';
    }
    if (step <= 0 && -step < this.#window) {
      this.#late += 1;
      return 'late';
    }
    this.#last = chunk;
    this.#resyncs += 1;
    this.#accepted += 1;
    return 'resync';
  }

  /** The newest chunk number taken, or -1. */
  get lastChunk(): number {
    return this.#last;
  }

  /** Counters so far. */
  get stats(): ChunkSequenceStats {
    return { accepted: this.#accepted, late: this.#late, resyncs: this.#resyncs, missing: this.#missing };
  }
}
