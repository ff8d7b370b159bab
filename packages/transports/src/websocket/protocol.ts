/**
 * The browser <-> server voice protocol over one WebSocket.
 *
 * - **Binary frames** carry audio: PCM16 little-endian, mono. Upwards at the rate the client announced in
 *   `hello`; downwards at the rate of the latest `audio.start`.
 * - **Text frames** carry JSON control messages, {@link ClientMessage} up and {@link ServerMessage} down.
 *
 * A session: the client sends `hello`; the server answers `ready`; then audio flows both ways. Before each bot
 * utterance the server sends `audio.start`; on barge-in it sends `flush` and the client drops its queue at once.
 * The client reports what it actually played with `played` (the playback clock).
 *
 * @packageDocumentation
 */

/** Version of this protocol; the client sends it in `hello`, the server answers with its own. */
export const VOICE_PROTOCOL_VERSION = 1;

/** First message of a session, from the client. */
export interface HelloMessage {
  readonly type: 'hello';
  /** Protocol version the client speaks. */
  readonly version: number;
  /** Rate of the PCM16 audio the client sends. */
  readonly sampleRate: number;
  /** Rate the client plays audio at (its AudioContext rate); the server sends audio at this rate. */
  readonly outputSampleRate?: number;
  /** Free-form client information (user agent, page), for logs. */
  readonly client?: string;
}

/** The client played part of an utterance (the playback clock). */
export interface PlayedMessage {
  readonly type: 'played';
  readonly utteranceId: string;
  /** Milliseconds of that utterance played so far. */
  readonly playedMs: number;
  /** The utterance finished playing, or was flushed. */
  readonly final: boolean;
}

/** Typed text from the user. */
export interface ClientTextMessage {
  readonly type: 'text';
  readonly text: string;
}

/** The user asked to interrupt the bot (a button, not speech). */
export interface ClientInterruptMessage {
  readonly type: 'interrupt';
}

/**
 * The client asks to switch the agent's mode or provider (a page's selector): becomes a `service.switch` frame that a
 * `serviceSwitcher` in the pipeline acts on. `target` is a branch name the server announced in `ready.agent.modes`.
 */
export interface ClientSwitchMessage {
  readonly type: 'switch';
  readonly target: string;
}

/** The client is leaving; the session ends gracefully. */
export interface ByeMessage {
  readonly type: 'bye';
}

/** Messages the client sends. */
export type ClientMessage = HelloMessage | PlayedMessage | ClientTextMessage | ClientInterruptMessage | ClientSwitchMessage | ByeMessage;

/** Answer to `hello`: the session is live. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly version: number;
  readonly sessionId: string;
  /** Rate the server expects audio at (echoes the client's). */
  readonly inputSampleRate: number;
  /** Rate the server sends audio at. */
  readonly outputSampleRate: number;
  /** Free-form description of the agent behind the session (shown by the demo page). */
  readonly agent?: Readonly<Record<string, string>>;
}

/** The binary frames that follow belong to this utterance, at this rate. */
export interface AudioStartMessage {
  readonly type: 'audio.start';
  readonly utteranceId: string;
  readonly sampleRate: number;
}

/** Drop every queued sample now (barge-in). */
export interface FlushMessage {
  readonly type: 'flush';
  readonly reason: string;
}

/** A transcript of user or bot speech. */
export interface ServerTranscriptMessage {
  readonly type: 'transcript';
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly final: boolean;
}

/** Text output of the bot. */
export interface ServerTextMessage {
  readonly type: 'text';
  readonly role: 'user' | 'assistant' | 'system';
  readonly text: string;
}

/** Something the page may show: speaking state, VAD decisions, metrics, latencies. */
export interface ServerEventMessage {
  readonly type: 'event';
  readonly name: string;
  /** Server clock (ms since the session started). */
  readonly atMs: number;
  readonly data?: Readonly<Record<string, string | number | boolean | null>>;
}

/** Something went wrong; `fatal` errors are followed by a close. */
export interface ServerErrorMessage {
  readonly type: 'error';
  readonly code: string;
  readonly message: string;
  readonly fatal: boolean;
}

/** The session ended on the server side; the socket closes after it. */
export interface EndMessage {
  readonly type: 'end';
  readonly reason: string;
}

/** Messages the server sends. */
export type ServerMessage =
  | ReadyMessage
  | AudioStartMessage
  | FlushMessage
  | ServerTranscriptMessage
  | ServerTextMessage
  | ServerEventMessage
  | ServerErrorMessage
  | EndMessage;

/** Outcome of {@link parseClientMessage}. */
export type VoiceMessageParse<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly reason: string };

const MAX_TEXT_CHARS = 4000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRate(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 8000 && value <= 192000;
}

/**
 * Parses and validates one JSON control message from a client. Never throws: garbage yields a reason that the
 * transport reports as a typed error.
 */
export function parseClientMessage(text: string): VoiceMessageParse<ClientMessage> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isRecord(value) || typeof value.type !== 'string') return { ok: false, reason: 'not an object with a string "type"' };
  switch (value.type) {
    case 'hello': {
      if (typeof value.version !== 'number') return { ok: false, reason: 'hello.version must be a number' };
      if (!isRate(value.sampleRate)) return { ok: false, reason: 'hello.sampleRate must be an integer rate in 8000..192000' };
      if (value.outputSampleRate !== undefined && !isRate(value.outputSampleRate)) {
        return { ok: false, reason: 'hello.outputSampleRate must be an integer rate in 8000..192000' };
      }
      const client = typeof value.client === 'string' ? value.client.slice(0, 200) : undefined;
      return {
        ok: true,
        message: {
          type: 'hello',
          version: value.version,
          sampleRate: value.sampleRate,
          ...(value.outputSampleRate !== undefined ? { outputSampleRate: value.outputSampleRate } : {}),
          ...(client !== undefined ? { client } : {}),
        },
      };
    }
    case 'played': {
      if (typeof value.utteranceId !== 'string' || value.utteranceId.length > 200) return { ok: false, reason: 'played.utteranceId must be a string' };
      if (typeof value.playedMs !== 'number' || !Number.isFinite(value.playedMs) || value.playedMs < 0) {
        return { ok: false, reason: 'played.playedMs must be a finite number >= 0' };
      }
      return { ok: true, message: { type: 'played', utteranceId: value.utteranceId, playedMs: value.playedMs, final: value.final === true } };
    }
    case 'text':
      if (typeof value.text !== 'string' || value.text.length > MAX_TEXT_CHARS) {
        return { ok: false, reason: `text.text must be a string of at most ${MAX_TEXT_CHARS} characters` };
      }
      return { ok: true, message: { type: 'text', text: value.text } };
    case 'interrupt':
      return { ok: true, message: { type: 'interrupt' } };
    case 'switch':
      if (typeof value.target !== 'string' || !/^[A-Za-z0-9_.:-]{1,100}$/.test(value.target)) {
        return { ok: false, reason: 'switch.target must be a branch name: 1-100 letters, digits, _ . : or -' };
      }
      return { ok: true, message: { type: 'switch', target: value.target } };
    case 'bye':
      return { ok: true, message: { type: 'bye' } };
    default:
      return { ok: false, reason: `unknown message type '${value.type.slice(0, 40)}'` };
  }
}
