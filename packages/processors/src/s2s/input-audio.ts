/**
 * User audio -> the provider's input format: mono PCM16 at `audioFormat.inputSampleRate`, whatever arrives.
 *
 * One streaming resampler per source rate (filter state carries across chunks, so chunk edges are inaudible). When
 * the rate changes mid-stream, the old resampler's tail is flushed first, so no audio is lost or reordered, and it
 * is reset, ready should that rate come back.
 *
 * @packageDocumentation
 */
import { createResampler, type StreamResampler } from '../audio/resampler';

/**
 * Receives converted audio. Resampled audio is a fresh array the sink may keep (a session that buffers input
 * during a rotation does); audio already at the target rate is the frame's own array.
 */
export type AudioSink = (samples: Int16Array) => void;

/** Converts one input stream for one session. */
export class InputAudioConverter {
  /** The provider's input rate. */
  readonly targetRate: number;
  readonly #quality: 'default' | 'hq';
  readonly #resamplers = new Map<number, StreamResampler>();
  #currentRate: number | undefined;

  constructor(targetRate: number, quality: 'default' | 'hq') {
    this.targetRate = targetRate;
    this.#quality = quality;
  }

  /** Sends `samples` (mono, at `sampleRate`) to `sink` at the target rate. */
  convert(samples: Int16Array, sampleRate: number, sink: AudioSink): void {
    if (this.#currentRate !== sampleRate) {
      if (this.#currentRate !== undefined) this.#drain(this.#currentRate, sink);
      this.#currentRate = sampleRate;
    }
    if (sampleRate === this.targetRate) {
      if (samples.length > 0) sink(samples);
      return;
    }
    let resampler = this.#resamplers.get(sampleRate);
    if (resampler === undefined) {
      resampler = createResampler({ fromRate: sampleRate, toRate: this.targetRate, quality: this.#quality });
      this.#resamplers.set(sampleRate, resampler);
    }
    const out = resampler.process(samples);
    if (out.length > 0) sink(out);
  }

  /** Sends what the current resampler still holds (end of input). */
  flush(sink: AudioSink): void {
    if (this.#currentRate !== undefined) this.#drain(this.#currentRate, sink);
  }

  /** Averages interleaved channels to mono (a fresh array: multichannel input is the exception, not the hot path). */
  downmix(samples: Int16Array, channels: number): Int16Array {
    const frames = Math.floor(samples.length / channels);
    const mono = new Int16Array(frames);
    for (let i = 0, j = 0; i < frames; i++, j += channels) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += samples[j + c];
      mono[i] = Math.round(sum / channels);
    }
    return mono;
  }

  #drain(rate: number, sink: AudioSink): void {
    const resampler = this.#resamplers.get(rate);
    if (resampler === undefined) return;
    // flush() returns the filter's tail and resets the resampler, ready should this rate come back.
    const tail = resampler.flush();
    if (tail.length > 0) sink(tail);
  }
}
