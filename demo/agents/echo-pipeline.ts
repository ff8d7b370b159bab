/**
 * The echo-test agent's pipeline middle: Silero VAD turn-taking, the echo agent, the output pacer.
 *
 * @packageDocumentation
 */
import type { FrameNode } from '@voxframe/core';
import { outputPacer, sileroVad } from '@voxframe/processors';
import { EchoAgent } from './echo-agent';

/** What sits between the input and output transports for the echo test. */
export function echoPipeline(): FrameNode[] {
  return [sileroVad({ minSilenceMs: 500 }), new EchoAgent(), outputPacer({ chunkMs: 20 })];
}
