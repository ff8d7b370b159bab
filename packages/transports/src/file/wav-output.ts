/**
 * `WavFileOutput`: the speaker of a pipeline (or its microphone, or both: a call recording) is a WAV file.
 *
 * @packageDocumentation
 */
import { writeFileSync } from 'node:fs';
import { FrameProcessor, type Frame, type FrameDirection, type FrameProcessorOptions } from '@voxframe/core';
import { writeWav } from '@voxframe/processors';
import { OutputRateConverter } from '../shared/rate-converter';
import { WavFileError } from '../shared/errors';
import { PcmTrack } from './pcm-track';

/** What a {@link WavFileOutput} records. */
export type WavRecordMode = 'output' | 'input' | 'both';

/** Options of {@link WavFileOutput}. */
export interface WavFileOutputOptions extends FrameProcessorOptions {
  /**
   * Rate of the file; audio at other rates is resampled.
   * @defaultValue the rate of the first audio frame recorded
   */
  readonly sampleRate?: number;
  /**
   * What to record: `'output'` the bot (`audio.output`), `'input'` the user (`audio.input`), `'both'` a stereo call
   * recording (left: the user, right: the bot, placed where it was produced on the user's timeline).
   * @defaultValue `'output'`
   */
  readonly record?: WavRecordMode;
}

/** Defaults of {@link WavFileOutputOptions}. */
export const wavFileOutputDefaults = {
  record: 'output',
} as const satisfies WavFileOutputOptions;

/**
 * Collects audio and writes it as a PCM16 WAV file when the pipeline ends (or on {@link save}). With no path it
 * only collects: read {@link samples}. Put it at the tail (it passes every frame on). Closing with nothing recorded
 * logs a warning that says what was expected (an empty file usually means nothing produced that kind of audio).
 */
export class WavFileOutput extends FrameProcessor {
  readonly #path: string | undefined;
  readonly #record: WavRecordMode;
  readonly #inputConverter = new OutputRateConverter();
  readonly #outputConverter = new OutputRateConverter();
  readonly #input = new PcmTrack();
  readonly #output = new PcmTrack();
  #sampleRate: number | undefined;
  #utteranceId: string | undefined;

  constructor(path?: string, options: WavFileOutputOptions = {}) {
    super({ name: options.name ?? 'WavFileOutput', ...options });
    this.#path = path;
    this.#sampleRate = options.sampleRate;
    this.#record = options.record ?? wavFileOutputDefaults.record;
  }

  /** What is recorded. */
  get record(): WavRecordMode {
    return this.#record;
  }

  /** Samples collected so far (a copy): mono, or interleaved stereo (user, bot) with `record: 'both'`. */
  get samples(): Int16Array {
    if (this.#record === 'input') return this.#input.view().slice();
    if (this.#record === 'output') return this.#output.view().slice();
    const input = this.#input.view();
    const output = this.#output.view();
    const frames = Math.max(input.length, output.length);
    const stereo = new Int16Array(frames * 2);
    for (let i = 0; i < frames; i++) {
      stereo[2 * i] = input[i] ?? 0;
      stereo[2 * i + 1] = output[i] ?? 0;
    }
    return stereo;
  }

  /** Channels of the file: 2 with `record: 'both'`, else 1. */
  get channels(): number {
    return this.#record === 'both' ? 2 : 1;
  }

  /** Rate of the collected audio (undefined before the first audio frame when no rate was given). */
  get sampleRate(): number | undefined {
    return this.#sampleRate;
  }

  /** The collected audio as WAV bytes. */
  toWav(): Uint8Array {
    return writeWav({ samples: this.samples, sampleRate: this.#sampleRate ?? 16000, channels: this.channels });
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
    if (direction === 'downstream') {
      if (frame.type === 'audio.output' && this.#record !== 'input') {
        this.#sampleRate ??= frame.sampleRate;
        const samples = this.#outputConverter.convert(frame.samples, frame.sampleRate, this.#sampleRate);
        if (this.#record === 'both') this.#placeOnTimeline(samples, frame.utteranceId);
        else this.#output.append(samples);
      } else if (frame.type === 'audio.input' && this.#record !== 'output') {
        this.#sampleRate ??= frame.sampleRate;
        this.#input.append(this.#inputConverter.convert(frame.samples, frame.sampleRate, this.#sampleRate));
      }
    }
    this.push(frame, direction);
  }

  /**
   * The bot's audio goes where the user's timeline is when an utterance starts (or after a pause of more than
   * 100 ms), and stays contiguous within an utterance so arrival jitter never cuts gaps into it.
   */
  #placeOnTimeline(samples: Int16Array, utteranceId: string | undefined): void {
    const rate = this.#sampleRate ?? 16000;
    const behind = this.#input.length - this.#output.length;
    const fresh = utteranceId !== this.#utteranceId || behind > rate / 10;
    this.#utteranceId = utteranceId;
    this.#output.writeAt(fresh ? Math.max(this.#input.length, this.#output.length) : this.#output.length, samples);
  }

  protected override onEnd(): void {
    if (this.#input.length === 0 && this.#output.length === 0) {
      const expected = this.#record === 'input' ? 'audio.input' : this.#record === 'output' ? 'audio.output (bot audio)' : 'audio.input or audio.output';
      this.logger.warn(
        { record: this.#record, path: this.#path },
        `WavFileOutput closes with nothing recorded: no ${expected} frame reached it${this.#path === undefined ? '' : '; the file is an empty WAV'}. Check that a processor before it produces that audio, or set record.`,
      );
    }
    this.save();
  }
}
