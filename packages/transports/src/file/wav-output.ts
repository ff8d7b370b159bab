/**
 * `WavFileOutput`: the speaker of a pipeline is a WAV file.
 *
 * @packageDocumentation
 */
import { writeFileSync } from 'node:fs';
import { FrameProcessor, type Frame, type FrameDirection, type FrameProcessorOptions } from '@voxframe/core';
import { writeWav } from '@voxframe/processors';
import { OutputRateConverter } from '../shared/rate-converter';
import { WavFileError } from '../shared/errors';

/** Options of {@link WavFileOutput}. */
export interface WavFileOutputOptions extends FrameProcessorOptions {
  /** Rate of the file; audio at other rates is resampled. @defaultValue the rate of the first `audio.output` frame */
  readonly sampleRate?: number;
}

/**
 * Collects `audio.output` into a growing PCM16 buffer (doubling, no per-frame arrays kept) and writes it as a WAV
 * file when the pipeline ends (or on {@link save}). With no path it only collects: read {@link samples}.
 */
export class WavFileOutput extends FrameProcessor {
  readonly #path: string | undefined;
  readonly #converter = new OutputRateConverter();
  #sampleRate: number | undefined;
  #buffer = new Int16Array(16_000);
  #length = 0;

  constructor(path?: string, options: WavFileOutputOptions = {}) {
    super({ name: options.name ?? 'WavFileOutput', ...options });
    this.#path = path;
    this.#sampleRate = options.sampleRate;
  }

  /** Samples collected so far (a copy). */
  get samples(): Int16Array {
    return this.#buffer.slice(0, this.#length);
  }

  /** Rate of the collected audio (undefined before the first audio frame when no rate was given). */
  get sampleRate(): number | undefined {
    return this.#sampleRate;
  }

  /** The collected audio as WAV bytes. */
  toWav(): Uint8Array {
    return writeWav({ samples: this.#buffer.subarray(0, this.#length), sampleRate: this.#sampleRate ?? 16000, channels: 1 });
  }

  /** Writes the WAV file now. @throws {@link WavFileError} when it cannot be written. */
  save(path = this.#path): void {
    if (path === undefined) return;
    try {
      writeFileSync(path, this.toWav());
    } catch (error) {
      throw new WavFileError(`Cannot write WAV file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (frame.type === 'audio.output' && direction === 'downstream') {
      this.#sampleRate ??= frame.sampleRate;
      this.#append(this.#converter.convert(frame.samples, frame.sampleRate, this.#sampleRate));
    }
    this.push(frame, direction);
  }

  protected override onEnd(): void {
    this.save();
  }

  #append(samples: Int16Array): void {
    if (this.#length + samples.length > this.#buffer.length) {
      const grown = new Int16Array(Math.max(this.#buffer.length * 2, this.#length + samples.length));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(samples, this.#length);
    this.#length += samples.length;
  }
}
