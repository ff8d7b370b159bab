/**
 * Picks the cascade's STT, LLM and TTS services from the keys in the environment, a vendor per stage: Deepgram
 * (`DEEPGRAM_API_KEY`) else OpenAI transcriptions; Anthropic (`ANTHROPIC_API_KEY`), else Bedrock (`VOXFRAME_LLM=bedrock`
 * with AWS credentials from the default chain and `AWS_REGION`), else OpenAI chat completions; ElevenLabs
 * (`ELEVENLABS_API_KEY`) else OpenAI speech. OpenAI stages need `OPENAI_API_KEY`.
 *
 * @packageDocumentation
 */
import type { LlmService, SttService, TtsService } from '@voxframe/core';

/** The services of one cascade, and what the page shows. */
export interface CascadeServices {
  readonly stt: () => Promise<SttService>;
  readonly llm: () => Promise<LlmService>;
  readonly tts: () => Promise<TtsService>;
  /** e.g. `deepgram -> anthropic -> elevenlabs`. */
  readonly names: string;
}

const has = (value: string | undefined): value is string => value !== undefined && value !== '';

/** The services the environment has keys for, or `undefined` when a stage has none. */
export function cascadeServicesFromEnv(env: NodeJS.ProcessEnv): CascadeServices | undefined {
  const openai = has(env.OPENAI_API_KEY) ? { apiKey: env.OPENAI_API_KEY, ...(has(env.VOXFRAME_OPENAI_HTTP_BASE_URL) ? { baseURL: env.VOXFRAME_OPENAI_HTTP_BASE_URL } : {}) } : undefined;
  const stt = has(env.DEEPGRAM_API_KEY)
    ? { name: 'deepgram', make: async (): Promise<SttService> => (await import('@voxframe/deepgram')).createDeepgramStt({ apiKey: env.DEEPGRAM_API_KEY, endpointingMs: false }) }
    : openai && { name: 'openai', make: async (): Promise<SttService> => (await import('@voxframe/openai')).createOpenAiStt(openai) };
  const llm = has(env.ANTHROPIC_API_KEY)
    ? { name: 'anthropic', make: async (): Promise<LlmService> => (await import('@voxframe/anthropic')).createAnthropicLlm({ apiKey: env.ANTHROPIC_API_KEY }) }
    : env.VOXFRAME_LLM === 'bedrock'
      ? { name: 'bedrock', make: async (): Promise<LlmService> => (await import('@voxframe/bedrock')).createBedrockLlm(has(env.VOXFRAME_LLM_MODEL) ? { modelId: env.VOXFRAME_LLM_MODEL } : {}) }
      : openai && { name: 'openai', make: async (): Promise<LlmService> => (await import('@voxframe/openai')).createOpenAiLlm({ ...openai, model: env.VOXFRAME_LLM_MODEL || 'gpt-4.1-mini' }) };
  const tts = has(env.ELEVENLABS_API_KEY)
    ? { name: 'elevenlabs', make: async (): Promise<TtsService> => (await import('@voxframe/elevenlabs')).createElevenLabsTts({ apiKey: env.ELEVENLABS_API_KEY }) }
    : openai && { name: 'openai', make: async (): Promise<TtsService> => (await import('@voxframe/openai')).createOpenAiTts({ ...openai, voice: 'coral' }) };
  if (!stt || !llm || !tts) return undefined;
  return { stt: stt.make, llm: llm.make, tts: tts.make, names: `${stt.name} -> ${llm.name} -> ${tts.name}` };
}
