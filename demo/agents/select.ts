/**
 * Picks the demo's agent from the environment: OpenAI Realtime when `OPENAI_API_KEY` is set (pointed at
 * `VOXFRAME_OPENAI_BASE_URL` when given, e.g. the local emulator), else Amazon Nova Sonic when AWS credentials
 * (`AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`, or `AWS_PROFILE`) and `AWS_REGION` are set (pointed at
 * `VOXFRAME_NOVA_BASE_URL` when given), else the offline echo test.
 *
 * @packageDocumentation
 */
import type { FrameNode } from '@voxframe/core';

export interface AgentChoice {
  /** Shown on the page. */
  readonly provider: 'openai' | 'nova' | 'echo';
  readonly description: string;
  /** How to get a real model, shown in echo mode. */
  readonly hint?: string;
  /** The processors between the input and the output transport, fresh for each session. */
  readonly build: () => Promise<FrameNode[]>;
}

export function selectAgent(env: NodeJS.ProcessEnv): AgentChoice {
  const apiKey = env.OPENAI_API_KEY;
  if (apiKey !== undefined && apiKey !== '') {
    const baseUrl = env.VOXFRAME_OPENAI_BASE_URL;
    return {
      provider: 'openai',
      description: baseUrl ? `OpenAI Realtime via ${baseUrl}` : 'OpenAI Realtime',
      build: async () => (await import('./openai-pipeline')).openaiPipeline({ apiKey, ...(baseUrl ? { baseUrl } : {}) }),
    };
  }
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
    hint: 'Set OPENAI_API_KEY (and optionally VOXFRAME_OPENAI_BASE_URL) and restart to talk to OpenAI Realtime.',
    build: async () => (await import('./echo-pipeline')).echoPipeline(),
  };
}
