/**
 * `@voxframe/s2s-gemini`: Gemini Live (BidiGenerateContent) as a voxframe speech-to-speech provider. Importing it
 * registers `gemini_live`. The local emulator for offline tests is at `@voxframe/s2s-gemini/testing`.
 *
 * @packageDocumentation
 */
export * from './provider';
export * from './session';
export * from './config';
export * from './models';
export * from './errors';
export * from './socket';
export * from './history';
export * from './heard';
export * from './rotation';
export * from './clock';
export { GEMINI_LIVE_PROVIDER, GEMINI_INPUT_SAMPLE_RATE, GEMINI_OUTPUT_SAMPLE_RATE } from './names';
export { audioMessageJson } from './input-audio';
export { parseServerMessage, durationMs } from './protocol';
export type { ClientMessage, ServerMessage, WireSetup, WireContent, WireServerContent } from './protocol';
