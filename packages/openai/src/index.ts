/**
 * `@voxframe/openai`: cascade services for OpenAI-compatible endpoints with the official `openai` client: chat
 * completions streaming with tools (`createOpenAiLlm`), speech streaming PCM (`createOpenAiTts`) and per-turn
 * transcriptions (`createOpenAiStt`), streaming transcription over the Realtime API (`createOpenAiRealtimeStt`). Point
 * `baseURL` at any compatible server.
 *
 * @packageDocumentation
 */
export * from './client';
export * from './errors';
export * from './llm';
export * from './tts';
export * from './stt';
export * from './realtime-stt';
export { encodeWav, Pcm16Assembler } from './pcm-bytes';
