/**
 * Typed errors raised by transports. Each carries a stable `code`; none carries audio or secrets.
 *
 * @packageDocumentation
 */
import { VoxframeError, type VoxframeErrorOptions } from '@voxframe/core';

/** A peer sent something the wire protocol does not allow (bad JSON, unknown event, wrong field types). */
export class TransportProtocolError extends VoxframeError {
  /** Which transport saw it (`websocket`, `twilio`, `telnyx`). */
  readonly transport: string;
  constructor(transport: string, message: string, options: VoxframeErrorOptions = {}) {
    super('transport_protocol', `${transport}: ${message}`, { recoverable: true, ...options });
    this.transport = transport;
  }
}

/**
 * A message named another stream than the one this connection started (`streamSid` / `stream_id`). The message is
 * ignored (a foreign `stop` does not end the call); it counts as a protocol error.
 */
export class ForeignStreamError extends VoxframeError {
  constructor(transport: string, event: string, expected: string, got: string) {
    super('foreign_stream', `${transport}: a '${event}' message for stream ${got.slice(0, 40)} arrived on the connection of stream ${expected}; it was ignored. Check that each stream has its own WebSocket.`, {
      recoverable: true,
      details: { event, expected, got: got.slice(0, 40) },
    });
  }
}

/**
 * Media chunks arrived out of order: late ones were dropped, or the chunk counter jumped and the sequence was
 * resynchronised on the new number (the call goes on either way).
 */
export class MediaSequenceError extends VoxframeError {
  constructor(transport: string, message: string, details: Readonly<Record<string, unknown>>) {
    super('media_sequence', `${transport}: ${message}`, { recoverable: true, details });
  }
}

/** A message was larger than the configured limit. The connection is closed (WebSocket code 1009). */
export class PayloadTooLargeError extends VoxframeError {
  constructor(transport: string, limitBytes: number) {
    super('payload_too_large', `${transport}: a message exceeded ${limitBytes} bytes; the connection was closed (1009). Raise maxPayloadBytes if this is legitimate.`, {
      recoverable: false,
      details: { limitBytes },
    });
  }
}

/** The peer went away. With `recoverable: false` when it happened mid-session without a goodbye. */
export class ConnectionClosedError extends VoxframeError {
  constructor(transport: string, code: number, reason: string, options: VoxframeErrorOptions = {}) {
    super('connection_closed', `${transport}: connection closed (code ${code}${reason ? `, ${reason}` : ''}).`, {
      recoverable: false,
      ...options,
      details: { code, reason, ...options.details },
    });
  }
}

/** A WAV file could not be read or written. */
export class WavFileError extends VoxframeError {
  constructor(message: string, options: VoxframeErrorOptions = {}) {
    super('wav_file', message, { recoverable: false, ...options });
  }
}
