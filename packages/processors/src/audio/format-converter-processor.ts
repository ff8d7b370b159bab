/**
 * A processor that brings audio frames to a target {@link AudioFormat}: its rate and channel count, and for a G.711
 * target its quantisation.
 *
 * @packageDocumentation
 */
import { AudioConversionProcessor, type AudioConversionProcessorOptions } from './audio-conversion-processor';
import { checkAudioFormat, type AudioFormat } from './formats';
import { decodeAlawInto, decodeMulawInto, encodeAlawInto, encodeMulawInto } from './g711';
import type { PcmLayout } from './pcm-stream-converter';

/** Options of {@link FormatConverterProcessor}. */
export interface FormatConverterProcessorOptions extends AudioConversionProcessorOptions {
  /** The format frames leave in. */
  readonly to: AudioFormat;
}

/**
 * Converts `audio.input` and/or `audio.output` frames to `to.sampleRate` and `to.channels` (down-mix to mono by
 * averaging, up-mix from mono by copying). Frames always carry PCM16, so for a `mulaw` or `alaw` target the samples
 * are passed through the codec (encode then decode): downstream hears exactly what a telephone leg would carry, and
 * a later G.711 encoder reproduces the same bytes. See {@link AudioConversionProcessor} for timing, rate changes,
 * interruption and error handling.
 *
 * @example
 * ```ts
 * // Make web audio sound (and measure) like a phone call before the VAD:
 * pipeline(browser.input(), formatConverterProcessor({ to: audioFormats.twilio, direction: 'input' }), vad, ...);
 * ```
 */
export class FormatConverterProcessor extends AudioConversionProcessor {
  /** The target format. */
  readonly to: AudioFormat;
  #codeScratch = new Uint8Array(0);

  /** @throws {@link AudioConfigError} for an invalid target format. */
  constructor(options: FormatConverterProcessorOptions) {
    super(options);
    this.to = { ...checkAudioFormat(options.to, 'formatConverterProcessor: to') };
  }

  protected override targetLayout(): PcmLayout {
    return this.to;
  }

  protected override changesSamplesInPlace(): boolean {
    return this.to.encoding !== 'pcm16';
  }

  protected override finish(samples: Int16Array): Int16Array {
    if (this.to.encoding === 'pcm16') return samples;
    if (this.#codeScratch.length < samples.length) this.#codeScratch = new Uint8Array(Math.max(samples.length, 1024));
    const codes = this.#codeScratch.subarray(0, samples.length);
    if (this.to.encoding === 'mulaw') {
      encodeMulawInto(samples, codes);
      decodeMulawInto(codes, samples);
    } else {
      encodeAlawInto(samples, codes);
      decodeAlawInto(codes, samples);
    }
    return samples;
  }
}

/** Creates a {@link FormatConverterProcessor}. */
export function formatConverterProcessor(options: FormatConverterProcessorOptions): FormatConverterProcessor {
  return new FormatConverterProcessor(options);
}
