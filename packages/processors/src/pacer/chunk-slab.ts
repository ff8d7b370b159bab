/**
 * Output chunk storage: chunks are carved from large slabs, so releasing a chunk allocates no buffer of its own,
 * yet a released chunk is never overwritten (a consumer may keep it, unlike a view over a reused buffer).
 *
 * @packageDocumentation
 */

/** Chunks per slab: one slab serves about a second of 20 ms chunks, so buffers are allocated once a second. */
const CHUNKS_PER_SLAB = 50;

/** Hands out fresh, zeroed `Int16Array` views carved from shared slabs. */
export class ChunkSlab {
  #slab = new Int16Array(0);
  #used = 0;

  /** A zeroed view of `samples` samples that nothing else will write to. */
  take(samples: number): Int16Array {
    if (this.#used + samples > this.#slab.length) {
      // The old slab lives on as long as chunks taken from it are referenced.
      this.#slab = new Int16Array(samples * CHUNKS_PER_SLAB);
      this.#used = 0;
    }
    // The constructor is cheaper than subarray() for a view, and this runs once per chunk.
    const view = new Int16Array(this.#slab.buffer, this.#used * Int16Array.BYTES_PER_ELEMENT, samples);
    this.#used += samples;
    return view;
  }
}
