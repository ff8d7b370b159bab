/**
 * A processor that resamples audio frames to one rate, whatever rates arrive.
 *
 * @packageDocumentation
 */
import { AudioConversionProcessor, type AudioConversionProcessorOptions } from './audio-conversion-processor';
import { AudioConfigError } from './errors';
import type { PcmLayout } from './pcm-stream-converter';
import { checkResampleRates } from './polyphase-filter';

/** Options of {@link ResamplerProcessor}. */
export interface ResamplerProcessorOptions extends AudioConversionProcessorOptions {
  /** The rate every converted frame leaves with, Hz. */
  readonly toRate: number;
}

/**
 * Resamples `audio.input` and/or `audio.output` frames to `toRate` (channels unchanged: each channel has its own
 * stream resampler). Frames already at `toRate` pass through untouched. See {@link AudioConversionProcessor} for
 * timing, rate changes, interruption and error handling.
 *
 * @example
 * ```ts
 * // Bot audio from a 24 kHz model to an 8 kHz phone leg:
 * pipeline(transport.input(), s2s, resamplerProcessor({ toRate: 8000, direction: 'output' }), transport.output());
 * ```
 */
export class ResamplerProcessor extends AudioConversionProcessor {
  /** Output rate, Hz. */
  readonly toRate: number;

  /** @throws {@link AudioConfigError} when `toRate` is not a supported rate. */
  constructor(options: ResamplerProcessorOptions) {
    super(options);
    if (options.toRate === undefined) throw new AudioConfigError('resamplerProcessor: toRate is required (e.g. 16000).');
    checkResampleRates(options.toRate, options.toRate);
    this.toRate = options.toRate;
  }

  protected override targetLayout(frame: { readonly channels: number }): PcmLayout {
    return { sampleRate: this.toRate, channels: frame.channels };
  }
}

/** Creates a {@link ResamplerProcessor}. */
export function resamplerProcessor(options: ResamplerProcessorOptions): ResamplerProcessor {
  return new ResamplerProcessor(options);
}
