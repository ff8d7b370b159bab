/**
 * `@voxframe/s2s-openai/testing`: a local OpenAI Realtime (GA) emulator with scripted responses and server VAD, to
 * test agents offline, plus synthetic test audio and a throwaway TLS certificate.
 *
 * @packageDocumentation
 */
export * from './emulator';
export * from './emulated-session';
export * from './script';
export * from './signals';
export * from './certificate';
export * from './server-vad';
export * from './client-event-check';
export type { ResponseStream, StreamPacing } from './response-stream';
export type { EmittedUsage } from './usage';
export type { EmulatorSessionConfig, EmulatorAudioFormat, EmulatorTurnDetection } from './session-state';
export { EmulatedConversation } from './conversation';
