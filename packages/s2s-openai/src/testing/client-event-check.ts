/**
 * The emulator's own checks of client events (protocol note §14.3): a JSON object with a known `type`, required
 * top-level fields of the right JSON type, no unknown top-level fields, and detection of the retired beta session
 * shape. Deep, field-by-field validation against the official SDK's types is plugged in through the emulator's
 * `validateClientEvent` option (the test suite generates JSON Schemas from the `openai` package for it).
 *
 * @packageDocumentation
 */

/** A problem with a client event, reported as the service does: `error.code` and `error.param`. */
export interface ClientEventIssue {
  /**
   * The service's code: `invalid_event`, `unknown_parameter`, `missing_required_parameter`, `invalid_type`,
   * `invalid_value`, or a specific one (`response_cancel_not_active`, `conversation_already_has_active_response`).
   */
  readonly code: string;
  /** Dotted path of the offending field, e.g. `session.audio.output.voice`. */
  readonly param: string | null;
  readonly message: string;
}

type JsonType = 'string' | 'number' | 'object' | 'array' | 'boolean';

interface EventShape {
  readonly required: Readonly<Record<string, JsonType>>;
  readonly optional: Readonly<Record<string, JsonType>>;
}

/** Top-level shapes of the GA client events (§5). */
const SHAPES: Readonly<Record<string, EventShape>> = {
  'session.update': { required: { session: 'object' }, optional: {} },
  'input_audio_buffer.append': { required: { audio: 'string' }, optional: {} },
  'input_audio_buffer.commit': { required: {}, optional: {} },
  'input_audio_buffer.clear': { required: {}, optional: {} },
  'output_audio_buffer.clear': { required: {}, optional: {} },
  'conversation.item.create': { required: { item: 'object' }, optional: { previous_item_id: 'string' } },
  'conversation.item.retrieve': { required: { item_id: 'string' }, optional: {} },
  'conversation.item.truncate': { required: { item_id: 'string', content_index: 'number', audio_end_ms: 'number' }, optional: {} },
  'conversation.item.delete': { required: { item_id: 'string' }, optional: {} },
  'response.create': { required: {}, optional: { response: 'object' } },
  'response.cancel': { required: {}, optional: { response_id: 'string' } },
};

/** Known GA client event types. */
export const GA_CLIENT_EVENT_TYPES: readonly string[] = Object.keys(SHAPES);

/** Session fields that exist only in the retired beta shape (§9). */
const BETA_SESSION_FIELDS: readonly string[] = [
  'modalities',
  'voice',
  'input_audio_format',
  'output_audio_format',
  'turn_detection',
  'input_audio_transcription',
  'input_audio_noise_reduction',
  'temperature',
  'max_response_output_tokens',
  'speed',
];

/** Checks a parsed client event; returns the first problem, or `undefined`. */
export function checkClientEvent(value: unknown): ClientEventIssue | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { code: 'invalid_event', param: null, message: 'The event must be a JSON object.' };
  }
  const event = value as Record<string, unknown>;
  if (event.type === undefined) return { code: 'invalid_event', param: null, message: "The 'type' field is missing." };
  if (typeof event.type !== 'string') return { code: 'invalid_type', param: 'type', message: "The 'type' field must be a string." };
  const shape = SHAPES[event.type];
  if (shape === undefined) {
    return {
      code: 'invalid_value',
      param: 'type',
      message: `Invalid value: '${event.type}'. Supported values are: ${GA_CLIENT_EVENT_TYPES.map((t) => `'${t}'`).join(', ')}.`,
    };
  }
  if (event.event_id !== undefined && (typeof event.event_id !== 'string' || event.event_id.length > 512)) {
    return { code: 'invalid_value', param: 'event_id', message: "'event_id' must be a string of at most 512 characters." };
  }
  for (const field of Object.keys(shape.required)) {
    if (event[field] === undefined) return { code: 'missing_required_parameter', param: field, message: `Missing required parameter: '${field}'.` };
  }
  for (const [field, fieldValue] of Object.entries(event)) {
    if (field === 'type' || field === 'event_id') continue;
    const type = shape.required[field] ?? shape.optional[field];
    if (type === undefined) return { code: 'unknown_parameter', param: field, message: `Unknown parameter: '${field}'.` };
    if (jsonType(fieldValue) !== type) {
      return { code: 'invalid_type', param: field, message: `Invalid type for '${field}': expected ${type}, got ${jsonType(fieldValue)}.` };
    }
  }
  return undefined;
}

/** Whether a `session.update` carries the retired beta shape: no `session.type`, or beta-only fields (§9). */
export function isBetaSessionShape(session: Readonly<Record<string, unknown>>): boolean {
  if (session.type === undefined) return true;
  return BETA_SESSION_FIELDS.some((field) => session[field] !== undefined);
}

function jsonType(value: unknown): JsonType | 'null' | 'undefined' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'object' || type === 'boolean' ? type : 'undefined';
}
