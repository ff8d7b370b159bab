/**
 * Picks the demo's agent from the environment: OpenAI Realtime when `OPENAI_API_KEY` is set (pointed at
 * `VOXFRAME_OPENAI_BASE_URL` when given, e.g. the local emulator), else the offline echo test.
 *
 * @packageDocumentation
 */
import type { FrameNode, S2SEncodedAudio } from '@voxframe/core';

/** What the caller's side is, for agents that adapt to it. */
export interface AgentBuildOptions {
  /** The transport's wire encoding when it is telephony G.711 (`g711_ulaw` for Twilio): pass-through where possible. */
  readonly inputEncoding?: S2SEncodedAudio;
}

export interface AgentChoice {
  /** Shown on the page. */
  readonly provider: 'openai' | 'echo';
  readonly description: string;
  /** How to get a real model, shown in echo mode. */
  readonly hint?: string;
  /** The processors between the input and the output transport, fresh for each session. */
  readonly build: (options?: AgentBuildOptions) => Promise<FrameNode[]>;
}

export function selectAgent(env: NodeJS.ProcessEnv): AgentChoice {
  const apiKey = env.OPENAI_API_KEY;
  if (apiKey !== undefined && apiKey !== '') {
    const baseUrl = env.VOXFRAME_OPENAI_BASE_URL;
    return {
      provider: 'openai',
      description: baseUrl ? `OpenAI Realtime via ${baseUrl}` : 'OpenAI Realtime',
      build: async (build = {}) => (await import('./openai-pipeline')).openaiPipeline({ apiKey, ...(baseUrl ? { baseUrl } : {}), ...build }),
    };
  }
  return {
    provider: 'echo',
    description: 'Offline echo test: Silero VAD turn-taking; your words are played back after you stop; speak over it to barge in.',
    hint: 'Set OPENAI_API_KEY (and optionally VOXFRAME_OPENAI_BASE_URL) and restart to talk to OpenAI Realtime.',
    build: async () => (await import('./echo-pipeline')).echoPipeline(),
  };
}
