export * from './errors';
export * from './sentence-aggregator';
export * from './stt-processor';
export * from './context-aggregator';
export * from './llm-processor';
export * from './tts-processor';
export { heardText, type SpokenPiece } from './played-text';
export { latencyFrame } from './latency';
