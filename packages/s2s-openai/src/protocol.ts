/**
 * Typed wire messages of the OpenAI Realtime API, GA interface (`docs/protocols/openai-realtime.md` §5-§8).
 *
 * Client events are typed exactly as we send them (a test validates every one against JSON Schemas generated from
 * the official `openai` package's `RealtimeClientEvent`). Server events are typed loosely on purpose: the service
 * sends fields and nulls its own SDK types do not list (§1.3), so the client parses what it receives tolerantly and
 * reads only the fields it needs.
 *
 * @packageDocumentation
 */

/** `{type:"audio/pcm", rate:24000}` or G.711 (§4). */
export type WireAudioFormat = { type: 'audio/pcm'; rate: 24000 } | { type: 'audio/pcmu' } | { type: 'audio/pcma' };

/** Server VAD or semantic VAD turn detection (§3.3). `null` on the wire disables it. */
export type WireTurnDetection =
  | {
      type: 'server_vad';
      threshold?: number;
      prefix_padding_ms?: number;
      silence_duration_ms?: number;
      create_response?: boolean;
      interrupt_response?: boolean;
    }
  | {
      type: 'semantic_vad';
      eagerness?: 'low' | 'medium' | 'high' | 'auto';
      create_response?: boolean;
      interrupt_response?: boolean;
    };

/** A function tool, flat (not nested under `function` as in Chat Completions). */
export interface WireFunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters?: unknown;
}

/** `tool_choice` values. */
export type WireToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

/** The GA `session` object of `session.update` (`RealtimeSessionCreateRequest`), the fields we use. */
export interface WireSessionConfig {
  type: 'realtime';
  output_modalities?: ('audio' | 'text')[];
  instructions?: string;
  max_output_tokens?: number | 'inf';
  tools?: WireFunctionTool[];
  tool_choice?: WireToolChoice;
  audio?: {
    input?: {
      format?: WireAudioFormat;
      transcription?: { model: string; language?: string; prompt?: string };
      noise_reduction?: { type: 'near_field' | 'far_field' };
      turn_detection?: WireTurnDetection | null;
    };
    output?: {
      format?: WireAudioFormat;
      voice?: string | { id: string };
      speed?: number;
    };
  };
}

/** Content parts of items we create. */
export type WireContentPart =
  | { type: 'input_text'; text: string }
  | { type: 'output_text'; text: string };

/** Conversation items we create (§7). */
export type WireItem =
  | { id?: string; type: 'message'; role: 'system'; content: { type: 'input_text'; text: string }[] }
  | { id?: string; type: 'message'; role: 'user'; content: { type: 'input_text'; text: string }[] }
  | { id?: string; type: 'message'; role: 'assistant'; content: { type: 'output_text'; text: string }[] }
  | { id?: string; type: 'function_call'; call_id: string; name: string; arguments: string }
  | { id?: string; type: 'function_call_output'; call_id: string; output: string };

/** Every client event we send. */
export type ClientEvent =
  | { type: 'session.update'; event_id?: string; session: WireSessionConfig }
  | { type: 'input_audio_buffer.append'; event_id?: string; audio: string }
  | { type: 'input_audio_buffer.commit'; event_id?: string }
  | { type: 'input_audio_buffer.clear'; event_id?: string }
  | { type: 'conversation.item.create'; event_id?: string; previous_item_id?: string; item: WireItem }
  | { type: 'conversation.item.truncate'; event_id?: string; item_id: string; content_index: number; audio_end_ms: number }
  | { type: 'conversation.item.delete'; event_id?: string; item_id: string }
  | { type: 'response.create'; event_id?: string; response?: { instructions?: string } }
  | { type: 'response.cancel'; event_id?: string; response_id?: string };

/** The `type` names of {@link ClientEvent}. */
export type ClientEventType = ClientEvent['type'];

/** The `error` object of an `error` event (§11). All fields may be null or absent in practice. */
export interface WireError {
  readonly type?: string | null;
  readonly code?: string | null;
  readonly message?: string | null;
  readonly param?: string | null;
  readonly event_id?: string | null;
}

/** Usage of a response (§12); parsed tolerantly. */
export interface WireUsage {
  readonly total_tokens?: number;
  readonly input_tokens?: number;
  readonly output_tokens?: number;
  readonly input_token_details?: {
    readonly text_tokens?: number;
    readonly audio_tokens?: number;
    readonly image_tokens?: number;
    readonly cached_tokens?: number;
  } | null;
  readonly output_token_details?: { readonly text_tokens?: number; readonly audio_tokens?: number } | null;
}

/** An item as the server reports it (fields we read). */
export interface WireServerItem {
  readonly id?: string;
  readonly type?: string;
  readonly role?: string;
  readonly status?: string;
  readonly name?: string;
  readonly call_id?: string;
  readonly arguments?: string;
  readonly content?: readonly { readonly type?: string; readonly transcript?: string | null; readonly text?: string | null }[] | null;
}

/** A response object as the server reports it (fields we read). */
export interface WireResponse {
  readonly id?: string;
  readonly status?: string;
  readonly status_details?: {
    readonly type?: string;
    readonly reason?: string | null;
    readonly error?: WireError | null;
  } | null;
  readonly output?: readonly WireServerItem[] | null;
  readonly usage?: WireUsage | null;
}

/** One rate limit of `rate_limits.updated`. */
export interface WireRateLimit {
  readonly name?: string;
  readonly limit?: number;
  readonly remaining?: number;
  readonly reset_seconds?: number;
}

/**
 * A server event: always an object with a string `type`; the other fields we read are optional because the
 * client parses tolerantly (an event missing a field we need is logged and skipped, never a crash).
 */
export interface ServerEvent {
  readonly type: string;
  readonly event_id?: string;
  readonly item_id?: string;
  readonly response_id?: string;
  readonly output_index?: number;
  readonly content_index?: number;
  readonly call_id?: string;
  readonly name?: string;
  readonly arguments?: string;
  readonly delta?: string;
  readonly transcript?: string;
  readonly text?: string;
  readonly audio_start_ms?: number;
  readonly audio_end_ms?: number;
  readonly previous_item_id?: string | null;
  readonly item?: WireServerItem;
  readonly response?: WireResponse;
  readonly error?: WireError;
  readonly rate_limits?: readonly WireRateLimit[];
  readonly session?: { readonly id?: string; readonly model?: string; readonly expires_at?: number };
}

/**
 * Parses one text frame; returns `undefined` when it is not a JSON object with a string `type` (§1.3), or when a
 * top-level field it carries has the wrong type (a number `delta`, a string `response`).
 */
export function parseServerEvent(text: string): ServerEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.type !== 'string') return undefined;
  // Scalar fields of the wrong type would travel on as text or numbers the application relies on: reject the event.
  for (const key of STRING_FIELDS) if (record[key] !== undefined && record[key] !== null && typeof record[key] !== 'string') return undefined;
  for (const key of NUMBER_FIELDS) if (record[key] !== undefined && typeof record[key] !== 'number') return undefined;
  for (const key of OBJECT_FIELDS) if (record[key] !== undefined && (record[key] === null || typeof record[key] !== 'object' || Array.isArray(record[key]))) return undefined;
  return record as unknown as ServerEvent;
}

const STRING_FIELDS = ['event_id', 'item_id', 'response_id', 'call_id', 'name', 'arguments', 'delta', 'transcript', 'text', 'previous_item_id'] as const;
const NUMBER_FIELDS = ['output_index', 'content_index', 'audio_start_ms', 'audio_end_ms'] as const;
const OBJECT_FIELDS = ['item', 'response', 'error', 'session'] as const;
