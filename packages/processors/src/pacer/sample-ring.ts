/**
 * The pacer's sample store: the audio module's bounded {@link SampleRingBuffer}, replaced by one twice as large when
 * a write would not fit. A pacer sizes for the usual reply and grows only for a long one, so a thousand idle
 * sessions do not each hold `maxBufferedMs` of memory; the pacer's own `maxBufferedMs` check bounds the growth.
 *
 * @packageDocumentation
 */
import { SampleRingBuffer } from '../audio/ring-buffer';

/** A FIFO of Int16 samples that grows (by doubling) instead of overflowing. */
export class SampleRing {
  #ring: SampleRingBuffer;

  /** @param capacity initial capacity in samples */
  constructor(capacity: number) {
    this.#ring = new SampleRingBuffer({ capacity, overflow: 'throw' });
  }

  /** Samples stored. */
  get length(): number {
    return this.#ring.size;
  }

  /** Appends all of `samples`, growing first if they do not fit. */
  write(samples: Int16Array): void {
    if (samples.length > this.#ring.free) this.#grow(this.#ring.size + samples.length);
    this.#ring.write(samples);
  }

  /** Moves the oldest `count` samples into the start of `into`. */
  read(into: Int16Array, count: number): void {
    this.#ring.read(count === into.length ? into : into.subarray(0, count));
  }

  /** Drops everything (the capacity reached is kept: the next long reply will need it too). */
  clear(): void {
    this.#ring.clear();
  }

  #grow(needed: number): void {
    let capacity = this.#ring.capacity * 2;
    while (capacity < needed) capacity *= 2;
    const next = new SampleRingBuffer({ capacity, overflow: 'throw' });
    next.write(this.#ring.take(this.#ring.size));
    this.#ring = next;
  }
}
