/**
 * The demo's switchable modes: every model configured in the environment (OpenAI Realtime, the cascade, Gemini Live,
 * Nova Sonic) as a `serviceSwitcher` branch, so the page can change mode or provider mid-call (the conversation moves
 * along). One local VAD before the switcher and one pacer after it serve every branch.
 *
 * @packageDocumentation
 */
import type { FrameNode } from '@voxframe/core';
import { outputPacer, serviceSwitcher, sileroVad, type SwitcherBranch } from '@voxframe/processors';
import { cascadeServicesFromEnv } from './cascade-services';
import type { AgentBuildOptions } from './select';

/** A mode's name: the branch name the page sends in its `switch` message. */
export type ModeName = 'openai' | 'cascade' | 'gemini' | 'nova';

/** A mode the environment allows, and how to build its branch for one call. */
export interface Mode {
  readonly name: ModeName;
  readonly branch: (options: AgentBuildOptions) => Promise<SwitcherBranch>;
}

const has = (value: string | undefined): value is string => value !== undefined && value !== '';

/** The modes whose keys are set, in the order the demo prefers them. */
export function availableModes(env: NodeJS.ProcessEnv): Mode[] {
  const modes: Mode[] = [];
  const openaiKey = env.OPENAI_API_KEY;
  if (has(openaiKey)) {
    const baseUrl = env.VOXFRAME_OPENAI_BASE_URL;
    modes.push({
      name: 'openai',
      branch: async (options) => (await import('./openai-pipeline')).openaiBranch({ apiKey: openaiKey, ...(has(baseUrl) ? { baseUrl } : {}), ...options }),
    });
  }
  const services = cascadeServicesFromEnv(env);
  if (has(openaiKey) || services !== undefined) {
    const baseURL = env.VOXFRAME_OPENAI_HTTP_BASE_URL;
    modes.push({
      name: 'cascade',
      branch: async () => {
        const chosen = services === undefined ? undefined : await Promise.all([services.stt(), services.llm(), services.tts()]);
        return (await import('./cascade-pipeline')).cascadeBranch({
          ...(has(openaiKey) ? { apiKey: openaiKey } : {}),
          ...(has(baseURL) ? { baseURL } : {}),
          ...(has(env.VOXFRAME_LLM_MODEL) ? { model: env.VOXFRAME_LLM_MODEL } : {}),
          ...(chosen === undefined ? {} : { services: { stt: chosen[0], llm: chosen[1], tts: chosen[2] } }),
        });
      },
    });
  }
  const geminiKey = env.GEMINI_API_KEY;
  if (has(geminiKey)) {
    const baseUrl = env.VOXFRAME_GEMINI_BASE_URL;
    modes.push({ name: 'gemini', branch: async () => (await import('./gemini-pipeline')).geminiBranch({ apiKey: geminiKey, ...(has(baseUrl) ? { baseUrl } : {}) }) });
  }
  const region = env.AWS_REGION;
  if (has(region) && ((has(env.AWS_ACCESS_KEY_ID) && has(env.AWS_SECRET_ACCESS_KEY)) || has(env.AWS_PROFILE))) {
    const baseUrl = env.VOXFRAME_NOVA_BASE_URL;
    modes.push({ name: 'nova', branch: async () => (await import('./nova-pipeline')).novaBranch({ region, ...(has(baseUrl) ? { baseUrl } : {}) }) });
  }
  return modes;
}

/** VAD, a switcher over every mode (starting in `initial`; the others connect only when chosen), pacer. */
export async function switchablePipeline(modes: readonly Mode[], initial: ModeName, options: AgentBuildOptions = {}): Promise<FrameNode[]> {
  const branches = await Promise.all(modes.map((mode) => mode.branch(options)));
  return [sileroVad({ minSilenceMs: 500 }), serviceSwitcher(branches, { initial }), outputPacer({ chunkMs: 20 })];
}
