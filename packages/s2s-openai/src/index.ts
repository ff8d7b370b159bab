/**
 * `@voxframe/s2s-openai`: the OpenAI Realtime API (GA) as a voxframe speech-to-speech provider. Importing it
 * registers `openai_realtime`. The local emulator for offline tests is at `@voxframe/s2s-openai/testing`.
 *
 * @packageDocumentation
 */
export * from './provider';
export * from './session';
export * from './config';
export * from './models';
export * from './errors';
export * from './socket';
export * from './g711';
export * from './history';
// The connection, shared with @voxframe/openai's streaming transcription (one handshake and framing, not a copy).
export { RealtimeConnection, type ConnectionHandlers } from './connection';
export type { ClientEvent, ClientEventType, ServerEvent, WireSessionConfig } from './protocol';
