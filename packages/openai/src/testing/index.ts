/**
 * `@voxframe/openai/testing`: an OpenAI-compatible HTTP emulator (chat completions, speech, transcriptions) for
 * tests and offline development. Script what it answers; the official `openai` client talks to it unchanged.
 *
 * @packageDocumentation
 */
export * from './emulator';
export * from './script';
export { chatValidationError } from './chat';
export { RealtimeTranscriptionEndpoint } from './realtime-transcription';
