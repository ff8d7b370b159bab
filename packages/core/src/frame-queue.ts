/**
 * A bounded FIFO of frames with their directions, on a fixed ring (no array growth, no `shift()`).
 *
 * @packageDocumentation
 */
import type { Frame, FrameDirection } from './frames';

/** What a full queue does with one more frame. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest';

/**
 * A bounded ring buffer of `(frame, direction)` pairs, used by the ordered lane of a processor.
 * @internal
 */
export class FrameQueue {
  /** Frames the queue holds before {@link push} refuses one (what {@link pushBeyondCapacity} may exceed). */
  readonly capacity: number;
  #frames: (Frame | undefined)[];
  #directions: FrameDirection[];
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`FrameQueue capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#frames = new Array<Frame | undefined>(capacity).fill(undefined);
    this.#directions = new Array<FrameDirection>(capacity).fill('downstream');
  }

  /** Number of queued frames. */
  get size(): number {
    return this.#size;
  }

  /** Appends a frame; returns `false` when the queue is full (nothing is changed then). */
  push(frame: Frame, direction: FrameDirection): boolean {
    if (this.#size >= this.capacity) return false;
    const index = (this.#head + this.#size) % this.#frames.length;
    this.#frames[index] = frame;
    this.#directions[index] = direction;
    this.#size += 1;
    return true;
  }

  /**
   * Appends a frame even when the queue is full, growing the ring: only for frames that must neither be lost nor
   * overtake the queued ones (uninterruptible frames behind a queue full of them). The ring stays at the larger
   * size; {@link push} keeps refusing frames beyond {@link capacity}.
   */
  pushBeyondCapacity(frame: Frame, direction: FrameDirection): void {
    if (this.#size === this.#frames.length) {
      const frames: (Frame | undefined)[] = [];
      const directions: FrameDirection[] = [];
      for (let offset = 0; offset < this.#size; offset++) {
        const index = (this.#head + offset) % this.#frames.length;
        frames.push(this.#frames[index]);
        directions.push(this.#directions[index]);
      }
      const length = this.#frames.length * 2;
      while (frames.length < length) {
        frames.push(undefined);
        directions.push('downstream');
      }
      this.#frames = frames;
      this.#directions = directions;
      this.#head = 0;
    }
    const index = (this.#head + this.#size) % this.#frames.length;
    this.#frames[index] = frame;
    this.#directions[index] = direction;
    this.#size += 1;
  }

  /** Direction of the oldest frame; call before {@link shift}. */
  peekDirection(): FrameDirection {
    return this.#directions[this.#head];
  }

  /** Removes and returns the oldest frame, or `undefined` when empty. */
  shift(): Frame | undefined {
    if (this.#size === 0) return undefined;
    const frame = this.#frames[this.#head];
    this.#frames[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#frames.length;
    this.#size -= 1;
    return frame;
  }

  /**
   * Removes the oldest frame that is not uninterruptible, to make room. Returns it, or `undefined` when every
   * queued frame is uninterruptible.
   */
  dropOldestInterruptible(): Frame | undefined {
    for (let offset = 0; offset < this.#size; offset++) {
      const index = (this.#head + offset) % this.#frames.length;
      const frame = this.#frames[index];
      if (frame !== undefined && frame.uninterruptible !== true) {
        this.#removeAt(offset);
        return frame;
      }
    }
    return undefined;
  }

  /** Keeps only frames marked uninterruptible, in order. Returns how many were removed. */
  removeInterruptible(): number {
    const keptFrames: Frame[] = [];
    const keptDirections: FrameDirection[] = [];
    let removed = 0;
    for (let offset = 0; offset < this.#size; offset++) {
      const index = (this.#head + offset) % this.#frames.length;
      const frame = this.#frames[index] as Frame;
      if (frame.uninterruptible === true) {
        keptFrames.push(frame);
        keptDirections.push(this.#directions[index]);
      } else {
        removed += 1;
      }
    }
    this.clear();
    for (let i = 0; i < keptFrames.length; i++) this.pushBeyondCapacity(keptFrames[i], keptDirections[i]);
    return removed;
  }

  /** Removes everything; returns how many frames were removed. */
  clear(): number {
    const removed = this.#size;
    this.#frames.fill(undefined);
    this.#head = 0;
    this.#size = 0;
    return removed;
  }

  #removeAt(offset: number): void {
    for (let i = offset; i < this.#size - 1; i++) {
      const to = (this.#head + i) % this.#frames.length;
      const from = (this.#head + i + 1) % this.#frames.length;
      this.#frames[to] = this.#frames[from];
      this.#directions[to] = this.#directions[from];
    }
    this.#frames[(this.#head + this.#size - 1) % this.#frames.length] = undefined;
    this.#size -= 1;
  }
}
