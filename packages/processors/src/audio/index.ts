/**
 * The audio toolkit: streaming resampler, G.711, wire formats and converters, PCM16/base64 helpers, re-chunking,
 * ring buffer, mixing, WAV, signal helpers, and the resampler / format-converter processors.
 *
 * @packageDocumentation
 */
export * from './errors';
export * from './sample-slab';
export { designRemezLowpass, amplitudeAt, type RemezDesign } from './sinc-filter';
export {
  checkResampleRates,
  designPolyphaseFilter,
  maxResamplerRatioTerm,
  resamplerQualitySpecs,
  resamplerRateLimits,
  type PolyphaseFilter,
  type ResamplerQuality,
  type ResamplerQualitySpec,
} from './polyphase-filter';
export * from './resampler';
export * from './g711';
export * from './pcm16';
export * from './formats';
export * from './pcm-stream-converter';
export * from './format-converter';
export * from './ring-buffer';
export * from './rechunker';
export * from './mix';
export * from './signal';
export * from './wav';
export * from './audio-conversion-processor';
export * from './resampler-processor';
export * from './format-converter-processor';
