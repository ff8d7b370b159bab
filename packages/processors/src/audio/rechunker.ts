/**
 * Re-chunking: audio arrives in whatever sizes the network or a model produces (7 ms, 333 samples, 1 s bursts); many
 * consumers want fixed frames (20 ms to Twilio, 512-sample VAD windows, 32 ms Nova frames). A {@link Rechunker}
 * takes any sizes in and gives exact frames out, keeping the remainder in a bounded ring.
 *
 * @packageDocumentation
 */
import { AudioConfigError } from './errors';
import { SampleRingBuffer, type RingOverflowPolicy } from './ring-buffer';

/** Options of {@link Rechunker}. Give either `frameSamples`, or `frameMs` with `sampleRate`. */
export interface RechunkerOptions {
  /** Frame size in samples (all channels: 2 channels x 160 frames = 320). */
  readonly frameSamples?: number;
  /** Frame duration in ms (with `sampleRate`; the sample count must come out whole). */
  readonly frameMs?: number;
  /** Sample rate, Hz (with `frameMs`). */
  readonly sampleRate?: number;
  /**
   * Interleaved channels (with `frameMs`: the frame holds `frameMs * sampleRate / 1000 * channels` samples).
   * @defaultValue 1
   */
  readonly channels?: number;
  /**
   * Most samples held while waiting for the consumer, as a number of frames. Writing more than that without reading
   * applies `overflow`.
   * @defaultValue 50 (one second of 20 ms frames)
   */
  readonly maxBufferedFrames?: number;
  /**
   * What happens when the consumer falls behind: see {@link RingOverflowPolicy}.
   * @defaultValue `'drop-oldest'`
   */
  readonly overflow?: RingOverflowPolicy;
}

/** Defaults of {@link RechunkerOptions}. */
export const rechunkerDefaults = {
  channels: 1,
  maxBufferedFrames: 50,
  overflow: 'drop-oldest',
} as const satisfies RechunkerOptions;

/** Turns a stream of arbitrarily sized chunks into frames of exactly `frameSamples` samples. */
export class Rechunker {
  /** Samples per frame (all channels). */
  readonly frameSamples: number;
  readonly #ring: SampleRingBuffer;
  #framesOut = 0;

  constructor(options: RechunkerOptions) {
    this.frameSamples = resolveFrameSamples(options);
    const maxFrames = options.maxBufferedFrames ?? rechunkerDefaults.maxBufferedFrames;
    if (!Number.isInteger(maxFrames) || maxFrames < 1) {
      throw new AudioConfigError(`Rechunker: maxBufferedFrames must be a positive integer, got ${String(maxFrames)}.`);
    }
    this.#ring = new SampleRingBuffer({
      capacity: this.frameSamples * maxFrames,
      overflow: options.overflow ?? rechunkerDefaults.overflow,
    });
  }

  /** Samples waiting (less than a frame after {@link drain}). */
  get buffered(): number {
    return this.#ring.size;
  }

  /** Whole frames ready to read. */
  get framesReady(): number {
    return Math.floor(this.#ring.size / this.frameSamples);
  }

  /** Frames read so far: `framesRead * frameSamples` is the stream position of the next frame. */
  get framesRead(): number {
    return this.#framesOut;
  }

  /** Samples lost to overflow (the consumer fell behind), never silently. */
  get droppedSamples(): number {
    return this.#ring.droppedSamples;
  }

  /** Adds samples. Read the frames with {@link read}, {@link readInto} or {@link drain}. */
  write(samples: Int16Array): void {
    this.#ring.write(samples);
  }

  /** The next whole frame as a fresh array, or `undefined` when less than a frame is buffered. */
  read(): Int16Array | undefined {
    if (this.#ring.size < this.frameSamples) return undefined;
    this.#framesOut += 1;
    return this.#ring.take(this.frameSamples);
  }

  /**
   * Copies the next whole frame into `dst` (at least `frameSamples` long). Returns false, copying nothing, when
   * less than a frame is buffered. Allocation-free.
   */
  readInto(dst: Int16Array): boolean {
    if (this.#ring.size < this.frameSamples) return false;
    if (dst.length < this.frameSamples) {
      throw new RangeError(`Rechunker.readInto: the destination holds ${dst.length} samples, a frame is ${this.frameSamples}.`);
    }
    this.#ring.read(dst.length === this.frameSamples ? dst : dst.subarray(0, this.frameSamples));
    this.#framesOut += 1;
    return true;
  }

  /** Writes `samples`, then hands every whole frame to `onFrame` (each a fresh array). Returns the frame count. */
  push(samples: Int16Array, onFrame: (frame: Int16Array) => void): number {
    this.write(samples);
    return this.drain(onFrame);
  }

  /** Hands every whole buffered frame to `onFrame` (each a fresh array). Returns the frame count. */
  drain(onFrame: (frame: Int16Array) => void): number {
    let count = 0;
    for (let frame = this.read(); frame !== undefined; frame = this.read()) {
      onFrame(frame);
      count += 1;
    }
    return count;
  }

  /**
   * Returns the partial frame left at the end of a stream and empties the buffer: zero-padded to a whole frame when
   * `pad` is true (what a fixed-frame consumer needs), as is otherwise. `undefined` when nothing is left.
   */
  flush(options: { readonly pad?: boolean } = {}): Int16Array | undefined {
    const size = this.#ring.size;
    if (size === 0) return undefined;
    const out = new Int16Array(options.pad === true ? Math.ceil(size / this.frameSamples) * this.frameSamples : size);
    this.#ring.read(out);
    this.#framesOut += Math.ceil(size / this.frameSamples);
    return out;
  }

  /** Drops everything buffered (e.g. on an interruption). */
  clear(): void {
    this.#ring.clear();
  }
}

function resolveFrameSamples(options: RechunkerOptions): number {
  if (options.frameSamples !== undefined) {
    if (!Number.isInteger(options.frameSamples) || options.frameSamples <= 0) {
      throw new AudioConfigError(`Rechunker: frameSamples must be a positive integer, got ${String(options.frameSamples)}.`);
    }
    return options.frameSamples;
  }
  const { frameMs, sampleRate } = options;
  const channels = options.channels ?? rechunkerDefaults.channels;
  if (frameMs === undefined || sampleRate === undefined) {
    throw new AudioConfigError('Rechunker: give frameSamples, or frameMs together with sampleRate.');
  }
  const perChannel = (frameMs * sampleRate) / 1000;
  if (!Number.isInteger(perChannel) || perChannel <= 0 || !Number.isInteger(channels) || channels < 1) {
    throw new AudioConfigError(
      `Rechunker: ${frameMs} ms at ${sampleRate} Hz is ${perChannel} samples per channel; pick a duration that gives a ` +
        'whole positive number of samples (e.g. 20 ms at 8000 Hz = 160).',
    );
  }
  return perChannel * channels;
}
