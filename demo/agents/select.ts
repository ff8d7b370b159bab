/**
 * Picks the demo's agent from the environment, first match wins:
 * 0. with `VOXFRAME_MODE=cascade` and a key of another cascade vendor (Deepgram, Anthropic, Bedrock, ElevenLabs): the
 *    cascade with a vendor per stage from the keys set (see `cascade-services.ts`);
 * 1. Gemini Live when `GEMINI_API_KEY` is set and `VOXFRAME_AGENT=gemini`;
 * 2. with `OPENAI_API_KEY`: the STT -> LLM -> TTS cascade when `VOXFRAME_MODE=cascade`, else OpenAI Realtime
 *    (`VOXFRAME_OPENAI_BASE_URL` points it elsewhere, e.g. the local emulator);
 * 3. Gemini Live when `GEMINI_API_KEY` is set (`VOXFRAME_GEMINI_BASE_URL` points it elsewhere);
 * 4. Amazon Nova Sonic when `AWS_REGION` and AWS credentials (`AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`, or
 *    `AWS_PROFILE`) are set (`VOXFRAME_NOVA_BASE_URL` points it elsewhere);
 * 5. the offline echo test.
 *
 * @packageDocumentation
 */
import type { FrameNode, S2SEncodedAudio } from '@voxframe/core';
import { cascadeServicesFromEnv } from './cascade-services';
import { availableModes, switchablePipeline, type ModeName } from './modes';

/** What the caller's side is, for agents that adapt to it. */
export interface AgentBuildOptions {
  /** The transport's wire encoding when it is telephony G.711 (`g711_ulaw` for Twilio): pass-through where possible. */
  readonly inputEncoding?: S2SEncodedAudio;
}

export interface AgentChoice {
  /** Shown on the page. */
  readonly provider: 'openai' | 'gemini' | 'nova' | 'echo' | 'cascade';
  readonly description: string;
  /** How to get a real model, shown in echo mode. */
  readonly hint?: string;
  /** The processors between the input and the output transport, fresh for each session. */
  readonly build: (options?: AgentBuildOptions) => Promise<FrameNode[]>;
  /**
   * When more than one model is configured: every mode the page may switch to mid-call (the build then puts a
   * `serviceSwitcher` over them, starting in `provider`).
   */
  readonly modes?: readonly ModeName[];
}

/**
 * The agent for the environment (see the module docs); with more than one model configured, switchable mid-call
 * between all of them.
 */
export function selectAgent(env: NodeJS.ProcessEnv): AgentChoice {
  const choice = selectPrimaryAgent(env);
  const modes = availableModes(env);
  if (modes.length < 2 || choice.provider === 'echo') return choice;
  const initial = choice.provider;
  return {
    ...choice,
    description: `${choice.description} (switchable: ${modes.map((m) => m.name).join(', ')})`,
    modes: modes.map((m) => m.name),
    build: (options) => switchablePipeline(modes, initial, options),
  };
}

function selectPrimaryAgent(env: NodeJS.ProcessEnv): AgentChoice {
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
  const geminiKey = env.GEMINI_API_KEY;
  const gemini = geminiKey !== undefined && geminiKey !== '' ? geminiChoice(geminiKey, env.VOXFRAME_GEMINI_BASE_URL) : undefined;
  if (gemini !== undefined && env.VOXFRAME_AGENT === 'gemini') return gemini;
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
      build: async (build = {}) => (await import('./openai-pipeline')).openaiPipeline({ apiKey, ...(baseUrl ? { baseUrl } : {}), ...build }),
    };
  }
  if (gemini !== undefined) return gemini;
  const region = env.AWS_REGION;
  const awsCredentials = (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) || env.AWS_PROFILE;
  if (region && awsCredentials) {
    const baseUrl = env.VOXFRAME_NOVA_BASE_URL;
    return {
      provider: 'nova',
      description: baseUrl ? `Amazon Nova Sonic via ${baseUrl}` : `Amazon Nova Sonic (${region})`,
      build: async () => (await import('./nova-pipeline')).novaPipeline({ region, ...(baseUrl ? { baseUrl } : {}) }),
    };
  }
  return {
    provider: 'echo',
    description: 'Offline echo test: Silero VAD turn-taking; your words are played back after you stop; speak over it to barge in.',
    hint: 'Set OPENAI_API_KEY and restart to talk to OpenAI Realtime (add VOXFRAME_MODE=cascade for the STT -> LLM -> TTS cascade), GEMINI_API_KEY for Gemini Live, or AWS_REGION with AWS credentials for Amazon Nova Sonic.',
    build: async () => (await import('./echo-pipeline')).echoPipeline(),
  };
}

function geminiChoice(apiKey: string, baseUrl: string | undefined): AgentChoice {
  return {
    provider: 'gemini',
    description: baseUrl ? `Gemini Live via ${baseUrl}` : 'Gemini Live',
    build: async () => (await import('./gemini-pipeline')).geminiPipeline({ apiKey, ...(baseUrl ? { baseUrl } : {}) }),
  };
}
