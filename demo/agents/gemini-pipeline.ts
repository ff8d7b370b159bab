/**
 * The Gemini Live agent's pipeline middle: local Silero VAD (fast barge-in), the S2S processor on `gemini_live`
 * (the service's activity detection takes the turns; input is resampled to its 16 kHz, output is 24 kHz), and the
 * output pacer.
 *
 * @packageDocumentation
 */
import { createS2S, type FrameNode } from '@voxframe/core';
import { outputPacer, s2sProcessor, sileroVad, type SwitcherBranch } from '@voxframe/processors';
import '@voxframe/s2s-gemini'; // registers the 'gemini_live' provider

export interface GeminiAgentOptions {
  readonly apiKey: string;
  /** Another endpoint, e.g. the local emulator (`http://127.0.0.1:PORT`), as `@google/genai`'s `httpOptions.baseUrl`. */
  readonly baseUrl?: string;
}

const INSTRUCTIONS =
  'You are the voxframe demo assistant. Keep answers short and friendly: one or two sentences. ' +
  'If the user interrupts you, stop and listen.';

/** The model part alone, as a `serviceSwitcher` branch named `gemini`. */
export function geminiBranch(options: GeminiAgentOptions): SwitcherBranch {
  const s2s = createS2S('gemini_live', {
    instructions: INSTRUCTIONS,
    extra: { api_key: options.apiKey, ...(options.baseUrl ? { base_url: options.baseUrl } : {}) },
  });
  const node = s2sProcessor({ s2s });
  return { name: 'gemini', node, conversation: () => node.session?.conversation ?? [] };
}

export function geminiPipeline(options: GeminiAgentOptions): FrameNode[] {
  return [sileroVad({ minSilenceMs: 500 }), geminiBranch(options).node, outputPacer({ chunkMs: 20 })];
}
