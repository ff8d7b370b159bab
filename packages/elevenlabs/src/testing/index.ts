/**
 * `@voxframe/elevenlabs/testing`: a local emulator of ElevenLabs' multi-context TTS WebSocket that speaks tones with
 * exact character alignment, to test agents offline.
 *
 * @packageDocumentation
 */
export * from './emulator';
export * from './tts-connection';
