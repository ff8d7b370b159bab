/**
 * `WavFileInput`: a WAV file as the microphone of a pipeline.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import type { Subscription } from 'rxjs';
import { FrameProcessor, makeFrame, type FrameProcessorOptions } from '@voxframe/core';
import { readWav } from '@voxframe/processors';
import { WavFileError } from '../shared/errors';

/** Decoded PCM16 audio (interleaved when `channels` > 1). */
export interface PcmAudio {
  readonly samples: Int16Array;
  readonly sampleRate: number;
  readonly channels: number;
}

/** Options of {@link WavFileInput}. */
export interface WavFileInputOptions extends FrameProcessorOptions {
  /** Size of each `audio.input` frame in ms. @defaultValue 20 */
  readonly chunkMs?: number;
  /**
   * Release frames at 1x real time on the run's clock (`true`), like a live microphone, or all at once (`false`),
   * for offline processing and fast tests.
   * @defaultValue true
   */
  readonly paced?: boolean;
  /** Push an `end` frame after the last chunk. @defaultValue true */
  readonly endWhenDone?: boolean;
}

/** Defaults of {@link WavFileInputOptions}. */
export const wavFileInputDefaults = { chunkMs: 20, paced: true, endWhenDone: true } as const satisfies WavFileInputOptions;

/**
 * Reads a WAV file (a path, or the file's bytes: PCM 8/16/24/32-bit, float or G.711, via `readWav` of
 * `@voxframe/processors`), or takes decoded audio, and pushes it as `audio.input` frames of
 * `chunkMs` when the pipeline starts. Multi-channel files are mixed down to mono.
 */
export class WavFileInput extends FrameProcessor {
  readonly #audio: PcmAudio;
  readonly #chunkSamples: number;
  readonly #paced: boolean;
  readonly #endWhenDone: boolean;
  #position = 0;
  #timer: Subscription | undefined;

  constructor(source: string | Uint8Array | PcmAudio, options: WavFileInputOptions = {}) {
    super({ name: options.name ?? 'WavFileInput', ...options });
    const audio = typeof source === 'string' ? readWav(readFile(source)) : source instanceof Uint8Array ? readWav(source) : source;
    this.#audio = audio.channels === 1 ? audio : mixDown(audio);
    this.#chunkSamples = Math.max(1, Math.round((this.#audio.sampleRate * (options.chunkMs ?? wavFileInputDefaults.chunkMs)) / 1000));
    this.#paced = options.paced ?? wavFileInputDefaults.paced;
    this.#endWhenDone = options.endWhenDone ?? wavFileInputDefaults.endWhenDone;
  }

  /** Rate of the frames this input pushes. */
  get sampleRate(): number {
    return this.#audio.sampleRate;
  }

  /** Duration of the file in ms. */
  get durationMs(): number {
    return (this.#audio.samples.length / this.#audio.sampleRate) * 1000;
  }

  protected override onStart(): void {
    // After the start frame went out: frames must not overtake it.
    this.#timer = this.scheduler.schedule(() => (this.#paced ? this.#tick() : this.#flushAll()), 0);
  }

  protected override onCancel(): void {
    this.#timer?.unsubscribe();
  }

  protected override onDispose(): void {
    this.#timer?.unsubscribe();
  }

  #pushChunk(): boolean {
    const { samples, sampleRate } = this.#audio;
    if (this.#position >= samples.length) return false;
    const end = Math.min(samples.length, this.#position + this.#chunkSamples);
    const ptsMs = (this.#position / sampleRate) * 1000;
    this.push(makeFrame('audio.input', { samples: samples.subarray(this.#position, end), sampleRate, channels: 1 }, { ptsMs }));
    this.#position = end;
    return true;
  }

  #flushAll(): void {
    while (this.state === 'running' && this.#pushChunk());
    this.#finish();
  }

  #tick(): void {
    if (this.state !== 'running') return;
    if (!this.#pushChunk()) {
      this.#finish();
      return;
    }
    const chunkMs = (this.#chunkSamples / this.#audio.sampleRate) * 1000;
    // Schedule against the file's own timeline so timer lateness does not accumulate into drift.
    const dueMs = (this.#position / this.#audio.sampleRate) * 1000;
    this.#timer = this.scheduler.schedule(() => this.#tick(), Math.max(0, Math.min(chunkMs, dueMs - this.#elapsedMs())));
  }

  #startedAtMs: number | undefined;

  #elapsedMs(): number {
    const now = this.scheduler.now();
    this.#startedAtMs ??= now - (this.#chunkSamples / this.#audio.sampleRate) * 1000;
    return now - this.#startedAtMs;
  }

  #finish(): void {
    if (this.#endWhenDone && this.state === 'running') this.push(makeFrame('end', { reason: 'end of file' }));
  }
}

function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new WavFileError(`Cannot read WAV file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function mixDown(audio: PcmAudio): PcmAudio {
  const frames = Math.floor(audio.samples.length / audio.channels);
  const mono = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < audio.channels; c++) sum += audio.samples[i * audio.channels + c];
    mono[i] = Math.round(sum / audio.channels);
  }
  return { samples: mono, sampleRate: audio.sampleRate, channels: 1 };
}
