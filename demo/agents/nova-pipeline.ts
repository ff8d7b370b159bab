/**
 * The Amazon Nova Sonic agent's pipeline middle: local Silero VAD (fast barge-in), the S2S processor on `nova` (the
 * model takes the turns itself; the processor resamples the microphone to its 16 kHz), and the output pacer.
 * Credentials come from the AWS SDK's default chain (environment, profile, SSO, instance role).
 *
 * @packageDocumentation
 */
import { createS2S, type FrameNode } from '@voxframe/core';
import { outputPacer, s2sProcessor, sileroVad, type SwitcherBranch } from '@voxframe/processors';
import '@voxframe/s2s-nova'; // registers the 'nova' provider

export interface NovaAgentOptions {
  readonly region: string;
  /** Another endpoint, e.g. the local emulator (`http://127.0.0.1:PORT`). */
  readonly baseUrl?: string;
}

const INSTRUCTIONS =
  'You are the voxframe demo assistant. Keep answers short and friendly: one or two sentences. ' +
  'If the user interrupts you, stop and listen.';

/** The model part alone, as a `serviceSwitcher` branch named `nova`. */
export function novaBranch(options: NovaAgentOptions): SwitcherBranch {
  const s2s = createS2S('nova', {
    instructions: INSTRUCTIONS,
    extra: { region: options.region, endpointing_sensitivity: 'HIGH', ...(options.baseUrl ? { base_url: options.baseUrl } : {}) },
  });
  const node = s2sProcessor({ s2s });
  return { name: 'nova', node, conversation: () => node.session?.conversation ?? [] };
}

export function novaPipeline(options: NovaAgentOptions): FrameNode[] {
  return [sileroVad({ minSilenceMs: 500 }), novaBranch(options).node, outputPacer({ chunkMs: 20 })];
}
