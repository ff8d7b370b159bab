/**
 * A bounded ring of PCM16 samples: the pre-roll (the latest few hundred ms of user audio) and the backlog (user
 * audio held while a session reconnects or rotates). Overflow drops the oldest samples and counts them, so the loss
 * is stated, never silent.
 *
 * @packageDocumentation
 */

/** A fixed-capacity FIFO of samples. */
export class AudioRing {
  readonly #buffer: Int16Array;
  #start = 0;
  #length = 0;
  /** Samples dropped because the ring was full, since creation. */
  dropped = 0;

  constructor(capacitySamples: number) {
    this.#buffer = new Int16Array(Math.max(0, Math.floor(capacitySamples)));
  }

  /** Capacity in samples. */
  get capacity(): number {
    return this.#buffer.length;
  }

  /** Samples held. */
  get length(): number {
    return this.#length;
  }

  /** Appends samples; when full, the oldest are overwritten. Returns how many were dropped by this call. */
  push(samples: Int16Array): number {
    const capacity = this.#buffer.length;
    if (capacity === 0) {
      this.dropped += samples.length;
      return samples.length;
    }
    let input = samples;
    let dropped = 0;
    if (input.length > capacity) {
      dropped += input.length - capacity;
      input = input.subarray(input.length - capacity);
    }
    const overflow = this.#length + input.length - capacity;
    if (overflow > 0) {
      dropped += overflow;
      this.#start = (this.#start + overflow) % capacity;
      this.#length -= overflow;
    }
    let end = (this.#start + this.#length) % capacity;
    let offset = 0;
    while (offset < input.length) {
      const n = Math.min(input.length - offset, capacity - end);
      this.#buffer.set(input.subarray(offset, offset + n), end);
      offset += n;
      end = (end + n) % capacity;
    }
    this.#length += input.length;
    this.dropped += dropped;
    return dropped;
  }

  /** Copies the newest `count` samples (or all, if fewer) into a new array, oldest first. */
  tail(count: number): Int16Array {
    const n = Math.min(count, this.#length);
    const out = new Int16Array(n);
    this.#copy(this.#length - n, out);
    return out;
  }

  /** Removes and returns everything, oldest first, in chunks of at most `chunkSamples`. */
  drain(chunkSamples: number): Int16Array[] {
    const chunks: Int16Array[] = [];
    let offset = 0;
    while (offset < this.#length) {
      const chunk = new Int16Array(Math.min(chunkSamples, this.#length - offset));
      this.#copy(offset, chunk);
      chunks.push(chunk);
      offset += chunk.length;
    }
    this.clear();
    return chunks;
  }

  /** Empties the ring. */
  clear(): void {
    this.#start = 0;
    this.#length = 0;
  }

  #copy(fromIndex: number, out: Int16Array): void {
    const capacity = this.#buffer.length;
    let read = (this.#start + fromIndex) % capacity;
    let written = 0;
    while (written < out.length) {
      const n = Math.min(out.length - written, capacity - read);
      out.set(this.#buffer.subarray(read, read + n), written);
      written += n;
      read = (read + n) % capacity;
    }
  }
}
