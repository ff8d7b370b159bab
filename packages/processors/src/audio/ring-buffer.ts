/**
 * A fixed-capacity ring buffer of PCM16 samples: bounded memory, no shifting, no growth. Writes and reads copy with
 * at most two `set` calls each (the wrap point), so cost is proportional to the samples moved.
 *
 * @packageDocumentation
 */
import { AudioDataError } from './errors';
import { allocInt16 } from './sample-slab';

/** What {@link SampleRingBuffer.write} does when the samples do not fit. */
export type RingOverflowPolicy = 'drop-oldest' | 'drop-newest' | 'throw';

/** Options of {@link SampleRingBuffer}. */
export interface SampleRingBufferOptions {
  /** Capacity in samples. */
  readonly capacity: number;
  /**
   * Overflow policy: `drop-oldest` keeps the newest audio (bounded latency, the right choice for live audio),
   * `drop-newest` keeps what is buffered, `throw` raises an {@link AudioDataError}. Drops are counted in
   * {@link SampleRingBuffer.droppedSamples}, never silent.
   * @defaultValue `'drop-oldest'`
   */
  readonly overflow?: RingOverflowPolicy;
}

/** Defaults of {@link SampleRingBufferOptions}. */
export const sampleRingBufferDefaults = {
  overflow: 'drop-oldest',
} as const satisfies Omit<SampleRingBufferOptions, 'capacity'>;

/** A bounded FIFO of Int16 samples. */
export class SampleRingBuffer {
  /** Capacity in samples. */
  readonly capacity: number;
  /** Overflow policy. */
  readonly overflow: RingOverflowPolicy;
  readonly #data: Int16Array;
  /** Index of the oldest sample. */
  #head = 0;
  #size = 0;
  #dropped = 0;

  constructor(options: SampleRingBufferOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity <= 0) {
      throw new RangeError(`SampleRingBuffer: capacity must be a positive integer, got ${String(options.capacity)}.`);
    }
    this.capacity = options.capacity;
    this.overflow = options.overflow ?? sampleRingBufferDefaults.overflow;
    this.#data = new Int16Array(options.capacity);
  }

  /** Samples buffered. */
  get size(): number {
    return this.#size;
  }

  /** Free room in samples. */
  get free(): number {
    return this.capacity - this.#size;
  }

  /** Samples lost to overflow since creation (or the last {@link resetDropped}). */
  get droppedSamples(): number {
    return this.#dropped;
  }

  /** Resets the overflow counter. */
  resetDropped(): void {
    this.#dropped = 0;
  }

  /**
   * Appends samples, applying the overflow policy when they do not fit. Returns how many of `samples` were stored.
   * @throws {@link AudioDataError} with the `throw` policy when the samples do not fit (nothing is stored).
   */
  write(samples: Int16Array): number {
    let source = samples;
    const overflowBy = this.#size + source.length - this.capacity;
    if (overflowBy > 0) {
      if (this.overflow === 'throw') {
        throw new AudioDataError(
          `Ring buffer overflow: ${source.length} samples do not fit (${this.free} free of ${this.capacity}). ` +
            'Read more often or raise the capacity.',
          { details: { capacity: this.capacity, free: this.free, incoming: source.length } },
        );
      }
      this.#dropped += overflowBy;
      if (this.overflow === 'drop-newest') {
        source = source.subarray(0, source.length - overflowBy);
      } else if (overflowBy >= this.#size) {
        // Everything buffered goes, and the incoming block keeps only its newest `capacity` samples.
        const fromIncoming = overflowBy - this.#size;
        this.#head = 0;
        this.#size = 0;
        source = source.subarray(fromIncoming);
      } else {
        this.discard(overflowBy);
      }
    }
    const count = source.length;
    if (count === 0) return 0;
    const capacity = this.capacity;
    let tail = this.#head + this.#size;
    if (tail >= capacity) tail -= capacity;
    const first = Math.min(count, capacity - tail);
    this.#data.set(first === count ? source : source.subarray(0, first), tail);
    if (first < count) this.#data.set(source.subarray(first), 0);
    this.#size += count;
    return count;
  }

  /** Copies up to `dst.length` of the oldest samples into `dst` without removing them. Returns the count copied. */
  peek(dst: Int16Array): number {
    const count = Math.min(dst.length, this.#size);
    const first = Math.min(count, this.capacity - this.#head);
    dst.set(this.#data.subarray(this.#head, this.#head + first), 0);
    if (first < count) dst.set(this.#data.subarray(0, count - first), first);
    return count;
  }

  /** Moves up to `dst.length` of the oldest samples into `dst`. Returns the count moved. */
  read(dst: Int16Array): number {
    const count = this.peek(dst);
    this.discard(count);
    return count;
  }

  /** Removes and returns the oldest `count` samples (fewer if fewer are buffered) as a fresh array. */
  take(count: number): Int16Array {
    const out = allocInt16(Math.max(0, Math.min(count, this.#size)));
    this.read(out);
    return out;
  }

  /** Drops up to `count` of the oldest samples. Returns the count dropped. */
  discard(count: number): number {
    const dropped = Math.max(0, Math.min(count, this.#size));
    this.#head += dropped;
    if (this.#head >= this.capacity) this.#head -= this.capacity;
    this.#size -= dropped;
    if (this.#size === 0) this.#head = 0;
    return dropped;
  }

  /** Empties the buffer (the overflow counter is kept). */
  clear(): void {
    this.#head = 0;
    this.#size = 0;
  }
}
