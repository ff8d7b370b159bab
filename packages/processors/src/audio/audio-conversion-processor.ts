/**
 * The shared mechanics of the audio conversion processors (resampler, format converter): which frames they touch,
 * validation, one stream converter per (frame type, source layout), rate changes mid-stream, interruption and end.
 *
 * @packageDocumentation
 */
import {
  FrameProcessor,
  InvalidFrameError,
  isAudioFrame,
  makeFrame,
  withFields,
  type EndFrame,
  type Frame,
  type FrameDirection,
  type FrameProcessorOptions,
  type InputAudioFrame,
  type OutputAudioFrame,
  type StartInterruptionFrame,
} from '@voxframe/core';
import { maxAudioChannels } from './formats';
import { PcmStreamConverter, type PcmLayout } from './pcm-stream-converter';
import { resamplerRateLimits, type ResamplerQuality } from './polyphase-filter';
import { allocInt16 } from './sample-slab';

/** Which audio frames a conversion processor converts: user audio (`audio.input`), bot audio (`audio.output`), or both. */
export type AudioFrameSelection = 'input' | 'output' | 'both';

/** Options shared by the audio conversion processors. */
export interface AudioConversionProcessorOptions extends FrameProcessorOptions {
  /**
   * Which audio frames to convert; the others pass through unchanged.
   * @defaultValue `'both'`
   */
  readonly direction?: AudioFrameSelection;
  /**
   * Resampler quality.
   * @defaultValue `'default'`
   */
  readonly quality?: ResamplerQuality;
}

/** Defaults of {@link AudioConversionProcessorOptions}. */
export const audioConversionProcessorDefaults = {
  direction: 'both',
  quality: 'default',
} as const satisfies AudioConversionProcessorOptions;

type AudioFrame = InputAudioFrame | OutputAudioFrame;
type AudioFrameType = AudioFrame['type'];

/** Source layouts remembered per frame type (a stream flipping between a few rates reuses its converters). */
const maxConvertersPerType = 4;

interface StreamState {
  /** Source layout currently flowing. */
  readonly sampleRate: number;
  readonly channels: number;
  readonly converter: PcmStreamConverter;
  /** The last converted frame, for stamping a flushed tail. */
  last: AudioFrame;
}

/**
 * Checks an audio frame's fields. Returns a description of the first problem, or undefined when the frame is sound.
 * Exported for processors that accept audio frames from untyped JavaScript callers.
 */
export function describeInvalidAudio(frame: { readonly samples: unknown; readonly sampleRate: unknown; readonly channels: unknown }): string | undefined {
  const { samples, sampleRate, channels } = frame;
  if (!(samples instanceof Int16Array)) {
    const got = samples === null ? 'null' : typeof samples === 'object' ? (samples as object).constructor.name : typeof samples;
    return `samples must be an Int16Array of PCM16, got ${got}`;
  }
  if (typeof sampleRate !== 'number' || !Number.isInteger(sampleRate) || sampleRate < resamplerRateLimits.min || sampleRate > resamplerRateLimits.max) {
    return `sampleRate must be an integer from ${resamplerRateLimits.min} to ${resamplerRateLimits.max} Hz, got ${String(sampleRate)}`;
  }
  if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1 || channels > maxAudioChannels) {
    return `channels must be an integer from 1 to ${maxAudioChannels}, got ${String(channels)}`;
  }
  if (samples.length % channels !== 0) {
    return `${samples.length} samples is not a whole number of ${channels}-channel frames`;
  }
  return undefined;
}

/**
 * Base of the conversion processors. A subclass says what layout a frame should become ({@link targetLayout}) and
 * may post-process converted samples ({@link finish}).
 *
 * Timing: a converted frame keeps its `id`, `ptsMs` and other fields; only `samples`, `sampleRate` and `channels`
 * change. Each chunk yields exactly its share of output samples (the resampler carries the fraction), so frame
 * durations stay true; the samples lag by the resampler's group delay (1.4 ms at 16 <-> 24 kHz, 2.9 ms at 8 kHz).
 * Chunks too small to yield a whole output sample yield no frame.
 *
 * Rate changes: when a stream's source rate or channel count changes, the previous converter's tail is emitted
 * first (as a frame stamped right after the last one), so nothing is lost or reordered.
 *
 * Interruption: bot audio (`audio.output`) converters are reset, so flushed audio does not ring into the next
 * utterance. User audio (`audio.input`) is one continuous microphone stream; resetting it would put a step (a click)
 * into the audio the models hear, so it is kept.
 *
 * End: the tails still inside the filters are emitted before the end frame goes on.
 *
 * Bad frames (not Int16Array samples, NaN or out-of-range rate, a sample count that is not a whole number of
 * frames) are dropped and reported upstream as recoverable `invalid_frame` error frames; the pipeline keeps going.
 */
export abstract class AudioConversionProcessor extends FrameProcessor {
  readonly #selection: AudioFrameSelection;
  /** Resampler quality of this processor. */
  protected readonly quality: ResamplerQuality;
  readonly #streams = new Map<AudioFrameType, StreamState>();
  readonly #converters = new Map<AudioFrameType, Map<string, PcmStreamConverter>>();

  constructor(options: AudioConversionProcessorOptions = {}) {
    super(options);
    this.#selection = options.direction ?? audioConversionProcessorDefaults.direction;
    this.quality = options.quality ?? audioConversionProcessorDefaults.quality;
  }

  /** The layout a frame's audio should be converted to. */
  protected abstract targetLayout(frame: AudioFrame): PcmLayout;

  /** Post-processes converted samples (in place or by returning new ones). Default: none. */
  protected finish(samples: Int16Array): Int16Array {
    return samples;
  }

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction !== 'downstream' || !isAudioFrame(frame) || !this.#selects(frame.type)) {
      this.push(frame, direction);
      return;
    }
    const problem = describeInvalidAudio(frame);
    if (problem !== undefined) {
      this.pushError(
        new InvalidFrameError(`${this.name}: dropped ${frame.type} frame ${frame.id}: ${problem}.`, {
          details: { frameId: frame.id, type: frame.type },
        }),
      );
      return;
    }
    let state = this.#streams.get(frame.type);
    if (state === undefined || state.sampleRate !== frame.sampleRate || state.channels !== frame.channels) {
      // A new stream, or its source layout changed: the previous converter's tail goes out first.
      if (state !== undefined) this.#flushStream(frame.type, state);
      state = { sampleRate: frame.sampleRate, channels: frame.channels, converter: this.#converterFor(frame), last: frame };
      this.#streams.set(frame.type, state);
    }
    state.last = frame;
    const converter = state.converter;
    const converted = converter.process(frame.samples);
    if (converter.isIdentity && !this.changesSamplesInPlace()) {
      this.push(frame, direction);
      return;
    }
    if (converted.length === 0) return;
    let samples = converted;
    if (converter.isIdentity) {
      // finish() may work in place: never on the sender's samples.
      samples = allocInt16(converted.length);
      samples.set(converted);
    }
    samples = this.finish(samples);
    const target = converter.to;
    this.push(withFields<AudioFrame>(frame, { samples, sampleRate: target.sampleRate, channels: target.channels }), direction);
  }

  protected override onInterruption(frame: StartInterruptionFrame): void {
    void frame;
    const state = this.#streams.get('audio.output');
    if (state !== undefined) {
      state.converter.reset();
      this.#streams.delete('audio.output');
    }
  }

  protected override onEnd(frame: EndFrame): void {
    void frame;
    for (const [type, state] of this.#streams) this.#flushStream(type, state);
    this.#streams.clear();
  }

  /** Whether {@link finish} changes samples even when the layout does not (then identity frames are re-emitted). */
  protected changesSamplesInPlace(): boolean {
    return false;
  }

  #selects(type: AudioFrameType): boolean {
    const selection = this.#selection;
    return selection === 'both' || (selection === 'input' ? type === 'audio.input' : type === 'audio.output');
  }

  #converterFor(frame: AudioFrame): PcmStreamConverter {
    const target = this.targetLayout(frame);
    let byKey = this.#converters.get(frame.type);
    if (byKey === undefined) {
      byKey = new Map();
      this.#converters.set(frame.type, byKey);
    }
    const fullKey = `${frame.sampleRate}/${frame.channels}->${target.sampleRate}/${target.channels}`;
    let converter = byKey.get(fullKey);
    if (converter === undefined) {
      converter = new PcmStreamConverter({ sampleRate: frame.sampleRate, channels: frame.channels }, target, this.quality);
      if (byKey.size >= maxConvertersPerType) {
        const oldest = byKey.keys().next().value;
        if (oldest !== undefined) byKey.delete(oldest);
      }
      byKey.set(fullKey, converter);
    }
    return converter;
  }

  /** Emits what a stream's converter still holds (stamped right after its last frame) and resets it. */
  #flushStream(type: AudioFrameType, state: StreamState): void {
    const tail = state.converter.flush();
    if (tail.length === 0) return;
    const last = state.last;
    const target = state.converter.to;
    const ptsMs = last.ptsMs + (last.samples.length / last.channels / last.sampleRate) * 1000;
    const samples = this.finish(tail);
    const fields = { samples, sampleRate: target.sampleRate, channels: target.channels };
    const tailFrame =
      type === 'audio.output'
        ? makeFrame('audio.output', last.type === 'audio.output' && last.utteranceId !== undefined ? { ...fields, utteranceId: last.utteranceId } : fields, { ptsMs })
        : makeFrame('audio.input', fields, { ptsMs });
    this.push(tailFrame, 'downstream');
  }
}
