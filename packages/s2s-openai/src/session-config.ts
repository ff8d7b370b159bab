/**
 * The GA `session.update` payload for a configuration (protocol note §3.1, §9: `type` required, audio settings
 * under `audio.input` / `audio.output`, flat function tools, `output_modalities`, `max_output_tokens`).
 *
 * @packageDocumentation
 */
import type { ToolDefinition } from '@voxframe/core';
import type { ResolvedOpenAIConfig } from './config';
import { isCustomVoiceId } from './models';
import type { WireAudioFormat, WireFunctionTool, WireSessionConfig, WireToolChoice, WireTurnDetection } from './protocol';

/** Wire format object of a configured audio format. */
export function wireAudioFormat(format: ResolvedOpenAIConfig['audioFormat']): WireAudioFormat {
  if (format === 'g711_ulaw') return { type: 'audio/pcmu' };
  if (format === 'g711_alaw') return { type: 'audio/pcma' };
  return { type: 'audio/pcm', rate: 24000 };
}

/** Function tools in the GA shape. */
export function wireTools(tools: readonly ToolDefinition[]): WireFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    parameters: tool.parameters,
  }));
}

function wireTurnDetection(config: ResolvedOpenAIConfig): WireTurnDetection | null {
  switch (config.turnDetection) {
    case 'none':
      return null;
    case 'semantic_vad':
      return { type: 'semantic_vad', eagerness: config.vadEagerness, create_response: true, interrupt_response: config.interruptResponse };
    default:
      return {
        type: 'server_vad',
        threshold: config.vadThreshold,
        prefix_padding_ms: config.vadPrefixPaddingMs,
        silence_duration_ms: config.vadSilenceDurationMs,
        create_response: true,
        interrupt_response: config.interruptResponse,
      };
  }
}

function wireToolChoice(choice: string): WireToolChoice {
  return choice === 'auto' || choice === 'none' || choice === 'required' ? choice : { type: 'function', name: choice };
}

/** The full session configuration sent on every (re)connect. */
export function buildSessionConfig(config: ResolvedOpenAIConfig, tools: readonly ToolDefinition[]): WireSessionConfig {
  const format = wireAudioFormat(config.audioFormat);
  return {
    type: 'realtime',
    output_modalities: [config.outputModality],
    ...(config.instructions === undefined ? {} : { instructions: config.instructions }),
    max_output_tokens: config.maxOutputTokens,
    tools: wireTools(tools),
    tool_choice: wireToolChoice(config.toolChoice),
    audio: {
      input: {
        format,
        ...(config.transcription === undefined ? {} : { transcription: { ...config.transcription } }),
        ...(config.noiseReduction === 'none' ? {} : { noise_reduction: { type: config.noiseReduction } }),
        turn_detection: wireTurnDetection(config),
      },
      output: {
        format,
        voice: isCustomVoiceId(config.voice) ? { id: config.voice } : config.voice,
        ...(config.speed === 1 ? {} : { speed: config.speed }),
      },
    },
  };
}
