/**
 * `@voxframe/s2s-openai`: the OpenAI Realtime API (GA) as a voxframe speech-to-speech provider. Importing it
 * registers `openai_realtime`. The local emulator for offline tests is at `@voxframe/s2s-openai/testing`. The
 * G.711 tables and the conversation mirror are internal (use `@voxframe/processors` for G.711, and
 * `session.conversation` for the mirror).
 *
 * @packageDocumentation
 */
export * from './provider';
export * from './session';
export * from './config';
export * from './models';
export * from './errors';
export * from './socket';
// The connection, shared with @voxframe/openai's streaming transcription (one handshake and framing, not a copy).
export { RealtimeConnection, type ConnectionHandlers } from './connection';
export type { ClientEvent, ClientEventType, ServerEvent, WireSessionConfig } from './protocol';
