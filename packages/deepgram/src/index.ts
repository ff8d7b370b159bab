/**
 * `@voxframe/deepgram`: Deepgram live streaming speech-to-text as a voxframe {@link SttService}, with keepalive,
 * reconnect with audio replay, and `finalize()` mapped to Deepgram's `Finalize`. The emulator is at
 * `@voxframe/deepgram/testing`.
 *
 * @packageDocumentation
 */
export * from './errors';
export * from './options';
export * from './protocol';
export * from './service';
export { DeepgramSttSession } from './session';
