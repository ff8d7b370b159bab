/**
 * Picks the demo's agent from the environment: OpenAI Realtime when `OPENAI_API_KEY` is set (pointed at
 * `VOXFRAME_OPENAI_BASE_URL` when given, e.g. the local emulator), or the STT -> LLM -> TTS cascade when
 * `VOXFRAME_MODE=cascade` too; else the offline echo test.
 *
 * @packageDocumentation
 */
import type { FrameNode } from '@voxframe/core';
import { cascadeServicesFromEnv } from './cascade-services';

export interface AgentChoice {
  /** Shown on the page. */
  readonly provider: 'openai' | 'echo' | 'cascade';
  readonly description: string;
  /** How to get a real model, shown in echo mode. */
  readonly hint?: string;
  /** The processors between the input and the output transport, fresh for each session. */
  readonly build: () => Promise<FrameNode[]>;
}

export function selectAgent(env: NodeJS.ProcessEnv): AgentChoice {
  // The cascade with other vendors' services, stage by stage, whichever have keys set (see cascade-services.ts).
  const services = env.VOXFRAME_MODE === 'cascade' ? cascadeServicesFromEnv(env) : undefined;
  if (services !== undefined && !/^openai -> openai -> openai$/.test(services.names)) {
    return {
      provider: 'cascade',
      description: `Cascade: ${services.names}`,
      build: async () => {
        const [stt, llm, tts] = await Promise.all([services.stt(), services.llm(), services.tts()]);
        return (await import('./cascade-pipeline')).cascadePipeline({ services: { stt, llm, tts }, ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}) });
      },
    };
  }
  const apiKey = env.OPENAI_API_KEY;
  if (apiKey !== undefined && apiKey !== '') {
    const baseUrl = env.VOXFRAME_OPENAI_BASE_URL;
    if (env.VOXFRAME_MODE === 'cascade') {
      // STT -> LLM -> TTS over OpenAI-compatible HTTP endpoints (VOXFRAME_OPENAI_HTTP_BASE_URL for another server).
      const baseURL = env.VOXFRAME_OPENAI_HTTP_BASE_URL;
      return {
        provider: 'cascade',
        description: baseURL ? `Cascade (STT -> LLM -> TTS) via ${baseURL}` : 'Cascade: OpenAI transcriptions -> chat completions -> speech',
        build: async () =>
          (await import('./cascade-pipeline')).cascadePipeline({ apiKey, ...(baseURL ? { baseURL } : {}), ...(env.VOXFRAME_LLM_MODEL ? { model: env.VOXFRAME_LLM_MODEL } : {}) }),
      };
    }
    return {
      provider: 'openai',
      description: baseUrl ? `OpenAI Realtime via ${baseUrl}` : 'OpenAI Realtime',
      build: async () => (await import('./openai-pipeline')).openaiPipeline({ apiKey, ...(baseUrl ? { baseUrl } : {}) }),
    };
  }
  return {
    provider: 'echo',
    description: 'Offline echo test: Silero VAD turn-taking; your words are played back after you stop; speak over it to barge in.',
    hint: 'Set OPENAI_API_KEY (and optionally VOXFRAME_OPENAI_BASE_URL) and restart to talk to OpenAI Realtime.',
    build: async () => (await import('./echo-pipeline')).echoPipeline(),
  };
}
