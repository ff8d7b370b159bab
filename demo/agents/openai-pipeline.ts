/**
 * The OpenAI Realtime agent's pipeline middle: local Silero VAD (fast barge-in), the S2S processor on
 * `openai_realtime` (its own server VAD takes the turns), and the output pacer. On phone calls the session speaks
 * G.711 mu-law with the service, so caller audio is never resampled (pass-through).
 *
 * @packageDocumentation
 */
import { createS2S, type FrameNode, type S2SEncodedAudio } from '@voxframe/core';
import { outputPacer, s2sProcessor, sileroVad, type SwitcherBranch } from '@voxframe/processors';
import '@voxframe/s2s-openai'; // registers the 'openai_realtime' provider

export interface OpenAIAgentOptions {
  readonly apiKey: string;
  /** Another endpoint, e.g. the local emulator (`ws://127.0.0.1:PORT/v1`). */
  readonly baseUrl?: string;
  /**
   * What the caller's transport carries: `g711_ulaw` on Twilio calls. The provider then takes mu-law at 8 kHz as
   * is (G.711 pass-through), so nothing is resampled 8 -> 24 -> 8 kHz. @defaultValue PCM (browser calls)
   */
  readonly inputEncoding?: S2SEncodedAudio;
}

const INSTRUCTIONS =
  'You are the voxframe demo assistant. Keep answers short and friendly: one or two sentences. ' +
  'If the user interrupts you, stop and listen.';

/** The model part alone, as a `serviceSwitcher` branch named `openai`. */
export function openaiBranch(options: OpenAIAgentOptions): SwitcherBranch {
  const s2s = createS2S('openai_realtime', {
    instructions: INSTRUCTIONS,
    extra: { api_key: options.apiKey, ...(options.baseUrl ? { base_url: options.baseUrl } : {}) },
  });
  const encoding = options.inputEncoding === undefined ? {} : { inputEncoding: options.inputEncoding };
  const node = s2sProcessor({ s2s, ...encoding });
  return { name: 'openai', node, conversation: () => node.session?.conversation ?? [] };
}

export function openaiPipeline(options: OpenAIAgentOptions): FrameNode[] {
  return [sileroVad({ minSilenceMs: 500 }), openaiBranch(options).node, outputPacer({ chunkMs: 20 })];
}
