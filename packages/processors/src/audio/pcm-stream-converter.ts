/**
 * Stateful conversion of one interleaved PCM16 stream to another rate and channel count: down-mix, resample each
 * channel with its own streaming resampler, up-mix. The building block of the byte-level format converter and of
 * the frame processors.
 *
 * @packageDocumentation
 */
import { AudioConfigError, AudioDataError } from './errors';
import { maxAudioChannels } from './formats';
import type { ResamplerQuality } from './polyphase-filter';
import { createResampler, type StreamResampler } from './resampler';
import { allocInt16 } from './sample-slab';

/** Rate and channel count of a PCM16 stream. */
export interface PcmLayout {
  readonly sampleRate: number;
  readonly channels: number;
}

/**
 * Converts one PCM16 stream between layouts. Channel rules: equal counts pass through; N -> 1 averages the channels;
 * 1 -> N copies the mono signal to every channel; other combinations are refused (there is no single right
 * mapping for, say, 2 -> 6).
 */
export class PcmStreamConverter {
  readonly from: PcmLayout;
  readonly to: PcmLayout;
  /** Group delay added by resampling, ms (0 when the rates are equal). */
  readonly delayMs: number;
  /** Channels carried through the resampler: the smaller of the two counts. */
  readonly #inner: number;
  readonly #resamplers: readonly StreamResampler[];
  #planes: Int16Array[] = [];

  constructor(from: PcmLayout, to: PcmLayout, quality: ResamplerQuality = 'default') {
    for (const layout of [from, to]) {
      if (!Number.isInteger(layout.channels) || layout.channels < 1 || layout.channels > maxAudioChannels) {
        throw new AudioConfigError(`channels must be an integer from 1 to ${maxAudioChannels}, got ${String(layout.channels)}.`);
      }
    }
    if (from.channels !== to.channels && from.channels !== 1 && to.channels !== 1) {
      throw new AudioConfigError(
        `Cannot convert ${from.channels} channels to ${to.channels}: only equal counts, down-mix to mono and up-mix from mono are defined.`,
      );
    }
    this.from = from;
    this.to = to;
    this.#inner = Math.min(from.channels, to.channels);
    const resamplers: StreamResampler[] = [];
    if (from.sampleRate !== to.sampleRate) {
      for (let c = 0; c < this.#inner; c += 1) resamplers.push(createResampler({ fromRate: from.sampleRate, toRate: to.sampleRate, quality }));
    }
    this.#resamplers = resamplers;
    this.delayMs = resamplers[0]?.delayMs ?? 0;
  }

  /** Whether the conversion changes nothing (same rate and channels). */
  get isIdentity(): boolean {
    return this.from.sampleRate === this.to.sampleRate && this.from.channels === this.to.channels;
  }

  /**
   * Converts the next chunk (interleaved, a whole number of frames). Returns a fresh array (the input itself when
   * nothing changes).
   * @throws {@link AudioDataError} when the sample count is not a multiple of the channel count.
   */
  process(samples: Int16Array): Int16Array {
    const channels = this.from.channels;
    if (samples.length % channels !== 0) {
      throw new AudioDataError(
        `${samples.length} samples is not a whole number of ${channels}-channel frames; interleaved audio must hold channels x frames samples.`,
        { details: { samples: samples.length, channels } },
      );
    }
    if (this.isIdentity) return samples;
    const mixed = this.from.channels > this.#inner ? downmix(samples, channels) : samples;
    const resampled = this.#resample(mixed, (resampler, plane) => resampler.process(plane));
    return this.to.channels > this.#inner ? upmix(resampled, this.to.channels) : resampled;
  }

  /** Ends the stream: returns the resamplers' tails (converted to the output layout) and resets. */
  flush(): Int16Array {
    if (this.#resamplers.length === 0) return new Int16Array(0);
    const tail = this.#resample(new Int16Array(0), (resampler) => resampler.flush());
    return this.to.channels > this.#inner ? upmix(tail, this.to.channels) : tail;
  }

  /** Forgets the stream's history. */
  reset(): void {
    for (const resampler of this.#resamplers) resampler.reset();
  }

  #resample(interleaved: Int16Array, run: (resampler: StreamResampler, plane: Int16Array) => Int16Array): Int16Array {
    const resamplers = this.#resamplers;
    if (resamplers.length === 0) return interleaved;
    if (resamplers.length === 1) return run(resamplers[0], interleaved);
    const channels = resamplers.length;
    const frames = interleaved.length / channels;
    const outputs: Int16Array[] = [];
    for (let c = 0; c < channels; c += 1) {
      const plane = this.#plane(c, frames);
      for (let i = 0, j = c; i < frames; i += 1, j += channels) plane[i] = interleaved[j];
      outputs.push(run(resamplers[c], plane));
    }
    // Every channel's resampler saw the same counts, so the outputs have equal lengths.
    const outFrames = outputs[0].length;
    const out = allocInt16(outFrames * channels);
    for (let c = 0; c < channels; c += 1) {
      const plane = outputs[c];
      for (let i = 0, j = c; i < outFrames; i += 1, j += channels) out[j] = plane[i];
    }
    return out;
  }

  /** A reused per-channel scratch plane (consumed synchronously by the resampler). */
  #plane(channel: number, frames: number): Int16Array {
    let plane = this.#planes[channel];
    if (plane === undefined || plane.length < frames) {
      plane = new Int16Array(Math.max(frames, 1024));
      this.#planes[channel] = plane;
    }
    return plane.subarray(0, frames);
  }
}

/** Averages interleaved channels into mono (the mean rounded, halves up). */
export function downmix(samples: Int16Array, channels: number): Int16Array {
  if (channels === 1) return samples;
  const frames = Math.floor(samples.length / channels);
  const out = allocInt16(frames);
  for (let i = 0, j = 0; i < frames; i += 1, j += channels) {
    let sum = 0;
    for (let c = 0; c < channels; c += 1) sum += samples[j + c];
    out[i] = Math.round(sum / channels);
  }
  return out;
}

/** Copies a mono signal to `channels` interleaved channels. */
export function upmix(mono: Int16Array, channels: number): Int16Array {
  if (channels === 1) return mono;
  const out = allocInt16(mono.length * channels);
  for (let i = 0, j = 0; i < mono.length; i += 1, j += channels) {
    const v = mono[i];
    for (let c = 0; c < channels; c += 1) out[j + c] = v;
  }
  return out;
}
