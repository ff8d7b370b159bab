/**
 * The pacer's queue: samples on one ring buffer, described by segments (runs of one utterance at one rate), from
 * which fixed-size chunks are cut. A chunk never spans two segments: the tail of a segment that ends short of a
 * chunk is padded with silence, so every chunk has one utterance id and one rate.
 *
 * @packageDocumentation
 */
import { SampleRing } from './sample-ring';
import type { UtteranceTrack } from './utterance-track';

/** A run of queued samples of one utterance at one rate and channel count. */
export interface Segment {
  readonly track: UtteranceTrack;
  readonly sampleRate: number;
  readonly channels: number;
  /** Samples (all channels) in one full chunk. */
  readonly chunkSamples: number;
  /** Output time of one full chunk, in ms. */
  readonly chunkDurationMs: number;
  /** Samples still queued. */
  samples: number;
  /** No more samples will be appended (a later segment exists, or its utterance ended). */
  closed: boolean;
  /** Scheduler time of the last append. */
  lastAppendMs: number;
}

/** Ring capacity to start with: 2 s at 24 kHz. It doubles when needed (bounded by the pacer's `maxBufferedMs`). */
const INITIAL_RING_SAMPLES = 48_000;

/** Queued output audio as segments over a growable ring. */
export class AudioQueue {
  readonly #chunkMs: number;
  readonly #ring = new SampleRing(INITIAL_RING_SAMPLES);
  #segments: (Segment | undefined)[] = [];
  #head = 0;
  #queuedMs = 0;
  #queuedSamples = 0;

  constructor(chunkMs: number) {
    this.#chunkMs = chunkMs;
  }

  /** Media queued, in ms. */
  get queuedMs(): number {
    return this.#queuedMs;
  }

  /** Whether no samples are queued. */
  get isEmpty(): boolean {
    return this.#queuedSamples === 0;
  }

  /** Appends samples of `track` at `nowMs`, extending the tail segment or starting a new one. */
  append(track: UtteranceTrack, sampleRate: number, channels: number, samples: Int16Array, nowMs: number): void {
    if (samples.length === 0) return;
    let tail = this.#tail();
    if (tail === undefined || tail.closed || tail.track !== track || tail.sampleRate !== sampleRate || tail.channels !== channels) {
      if (tail !== undefined) tail.closed = true;
      // Rates like 11025 Hz do not divide into 20 ms: round to whole frames; the chunk's duration follows.
      const frames = Math.max(1, Math.round((sampleRate * this.#chunkMs) / 1000));
      tail = {
        track,
        sampleRate,
        channels,
        chunkSamples: frames * channels,
        chunkDurationMs: (frames / sampleRate) * 1000,
        samples: 0,
        closed: false,
        lastAppendMs: nowMs,
      };
      this.#segments.push(tail);
    }
    this.#ring.write(samples);
    tail.samples += samples.length;
    tail.lastAppendMs = nowMs;
    this.#queuedSamples += samples.length;
    this.#queuedMs += (samples.length / channels / sampleRate) * 1000;
  }

  /** Closes the tail segment if it belongs to `track`: its last partial chunk may now be released, padded. */
  closeTrack(track: UtteranceTrack): void {
    const tail = this.#tail();
    if (tail !== undefined && tail.track === track) tail.closed = true;
  }

  /** The segment whose next chunk can be released now: a full chunk, or the last samples of a closed segment. */
  readyChunk(): Segment | undefined {
    const head = this.#headSegment();
    if (head === undefined) return undefined;
    return head.samples >= head.chunkSamples || head.closed ? head : undefined;
  }

  /** The open segment holding less than a chunk (released, padded, only once the far end starved for a chunk). */
  openPartial(): Segment | undefined {
    const head = this.#headSegment();
    return head !== undefined && !head.closed && head.samples > 0 && head.samples < head.chunkSamples ? head : undefined;
  }

  /**
   * Moves the next chunk of `segment` (the head) into `into` (`chunkSamples` long, zeroed): media first, silence
   * after. Returns the media samples moved.
   */
  take(segment: Segment, into: Int16Array): number {
    const media = Math.min(segment.samples, segment.chunkSamples);
    this.#ring.read(into, media);
    segment.samples -= media;
    this.#queuedSamples -= media;
    this.#queuedMs = Math.max(0, this.#queuedMs - (media / segment.channels / segment.sampleRate) * 1000);
    return media;
  }

  /** Drops everything queued. */
  clear(): void {
    this.#ring.clear();
    this.#segments = [];
    this.#head = 0;
    this.#queuedMs = 0;
    this.#queuedSamples = 0;
  }

  #tail(): Segment | undefined {
    return this.#head < this.#segments.length ? this.#segments[this.#segments.length - 1] : undefined;
  }

  /** The first segment with samples; drained closed segments are dropped on the way. */
  #headSegment(): Segment | undefined {
    while (this.#head < this.#segments.length) {
      const head = this.#segments[this.#head] as Segment;
      if (head.samples > 0) return head;
      if (!head.closed && this.#head === this.#segments.length - 1) return head;
      this.#segments[this.#head] = undefined;
      this.#head += 1;
      if (this.#head > 32 && this.#head * 2 > this.#segments.length) {
        this.#segments = this.#segments.slice(this.#head);
        this.#head = 0;
      }
    }
    // All drained: start the array over instead of letting it grow (no shift(), no unbounded array).
    this.#segments = [];
    this.#head = 0;
    return undefined;
  }
}
