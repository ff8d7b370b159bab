/**
 * `@voxframe/processors`: the audio toolkit (streaming resampler, G.711, formats, re-chunking, WAV), voice activity
 * detection (Silero and energy), output pacing, tools, the S2S processor, and the cascade processors (STT, context,
 * LLM, TTS), hybrid pipelines (S2S failover, service switcher) and the text guardrail.
 *
 * @packageDocumentation
 */
export * from './audio';
export * from './vad';
export * from './pacer';
export * from './tools';
export * from './s2s';
export * from './cascade';
export * from './hybrid';
export * from './guardrail';
