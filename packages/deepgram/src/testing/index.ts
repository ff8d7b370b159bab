/**
 * `@voxframe/deepgram/testing`: a local emulator of Deepgram's live transcription WebSocket with scripted
 * transcripts, to test agents offline.
 *
 * @packageDocumentation
 */
export * from './emulator';
export * from './listen-connection';
