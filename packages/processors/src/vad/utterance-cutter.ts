/**
 * Cutting an audio stream into utterances by the VAD's speaking frames, going by their `ptsMs` (media time).
 *
 * Why by `ptsMs` and not by arrival order: `user.started-speaking` / `user.stopped-speaking` are system frames. They
 * are decided a little after the audio that confirms them, overtake audio queued in any async processor after the
 * VAD, and from a source faster than real time (a file read at once) they come out after all of its audio. Slicing
 * "the audio received between the start and the stop frame" therefore cuts the wrong audio, or none at all.
 *
 * @packageDocumentation
 */
import { InvalidFrameError, type Frame } from '@voxframe/core';
import { Observable, type OperatorFunction } from 'rxjs';
import { VadOptionsError } from './errors';

/** One utterance: the input audio between a speech start and its end (plus padding), in media time. */
export interface Utterance {
  /** Media time of the first sample in {@link samples} (the speech start minus `paddingBeforeMs`, not before the audio). */
  readonly startMs: number;
  /** Media time just after the last sample. */
  readonly endMs: number;
  /** The speech start as the VAD reported it (`user.started-speaking` `ptsMs`). */
  readonly speechStartMs: number;
  /** The speech end as the VAD reported it (`user.stopped-speaking` `ptsMs`; the end of the audio at a flush). */
  readonly speechEndMs: number;
  /** PCM16, interleaved when `channels` > 1. A copy: the cutter keeps no reference to it. */
  readonly samples: Int16Array;
  readonly sampleRate: number;
  readonly channels: number;
}

/** Options of {@link UtteranceCutter}. */
export interface UtteranceCutterOptions {
  /**
   * Audio kept before each speech start, so the first syllable is whole (the VAD confirms speech after its onset).
   * @defaultValue 300
   */
  readonly paddingBeforeMs?: number;
  /**
   * Audio kept after each speech end.
   * @defaultValue 100
   */
  readonly paddingAfterMs?: number;
  /**
   * Most audio held while waiting for the VAD's frames. From a file read at once, the frames come after all of the
   * audio, so this bounds the file length that can be cut; older audio is dropped (counted in `droppedMs`).
   * @defaultValue 600000 (10 minutes)
   */
  readonly maxBufferedMs?: number;
}

/** Defaults of {@link UtteranceCutterOptions}. */
export const utteranceCutterDefaults = {
  paddingBeforeMs: 300,
  paddingAfterMs: 100,
  maxBufferedMs: 600_000,
} as const satisfies Required<UtteranceCutterOptions>;

/** A kept audio frame: its media time and a copy of its samples. */
interface Chunk {
  readonly startMs: number;
  readonly endMs: number;
  readonly samples: Int16Array;
}

interface Segment {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Cuts `audio.input` frames into {@link Utterance}s at the media times the VAD's speaking frames carry. Feed it every
 * frame after the VAD, in whatever order they come (`vad.downstream`, or a sink at the end of the pipeline); it
 * returns each utterance once both its end frame and the audio up to its end have arrived.
 *
 * @example
 * ```ts
 * const vad = sileroVad();
 * const utterances: Utterance[] = [];
 * vad.downstream.pipe(cutUtterances()).subscribe((u) => utterances.push(u));
 * await new PipelineRunner(pipeline(new WavFileInput('call.wav', { paced: false }), vad)).run();
 * ```
 */
export class UtteranceCutter {
  readonly #paddingBeforeMs: number;
  readonly #paddingAfterMs: number;
  readonly #maxBufferedMs: number;
  /** Kept audio, oldest first, from index `#head`. */
  #chunks: Chunk[] = [];
  #head = 0;
  #sampleRate = 0;
  #channels = 0;
  /** Media time just after the newest audio received. */
  #audioEndMs = Number.NEGATIVE_INFINITY;
  /** A speech start whose end has not come yet. */
  #openStartMs: number | undefined;
  /** Speech segments waiting for their audio. */
  readonly #segments: Segment[] = [];
  #droppedMs = 0;

  constructor(options: UtteranceCutterOptions = {}) {
    this.#paddingBeforeMs = options.paddingBeforeMs ?? utteranceCutterDefaults.paddingBeforeMs;
    this.#paddingAfterMs = options.paddingAfterMs ?? utteranceCutterDefaults.paddingAfterMs;
    this.#maxBufferedMs = options.maxBufferedMs ?? utteranceCutterDefaults.maxBufferedMs;
    for (const [name, value] of Object.entries({
      paddingBeforeMs: this.#paddingBeforeMs,
      paddingAfterMs: this.#paddingAfterMs,
      maxBufferedMs: this.#maxBufferedMs,
    })) {
      if (!(Number.isFinite(value) && value >= 0)) throw new VadOptionsError(`UtteranceCutter ${name} must be a finite number >= 0, got ${value}.`);
    }
  }

  /** Audio dropped past `maxBufferedMs` before the VAD's frames claimed it, in ms. */
  get droppedMs(): number {
    return this.#droppedMs;
  }

  /**
   * Takes one frame (audio and speaking frames are used, the rest ignored) and returns the utterances it completes.
   * @throws {@link InvalidFrameError} when the audio changes its rate or channel count mid-stream.
   */
  push(frame: Frame): Utterance[] {
    switch (frame.type) {
      case 'audio.input':
        this.#addAudio(frame.ptsMs, frame.samples, frame.sampleRate, frame.channels);
        break;
      case 'user.started-speaking':
        this.#openStartMs ??= frame.ptsMs;
        break;
      case 'user.stopped-speaking':
        if (this.#openStartMs !== undefined) {
          this.#segments.push({ startMs: this.#openStartMs, endMs: Math.max(frame.ptsMs, this.#openStartMs) });
          this.#openStartMs = undefined;
        }
        break;
      default:
        return [];
    }
    return this.#ready(false);
  }

  /** End of the stream: returns what is left, a speech still open ending where the audio ends. */
  flush(): Utterance[] {
    if (this.#openStartMs !== undefined && this.#audioEndMs > this.#openStartMs) {
      this.#segments.push({ startMs: this.#openStartMs, endMs: this.#audioEndMs });
    }
    this.#openStartMs = undefined;
    const out = this.#ready(true);
    this.#chunks = [];
    this.#head = 0;
    return out;
  }

  #addAudio(ptsMs: number, samples: Int16Array, sampleRate: number, channels: number): void {
    if (this.#sampleRate === 0) {
      this.#sampleRate = sampleRate;
      this.#channels = channels;
    } else if (sampleRate !== this.#sampleRate || channels !== this.#channels) {
      throw new InvalidFrameError(
        `UtteranceCutter: audio changed from ${this.#sampleRate} Hz x${this.#channels} to ${sampleRate} Hz x${channels} mid-stream; ` +
          'use one cutter per format (resample before the cutter).',
      );
    }
    const endMs = ptsMs + (samples.length / channels / sampleRate) * 1000;
    this.#chunks.push({ startMs: ptsMs, endMs, samples: samples.slice() }); // frames may be views over pooled buffers
    this.#audioEndMs = Math.max(this.#audioEndMs, endMs);
    // Bound the wait for the VAD's frames.
    while (this.#head < this.#chunks.length && this.#chunks[this.#head].endMs < this.#audioEndMs - this.#maxBufferedMs) {
      const dropped = this.#chunks[this.#head++];
      this.#droppedMs += dropped.endMs - dropped.startMs;
    }
    this.#compact();
  }

  /** The segments whose audio is complete (all of them at a flush), oldest first; then drops audio no one needs. */
  #ready(flushing: boolean): Utterance[] {
    const out: Utterance[] = [];
    while (this.#segments.length > 0) {
      const segment = this.#segments[0];
      const toMs = segment.endMs + this.#paddingAfterMs;
      if (!flushing && this.#audioEndMs < toMs) break;
      this.#segments.splice(0, 1);
      out.push(this.#cut(segment, toMs));
      // Audio before this segment's end can only serve the next one's padding.
      this.#dropBefore(segment.endMs - this.#paddingBeforeMs);
    }
    if (this.#openStartMs !== undefined && this.#segments.length === 0) this.#dropBefore(this.#openStartMs - this.#paddingBeforeMs);
    return out;
  }

  #cut(segment: Segment, toMs: number): Utterance {
    const rate = this.#sampleRate;
    const channels = this.#channels;
    const wantFrom = segment.startMs - this.#paddingBeforeMs;
    const parts: Int16Array[] = [];
    let startMs = Number.NaN;
    let endMs = Number.NaN;
    let total = 0;
    for (let i = this.#head; i < this.#chunks.length; i++) {
      const chunk = this.#chunks[i];
      if (chunk.endMs <= wantFrom || chunk.startMs >= toMs) continue;
      const frames = chunk.samples.length / channels;
      const from = Math.max(0, Math.round(((wantFrom - chunk.startMs) * rate) / 1000));
      const to = Math.min(frames, Math.round(((toMs - chunk.startMs) * rate) / 1000));
      if (to <= from) continue;
      if (Number.isNaN(startMs)) startMs = chunk.startMs + (from * 1000) / rate;
      endMs = chunk.startMs + (to * 1000) / rate;
      parts.push(chunk.samples.subarray(from * channels, to * channels));
      total += (to - from) * channels;
    }
    const samples = new Int16Array(total);
    let offset = 0;
    for (const part of parts) {
      samples.set(part, offset);
      offset += part.length;
    }
    if (Number.isNaN(startMs)) startMs = endMs = segment.startMs;
    return { startMs, endMs, speechStartMs: segment.startMs, speechEndMs: segment.endMs, samples, sampleRate: rate, channels };
  }

  #dropBefore(ms: number): void {
    while (this.#head < this.#chunks.length && this.#chunks[this.#head].endMs <= ms) this.#head += 1;
    this.#compact();
  }

  /** Forgets dropped chunks in bulk (no `shift()` per frame). */
  #compact(): void {
    if (this.#head > 256 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}

/**
 * {@link UtteranceCutter} as an RxJS operator: frames in (any order), utterances out; on completion a speech still
 * open ends where the audio ends.
 *
 * @example
 * ```ts
 * vad.downstream.pipe(cutUtterances({ paddingBeforeMs: 200 })).subscribe((u) => save(u.samples, u.sampleRate));
 * ```
 */
export function cutUtterances(options: UtteranceCutterOptions = {}): OperatorFunction<Frame, Utterance> {
  return (source) =>
    new Observable<Utterance>((subscriber) => {
      const cutter = new UtteranceCutter(options);
      return source.subscribe({
        next: (frame) => {
          let ready: Utterance[];
          try {
            ready = cutter.push(frame);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          for (const utterance of ready) subscriber.next(utterance);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          for (const utterance of cutter.flush()) subscriber.next(utterance);
          subscriber.complete();
        },
      });
    });
}
