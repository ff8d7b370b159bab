/**
 * `@voxframe/elevenlabs`: ElevenLabs streaming-input TTS (multi-context WebSocket) as a voxframe {@link TtsService}
 * with `connect()`: text streamed in per utterance context, PCM16 at its true rate out, character alignment as word
 * timings, cancel on interruption. The emulator is at `@voxframe/elevenlabs/testing`.
 *
 * @packageDocumentation
 */
export * from './errors';
export * from './options';
export * from './protocol';
export * from './service';
export { ElevenLabsTtsStream } from './stream';
export { WordAssembler } from './word-timings';
