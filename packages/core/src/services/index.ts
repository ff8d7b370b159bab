export * from './stt';
export * from './llm';
export * from './tts';
