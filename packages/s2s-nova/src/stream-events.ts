/**
 * The input events that open and close a stream (protocol note §3.2): session start, prompt start with the
 * output, tool use and tool configuration, the system prompt, the replayed history, the long-lived user audio
 * block; and at the end `contentEnd` (audio), `promptEnd`, `sessionEnd`, in that order.
 *
 * @packageDocumentation
 */
import type { ToolDefinition } from '@voxframe/core';
import { NOVA_INPUT_SAMPLE_RATE, type ResolvedNovaConfig } from './config';
import type { ReplayMessage } from './history';
import type { InputEvent, WireTool, WireToolChoice } from './protocol';

/** The client-chosen names of one stream's prompt and blocks. */
export interface StreamNames {
  readonly promptName: string;
  readonly audioContentName: string;
  /** A fresh content name for a text or tool block. */
  nextContentName(): string;
}

/** Names for a stream, unique within the session. */
export function streamNames(prefix: string): StreamNames {
  let counter = 0;
  return {
    promptName: `${prefix}-prompt`,
    audioContentName: `${prefix}-audio`,
    nextContentName: () => `${prefix}-content-${++counter}`,
  };
}

/** What the opening events carry beyond the config. */
export interface StreamSetup {
  readonly instructions: string | undefined;
  readonly tools: readonly ToolDefinition[];
  readonly history: readonly ReplayMessage[];
}

/** Tools as `toolConfiguration` lists them: the JSON Schema as a JSON string (§3.2). */
export function wireTools(tools: readonly ToolDefinition[]): WireTool[] {
  return tools.map((tool) => ({
    toolSpec: { name: tool.name, description: tool.description ?? tool.name, inputSchema: { json: JSON.stringify(tool.parameters) } },
  }));
}

function wireToolChoice(choice: string): WireToolChoice {
  if (choice === 'auto') return { auto: {} };
  if (choice === 'any') return { any: {} };
  return { tool: { name: choice } };
}

/** The events that open a stream, up to and including the start of the user audio block. */
export function openingEvents(config: ResolvedNovaConfig, setup: StreamSetup, names: StreamNames): InputEvent[] {
  const { promptName } = names;
  const events: InputEvent[] = [
    {
      sessionStart: {
        inferenceConfiguration: { maxTokens: config.maxTokens, topP: config.topP, temperature: config.temperature },
        ...(config.endpointingSensitivity === undefined ? {} : { turnDetectionConfiguration: { endpointingSensitivity: config.endpointingSensitivity } }),
      },
    },
    {
      promptStart: {
        promptName,
        textOutputConfiguration: { mediaType: 'text/plain' },
        audioOutputConfiguration: {
          mediaType: 'audio/lpcm',
          sampleRateHertz: config.outputSampleRate,
          sampleSizeBits: 16,
          channelCount: 1,
          voiceId: config.voice,
          encoding: 'base64',
          audioType: 'SPEECH',
        },
        ...(setup.tools.length === 0
          ? {}
          : {
              toolUseOutputConfiguration: { mediaType: 'application/json' },
              toolConfiguration: { tools: wireTools(setup.tools), toolChoice: wireToolChoice(config.toolChoice) },
            }),
      },
    },
  ];
  if (setup.instructions !== undefined && setup.instructions !== '') {
    events.push(...textBlock(names, 'SYSTEM', setup.instructions, false));
  }
  for (const message of setup.history) events.push(...textBlock(names, message.role, message.text, false));
  events.push({
    contentStart: {
      promptName,
      contentName: names.audioContentName,
      type: 'AUDIO',
      interactive: true,
      role: 'USER',
      audioInputConfiguration: {
        mediaType: 'audio/lpcm',
        sampleRateHertz: NOVA_INPUT_SAMPLE_RATE,
        sampleSizeBits: 16,
        channelCount: 1,
        audioType: 'SPEECH',
        encoding: 'base64',
      },
    },
  });
  return events;
}

/** A TEXT block: `contentStart`, `textInput`, `contentEnd`. */
export function textBlock(names: StreamNames, role: 'SYSTEM' | 'USER' | 'ASSISTANT', text: string, interactive: boolean): InputEvent[] {
  const { promptName } = names;
  const contentName = names.nextContentName();
  return [
    { contentStart: { promptName, contentName, type: 'TEXT', interactive, role, textInputConfiguration: { mediaType: 'text/plain' } } },
    { textInput: { promptName, contentName, content: text } },
    { contentEnd: { promptName, contentName } },
  ];
}

/** A TOOL result block for `toolUseId`. */
export function toolResultBlock(names: StreamNames, toolUseId: string, output: string): InputEvent[] {
  const { promptName } = names;
  const contentName = names.nextContentName();
  return [
    {
      contentStart: {
        promptName,
        contentName,
        interactive: false,
        type: 'TOOL',
        role: 'TOOL',
        toolResultInputConfiguration: { toolUseId, type: 'TEXT', textInputConfiguration: { mediaType: 'text/plain' } },
      },
    },
    { toolResult: { promptName, contentName, content: output } },
    { contentEnd: { promptName, contentName } },
  ];
}

/** The events that close a stream, after the last audio. */
export function closingEvents(names: StreamNames): InputEvent[] {
  return [{ contentEnd: { promptName: names.promptName, contentName: names.audioContentName } }, { promptEnd: { promptName: names.promptName } }, { sessionEnd: {} }];
}
