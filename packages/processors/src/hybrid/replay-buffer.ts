/**
 * The user's most recent audio, kept so that a failover can replay what the failed provider may not have heard.
 * A ring of PCM16 samples with an absolute position: `mark()` notes how far the provider demonstrably heard,
 * `since(mark)` returns what came after (bounded by the capacity).
 *
 * @packageDocumentation
 */

/** A bounded ring of recent PCM16 samples addressed by absolute sample position. */
export class ReplayBuffer {
  readonly #ring: Int16Array;
  /** Samples ever written. */
  #written = 0;

  /** @param capacitySamples - how much audio is kept (older audio is overwritten). */
  constructor(capacitySamples: number) {
    if (!Number.isInteger(capacitySamples) || capacitySamples <= 0) {
      throw new RangeError(`ReplayBuffer needs a positive whole capacity, got ${capacitySamples}.`);
    }
    this.#ring = new Int16Array(capacitySamples);
  }

  /** Absolute position after the last sample written. */
  get position(): number {
    return this.#written;
  }

  /** Samples kept at most. */
  get capacity(): number {
    return this.#ring.length;
  }

  /** Appends samples (copied). */
  write(samples: Int16Array): void {
    const ring = this.#ring;
    let source = samples;
    if (source.length > ring.length) source = source.subarray(source.length - ring.length);
    this.#written += samples.length - source.length;
    const at = this.#written % ring.length;
    const first = Math.min(source.length, ring.length - at);
    ring.set(source.subarray(0, first), at);
    if (first < source.length) ring.set(source.subarray(first), 0);
    this.#written += source.length;
  }

  /**
   * The samples written after absolute position `from`, oldest first, and how many older ones were already
   * overwritten (lost to the bound).
   */
  since(from: number): { readonly samples: Int16Array; readonly lost: number } {
    const ring = this.#ring;
    const oldest = Math.max(0, this.#written - ring.length);
    const start = Math.max(from, oldest);
    const lost = start - Math.max(from, 0);
    const count = Math.max(0, this.#written - start);
    const out = new Int16Array(count);
    const at = start % ring.length;
    const first = Math.min(count, ring.length - at);
    out.set(ring.subarray(at, at + first), 0);
    if (first < count) out.set(ring.subarray(0, count - first), first);
    return { samples: out, lost };
  }
}
