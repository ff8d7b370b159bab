/**
 * `@voxframe/openai`: cascade services for OpenAI-compatible endpoints with the official `openai` client: chat
 * completions streaming with tools (`createOpenAiLlm`), speech streaming PCM (`createOpenAiTts`) and per-turn
 * transcriptions (`createOpenAiStt`). Point `baseURL` at any compatible server.
 *
 * @packageDocumentation
 */
export * from './client';
export * from './errors';
export * from './llm';
export * from './tts';
export * from './stt';
export { encodeWav, Pcm16Assembler } from './pcm-bytes';
