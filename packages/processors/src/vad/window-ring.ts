/**
 * Re-chunking PCM16 audio into fixed analysis windows, queued on a fixed ring while they wait for inference.
 *
 * All memory is allocated up front: one Float32Array holds every slot, each slot has a view made once, and the
 * window being filled writes straight into the slot after the last queued one. No `shift()`; the ring grows only when
 * asked to ({@link WindowRing.grow}, for sources faster than real time), by reallocating once per doubling.
 *
 * @packageDocumentation
 */

const INT16_SCALE = 1 / 32768;

/** A bounded FIFO of complete analysis windows (float samples in `[-1, 1)`), fed by arbitrary-length chunks. */
export class WindowRing {
  /** Samples per window. */
  readonly windowSamples: number;
  #capacity: number;
  #views: Float32Array[];
  /** Stream sample index of each slot's first sample. */
  #starts: Float64Array;
  #head = 0;
  #size = 0;
  /** Samples already written into the slot being filled (the slot at `head + size`). */
  #filled = 0;
  /** Samples written since construction or {@link clear}. */
  #written = 0;

  constructor(windowSamples: number, capacity: number) {
    this.windowSamples = windowSamples;
    this.#capacity = capacity;
    this.#views = WindowRing.#slots(windowSamples, capacity);
    this.#starts = new Float64Array(capacity + 1);
  }

  /** One more slot than the capacity: the slot being filled never overlaps a queued window. */
  static #slots(windowSamples: number, capacity: number): Float32Array[] {
    const slots = capacity + 1;
    const storage = new Float32Array(slots * windowSamples);
    return Array.from({ length: slots }, (_, i) => storage.subarray(i * windowSamples, (i + 1) * windowSamples));
  }

  /** Most complete windows held; a further one drops the oldest (see {@link write}). */
  get capacity(): number {
    return this.#capacity;
  }

  /** How many complete windows `length` more samples would make. */
  completedBy(length: number): number {
    return Math.floor((this.#filled + length) / this.windowSamples);
  }

  /**
   * Raises the capacity to `capacity` (callers double it, so a long burst reallocates O(log n) times), keeping the
   * queued windows, their order and the partly filled one. Never shrinks.
   */
  grow(capacity: number): void {
    if (capacity <= this.#capacity) return;
    const next = capacity;
    const views = WindowRing.#slots(this.windowSamples, next);
    const starts = new Float64Array(next + 1);
    const slots = this.#views.length;
    // The queued windows and the slot being filled, oldest first, into slots 0..size.
    for (let i = 0; i <= this.#size; i++) {
      const from = (this.#head + i) % slots;
      views[i].set(this.#views[from]);
      starts[i] = this.#starts[from];
    }
    this.#views = views;
    this.#starts = starts;
    this.#head = 0;
    this.#capacity = next;
  }

  /** Complete windows waiting. */
  get size(): number {
    return this.#size;
  }

  /** Samples written so far (the stream position of the next sample). */
  get written(): number {
    return this.#written;
  }

  /**
   * Appends PCM16 samples (`samples[0, length)`). Every window they complete is queued; when the queue is full, the oldest queued window
   * is dropped to make room (latency stays bounded). Returns how many windows were dropped.
   */
  write(samples: Int16Array, length = samples.length): number {
    const windowSamples = this.windowSamples;
    const slots = this.#views.length;
    let dropped = 0;
    let offset = 0;
    while (offset < length) {
      const slot = (this.#head + this.#size) % slots;
      const view = this.#views[slot];
      if (this.#filled === 0) this.#starts[slot] = this.#written + offset;
      const count = Math.min(windowSamples - this.#filled, length - offset);
      const base = this.#filled;
      for (let i = 0; i < count; i++) view[base + i] = samples[offset + i] * INT16_SCALE;
      this.#filled += count;
      offset += count;
      if (this.#filled < windowSamples) break;
      this.#filled = 0;
      if (this.#size === this.#capacity) {
        this.#head = (this.#head + 1) % slots;
        this.#size -= 1;
        dropped += 1;
      }
      this.#size += 1;
    }
    this.#written += length;
    return dropped;
  }

  /** The oldest complete window (a view, valid until it is {@link shift}ed and its slot refilled). */
  peek(): Float32Array | undefined {
    return this.#size === 0 ? undefined : this.#views[this.#head];
  }

  /** Stream sample index of the oldest complete window's first sample. */
  peekStart(): number {
    return this.#starts[this.#head];
  }

  /** Removes the oldest complete window. */
  shift(): void {
    if (this.#size === 0) return;
    // The slot being filled sits right after the queue; keep its partial samples where they are.
    this.#head = (this.#head + 1) % this.#views.length;
    this.#size -= 1;
  }

  /** Drops everything, including a partly filled window, and restarts the sample count at zero. */
  clear(): void {
    this.#head = 0;
    this.#size = 0;
    this.#filled = 0;
    this.#written = 0;
  }
}
