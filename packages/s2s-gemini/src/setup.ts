/**
 * Builds the `setup` message (the first client message, https://ai.google.dev/api/live#bidigeneratecontentsetup)
 * from a resolved config. Tools go as standard JSON Schema in `parametersJsonSchema`, so no conversion to the
 * upper-case Gemini `Schema` dialect is needed.
 *
 * @packageDocumentation
 */
import type { ToolDefinition } from '@voxframe/core';
import type { ResolvedGeminiConfig } from './config';
import { supportsNonBlockingTools } from './models';
import type { WireFunctionDeclaration, WireRealtimeInputConfig, WireSetup } from './protocol';

/** What varies between the connections of one session. */
export interface SetupState {
  readonly instructions?: string;
  readonly tools: readonly ToolDefinition[];
  /** Resumption handle to resume with (omitted for a fresh session: `handle: null` is rejected by some models). */
  readonly handle?: string;
  /** History follows in `clientContent` before realtime input (`historyConfig.initialHistoryInClientContent`). */
  readonly seedHistory: boolean;
}

/** The `setup` payload. */
export function buildSetup(config: ResolvedGeminiConfig, state: SetupState): WireSetup {
  const setup: WireSetup = {
    model: `models/${config.model}`,
    generationConfig: {
      responseModalities: [config.responseModality === 'audio' ? 'AUDIO' : 'TEXT'],
      ...(config.voice === undefined && config.language === undefined
        ? {}
        : {
            speechConfig: {
              ...(config.voice === undefined ? {} : { voiceConfig: { prebuiltVoiceConfig: { voiceName: config.voice } } }),
              ...(config.language === undefined ? {} : { languageCode: config.language }),
            },
          }),
      ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
      ...(config.maxOutputTokens === undefined ? {} : { maxOutputTokens: config.maxOutputTokens }),
    },
    realtimeInputConfig: realtimeInputConfig(config),
  };
  if (state.instructions !== undefined && state.instructions !== '') setup.systemInstruction = { parts: [{ text: state.instructions }] };
  if (state.tools.length > 0) setup.tools = wireTools(config, state.tools);
  if (config.inputTranscription) setup.inputAudioTranscription = {};
  if (config.outputTranscription) setup.outputAudioTranscription = {};
  if (config.sessionResumption) setup.sessionResumption = state.handle === undefined ? {} : { handle: state.handle };
  if (config.contextCompression) {
    setup.contextWindowCompression = {
      ...(config.compressionTriggerTokens === undefined ? {} : { triggerTokens: String(config.compressionTriggerTokens) }),
      slidingWindow: config.compressionTargetTokens === undefined ? {} : { targetTokens: String(config.compressionTargetTokens) },
    };
  }
  if (state.seedHistory) setup.historyConfig = { initialHistoryInClientContent: true };
  return setup;
}

/** Function declarations for a tool list (one `tools` entry holding them all). */
export function wireTools(config: ResolvedGeminiConfig, tools: readonly ToolDefinition[]): { functionDeclarations: WireFunctionDeclaration[] }[] {
  const behavior =
    config.toolBehavior === undefined || (config.toolBehavior === 'non_blocking' && !supportsNonBlockingTools(config.model))
      ? undefined
      : config.toolBehavior === 'blocking'
        ? 'BLOCKING'
        : 'NON_BLOCKING';
  return [
    {
      functionDeclarations: tools.map((tool) => ({
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parametersJsonSchema: tool.parameters,
        ...(behavior === undefined ? {} : { behavior }),
      })),
    },
  ];
}

function realtimeInputConfig(config: ResolvedGeminiConfig): WireRealtimeInputConfig {
  const detection: NonNullable<WireRealtimeInputConfig['automaticActivityDetection']> =
    config.turnDetection === 'manual'
      ? { disabled: true }
      : {
          ...(config.vadStartSensitivity === undefined ? {} : { startOfSpeechSensitivity: config.vadStartSensitivity === 'high' ? 'START_SENSITIVITY_HIGH' : 'START_SENSITIVITY_LOW' }),
          ...(config.vadEndSensitivity === undefined ? {} : { endOfSpeechSensitivity: config.vadEndSensitivity === 'high' ? 'END_SENSITIVITY_HIGH' : 'END_SENSITIVITY_LOW' }),
          ...(config.vadPrefixPaddingMs === undefined ? {} : { prefixPaddingMs: config.vadPrefixPaddingMs }),
          ...(config.vadSilenceDurationMs === undefined ? {} : { silenceDurationMs: config.vadSilenceDurationMs }),
        };
  return {
    automaticActivityDetection: detection,
    activityHandling: config.interruptOnSpeech ? 'START_OF_ACTIVITY_INTERRUPTS' : 'NO_INTERRUPTION',
  };
}
