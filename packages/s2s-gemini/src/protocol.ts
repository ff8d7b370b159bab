/**
 * Wire shapes of the Live API (BidiGenerateContent, https://ai.google.dev/api/live), as far as this provider uses
 * them, and parsing of server messages. JSON is proto3-JSON: camelCase names, enums as strings, int64 as strings,
 * durations as `"9.5s"`, and default values omitted.
 *
 * @packageDocumentation
 */

/** A part of a `Content`. */
export interface WirePart {
  text?: string;
  thought?: boolean;
  inlineData?: { mimeType?: string; data?: string };
  functionCall?: { id?: string; name?: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name?: string; response?: Record<string, unknown> };
}

/** A conversation turn. */
export interface WireContent {
  role?: 'user' | 'model';
  parts: WirePart[];
}

/** A function the model may call. Parameters go as standard JSON Schema (`parametersJsonSchema`). */
export interface WireFunctionDeclaration {
  name: string;
  description?: string;
  parametersJsonSchema?: unknown;
  behavior?: 'BLOCKING' | 'NON_BLOCKING';
}

/** `setup.realtimeInputConfig`. */
export interface WireRealtimeInputConfig {
  automaticActivityDetection?: {
    disabled?: boolean;
    startOfSpeechSensitivity?: 'START_SENSITIVITY_HIGH' | 'START_SENSITIVITY_LOW';
    endOfSpeechSensitivity?: 'END_SENSITIVITY_HIGH' | 'END_SENSITIVITY_LOW';
    prefixPaddingMs?: number;
    silenceDurationMs?: number;
  };
  activityHandling?: 'START_OF_ACTIVITY_INTERRUPTS' | 'NO_INTERRUPTION';
  turnCoverage?: 'TURN_INCLUDES_ONLY_ACTIVITY' | 'TURN_INCLUDES_ALL_INPUT';
}

/** The first client message. */
export interface WireSetup {
  model: string;
  generationConfig?: {
    responseModalities?: ('AUDIO' | 'TEXT')[];
    speechConfig?: { voiceConfig?: { prebuiltVoiceConfig?: { voiceName?: string } }; languageCode?: string };
    temperature?: number;
    maxOutputTokens?: number;
  };
  systemInstruction?: WireContent;
  tools?: { functionDeclarations: WireFunctionDeclaration[] }[];
  realtimeInputConfig?: WireRealtimeInputConfig;
  inputAudioTranscription?: Record<string, never>;
  outputAudioTranscription?: Record<string, never>;
  sessionResumption?: { handle?: string };
  contextWindowCompression?: { triggerTokens?: string; slidingWindow: { targetTokens?: string } };
  historyConfig?: { initialHistoryInClientContent?: boolean };
}

/** One function result. */
export interface WireFunctionResponse {
  id: string;
  name: string;
  response: Record<string, unknown>;
  scheduling?: 'SILENT' | 'WHEN_IDLE' | 'INTERRUPT';
}

/** Messages the client sends: exactly one key each. */
export type ClientMessage =
  | { setup: WireSetup }
  | { clientContent: { turns: WireContent[]; turnComplete?: boolean } }
  | {
      realtimeInput:
        | { audio: { mimeType: string; data: string } }
        | { text: string }
        | { audioStreamEnd: boolean }
        | { activityStart: Record<string, never> }
        | { activityEnd: Record<string, never> };
    }
  | { toolResponse: { functionResponses: WireFunctionResponse[] } }
  | { contextUpdate: { systemInstruction?: WireContent; tools?: { tools: { functionDeclarations: WireFunctionDeclaration[] }[] } } };

/** A transcription chunk. */
export interface WireTranscription {
  text?: string;
  finished?: boolean;
}

/** `serverContent`. */
export interface WireServerContent {
  modelTurn?: WireContent;
  generationComplete?: boolean;
  turnComplete?: boolean;
  interrupted?: boolean;
  inputTranscription?: WireTranscription;
  outputTranscription?: WireTranscription;
  waitingForInput?: boolean;
  turnCompleteReason?: string;
}

/** `usageMetadata` (int fields are plain numbers; zero fields are omitted). */
export interface WireUsageMetadata {
  promptTokenCount?: number;
  responseTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  promptTokensDetails?: { modality?: string; tokenCount?: number }[];
  responseTokensDetails?: { modality?: string; tokenCount?: number }[];
}

/** A server message: one payload key, plus `usageMetadata` optionally alongside. */
export interface ServerMessage {
  setupComplete?: { sessionId?: string };
  serverContent?: WireServerContent;
  toolCall?: { functionCalls?: { id?: string; name?: string; args?: Record<string, unknown> }[] };
  toolCallCancellation?: { ids?: string[] };
  goAway?: { timeLeft?: string };
  sessionResumptionUpdate?: { newHandle?: string; resumable?: boolean };
  usageMetadata?: WireUsageMetadata;
  voiceActivity?: { voiceActivityType?: string };
}

/**
 * Parses a server frame (UTF-8 JSON, binary or text); `undefined` when it is not a JSON object, or when a field the
 * client reads has the wrong shape (`parts` not an array, a number `text`, ...).
 */
export function parseServerMessage(data: string | Buffer): ServerMessage | undefined {
  try {
    const parsed: unknown = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
    return isRecord(parsed) && readable(parsed) ? (parsed as ServerMessage) : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const optional = (value: unknown, check: (v: unknown) => boolean): boolean => value === undefined || check(value);
const isString = (v: unknown): boolean => typeof v === 'string';
const recordWith = (check: (r: Record<string, unknown>) => boolean) => (v: unknown): boolean => isRecord(v) && check(v);
const arrayOf = (check: (v: unknown) => boolean) => (v: unknown): boolean => Array.isArray(v) && v.every(check);

const transcription = recordWith((t) => optional(t.text, isString));
const part = recordWith((p) => optional(p.text, isString) && optional(p.inlineData, recordWith((d) => optional(d.data, isString))));
const content = recordWith(
  (c) =>
    optional(c.modelTurn, recordWith((m) => optional(m.parts, arrayOf(part)))) &&
    optional(c.inputTranscription, transcription) &&
    optional(c.outputTranscription, transcription),
);

/** Whether the fields the client reads have the shapes it expects. */
function readable(message: Record<string, unknown>): boolean {
  return (
    optional(message.serverContent, content) &&
    optional(message.toolCall, recordWith((t) => optional(t.functionCalls, arrayOf(recordWith((f) => optional(f.id, isString) && optional(f.name, isString)))))) &&
    optional(message.toolCallCancellation, recordWith((t) => optional(t.ids, arrayOf(isString)))) &&
    optional(message.goAway, recordWith((g) => optional(g.timeLeft, isString))) &&
    optional(message.sessionResumptionUpdate, recordWith((u) => optional(u.newHandle, isString))) &&
    optional(message.usageMetadata, isRecord) &&
    optional(message.voiceActivity, isRecord)
  );
}

/** Milliseconds of a proto Duration string (`"50s"`, `"9.5s"`); `undefined` when unreadable. */
export function durationMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match === null ? undefined : Math.round(Number(match[1]) * 1000);
}
