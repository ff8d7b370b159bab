/**
 * Voice activity detection: analyzers (Silero, energy), the hysteresis controller, and the VAD processors.
 *
 * @packageDocumentation
 */
export * from './analyzer';
export * from './errors';
export * from './silero-model';
export * from './silero-batcher';
export * from './silero-analyzer';
export * from './energy-analyzer';
export * from './vad-controller';
export * from './vad-operator';
export * from './vad-processor';
export * from './utterance-cutter';
export * from './silero-vad';
export * from './silero-warm-up';
export * from './energy-vad';
