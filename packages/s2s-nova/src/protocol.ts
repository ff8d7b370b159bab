/**
 * The Nova Sonic event protocol (the JSON inside every `chunk.bytes`, both directions), typed after the AWS docs
 * for input and output events. One event per chunk: `{"event": {"<name>": {...}}}`.
 *
 * @packageDocumentation
 */

/** Generation settings of `sessionStart`. */
export interface WireInferenceConfiguration {
  readonly maxTokens: number;
  readonly topP: number;
  readonly temperature: number;
}

/** Nova 2 turn detection: how long a pause ends the user's turn (`HIGH` ends it soonest). */
export type EndpointingSensitivity = 'HIGH' | 'MEDIUM' | 'LOW';

/** A tool as `promptStart.toolConfiguration` lists it: the schema is a JSON **string**. */
export interface WireTool {
  readonly toolSpec: { readonly name: string; readonly description: string; readonly inputSchema: { readonly json: string } };
}

/** Who may be called: Converse-style tool choice. */
export type WireToolChoice = { readonly auto: Record<string, never> } | { readonly any: Record<string, never> } | { readonly tool: { readonly name: string } };

/** Text input configuration of a TEXT content block. */
export interface WireTextConfig {
  readonly mediaType: 'text/plain';
}

/** Input events (client to model), in the order the service requires. */
export type InputEvent =
  | {
      readonly sessionStart: {
        readonly inferenceConfiguration: WireInferenceConfiguration;
        readonly turnDetectionConfiguration?: { readonly endpointingSensitivity: EndpointingSensitivity };
      };
    }
  | {
      readonly promptStart: {
        readonly promptName: string;
        readonly textOutputConfiguration: WireTextConfig;
        readonly audioOutputConfiguration: {
          readonly mediaType: 'audio/lpcm';
          readonly sampleRateHertz: number;
          readonly sampleSizeBits: 16;
          readonly channelCount: 1;
          readonly voiceId: string;
          readonly encoding: 'base64';
          readonly audioType: 'SPEECH';
        };
        readonly toolUseOutputConfiguration?: { readonly mediaType: 'application/json' };
        readonly toolConfiguration?: { readonly tools: readonly WireTool[]; readonly toolChoice?: WireToolChoice };
      };
    }
  | {
      readonly contentStart: {
        readonly promptName: string;
        readonly contentName: string;
        readonly type: 'TEXT' | 'AUDIO' | 'TOOL';
        readonly interactive: boolean;
        readonly role: 'SYSTEM' | 'USER' | 'ASSISTANT' | 'TOOL';
        readonly textInputConfiguration?: WireTextConfig;
        readonly audioInputConfiguration?: {
          readonly mediaType: 'audio/lpcm';
          readonly sampleRateHertz: number;
          readonly sampleSizeBits: 16;
          readonly channelCount: 1;
          readonly audioType: 'SPEECH';
          readonly encoding: 'base64';
        };
        readonly toolResultInputConfiguration?: { readonly toolUseId: string; readonly type: 'TEXT'; readonly textInputConfiguration: WireTextConfig };
      };
    }
  | { readonly textInput: { readonly promptName: string; readonly contentName: string; readonly content: string } }
  | { readonly audioInput: { readonly promptName: string; readonly contentName: string; readonly content: string } }
  | { readonly toolResult: { readonly promptName: string; readonly contentName: string; readonly content: string } }
  | { readonly contentEnd: { readonly promptName: string; readonly contentName: string } }
  | { readonly promptEnd: { readonly promptName: string } }
  | { readonly sessionEnd: Record<string, never> };

/** Names of the input events. */
export type InputEventName = InputEvent extends infer E ? (E extends unknown ? keyof E : never) : never;

/** Fields every output event carries. */
interface OutputBase {
  readonly sessionId?: string;
  readonly promptName?: string;
  readonly completionId?: string;
}

/** Why a content block or a completion ended. */
export type StopReason = 'PARTIAL_TURN' | 'END_TURN' | 'INTERRUPTED' | 'TOOL_USE';

/** Token counts of a `usageEvent`. */
export interface WireTokenCounts {
  readonly input?: { readonly speechTokens?: number; readonly textTokens?: number };
  readonly output?: { readonly speechTokens?: number; readonly textTokens?: number };
}

/** Output events (model to client), each the only key of `event`. */
export interface OutputEvents {
  readonly completionStart: OutputBase;
  readonly contentStart: OutputBase & {
    readonly contentId: string;
    readonly type: 'TEXT' | 'AUDIO' | 'TOOL';
    readonly role: 'USER' | 'ASSISTANT' | 'TOOL';
    /** A JSON **string**, e.g. `{"generationStage":"SPECULATIVE"}` on TEXT blocks. */
    readonly additionalModelFields?: string;
    readonly audioOutputConfiguration?: { readonly sampleRateHertz?: number };
  };
  readonly textOutput: OutputBase & { readonly contentId?: string; readonly content: string; readonly role?: string };
  readonly audioOutput: OutputBase & { readonly contentId?: string; readonly content: string };
  readonly toolUse: OutputBase & { readonly contentId?: string; readonly toolName: string; readonly toolUseId: string; readonly content: string };
  readonly contentEnd: OutputBase & { readonly contentId: string; readonly type?: string; readonly stopReason?: StopReason };
  readonly completionEnd: OutputBase & { readonly stopReason?: StopReason };
  readonly usageEvent: OutputBase & {
    readonly details?: { readonly delta?: WireTokenCounts; readonly total?: WireTokenCounts };
    readonly totalInputTokens?: number;
    readonly totalOutputTokens?: number;
    readonly totalTokens?: number;
  };
}

/** A decoded output event: its name and body. */
export type OutputEvent = { [K in keyof OutputEvents]: { readonly name: K; readonly body: OutputEvents[K] } }[keyof OutputEvents];

/** The exact text the model sends when the user barged in (§3.3; spacing as documented). */
export const INTERRUPTED_SIGNAL = '{ "interrupted" : true }';

/** Whether a text output is the barge-in signal (whitespace-insensitive, in case the spacing changes). */
export function isInterruptedSignal(content: string): boolean {
  return content.replace(/\s+/g, '') === '{"interrupted":true}';
}

const utf8 = new TextDecoder();

/**
 * Parses one output chunk. Returns `undefined` for bytes that are not `{"event": {name: body}}`: the caller
 * reports them.
 */
export function parseOutputEvent(bytes: Uint8Array): OutputEvent | { readonly name: 'unknown'; readonly eventName: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(bytes));
  } catch {
    return undefined;
  }
  const event = (parsed as { event?: unknown } | null)?.event;
  if (event === null || typeof event !== 'object') return undefined;
  const [name] = Object.keys(event);
  if (name === undefined) return undefined;
  const body = (event as Record<string, unknown>)[name];
  if (body === null || typeof body !== 'object') return undefined;
  if (!KNOWN_OUTPUT.has(name)) return { name: 'unknown', eventName: name };
  return { name, body } as OutputEvent;
}

const KNOWN_OUTPUT: ReadonlySet<string> = new Set(['completionStart', 'contentStart', 'textOutput', 'audioOutput', 'toolUse', 'contentEnd', 'completionEnd', 'usageEvent']);

/** The generation stage of an output TEXT block, from its `additionalModelFields` JSON string. */
export function generationStage(additionalModelFields: string | undefined): 'SPECULATIVE' | 'FINAL' | undefined {
  if (additionalModelFields === undefined) return undefined;
  try {
    const stage = (JSON.parse(additionalModelFields) as { generationStage?: unknown }).generationStage;
    return stage === 'SPECULATIVE' || stage === 'FINAL' ? stage : undefined;
  } catch {
    return undefined;
  }
}
