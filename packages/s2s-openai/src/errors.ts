/**
 * Typed errors of the OpenAI Realtime provider: the service's `error` events (protocol note §11) and connection
 * failures, each an `S2SError` with a stable `code` and whether the session goes on.
 *
 * @packageDocumentation
 */
import { S2SError } from '@voxframe/core';
import { OPENAI_REALTIME_PROVIDER } from './config';
import type { WireError } from './protocol';

/** An `error` event from the service. `code` is the service's code (`invalid_value`, `session_expired`, ...). */
export class OpenAIRealtimeError extends S2SError {
  /** The service's error class, `invalid_request_error` or `server_error`. */
  readonly errorType: string;
  /** The field the service complained about, e.g. `session.audio.output.voice`. */
  readonly param?: string;
  /** The `event_id` of our client event that failed, when the service echoed it. */
  readonly clientEventId?: string;

  constructor(wire: WireError, recoverable: boolean) {
    const code = wire.code ?? wire.type ?? 'unknown_error';
    super(OPENAI_REALTIME_PROVIDER, code, wire.message ?? 'the service reported an error without a message', {
      recoverable,
      details: { errorType: wire.type ?? undefined, param: wire.param ?? undefined, clientEventId: wire.event_id ?? undefined },
    });
    this.errorType = wire.type ?? 'unknown';
    if (wire.param) this.param = wire.param;
    if (wire.event_id) this.clientEventId = wire.event_id;
  }
}

/** What the session does about an `error` event. */
export type ErrorDisposition =
  /** Report it; the session goes on (most request errors, §1.4). */
  | 'report'
  /** The session hit its maximum duration: rotate to a fresh one (§1.4, close 1001 follows). */
  | 'expired'
  /** The session cannot go on (retired beta interface, authentication). */
  | 'fatal';

const FATAL_CODES: ReadonlySet<string> = new Set(['beta_api_shape_disabled', 'invalid_api_key', 'insufficient_quota']);
const FATAL_TYPES: ReadonlySet<string> = new Set(['authentication_error', 'permission_error']);

/** Classifies an `error` event. */
export function errorDisposition(wire: WireError): ErrorDisposition {
  if (wire.code === 'session_expired') return 'expired';
  if ((wire.code && FATAL_CODES.has(wire.code)) || (wire.type && FATAL_TYPES.has(wire.type))) return 'fatal';
  return 'report';
}

/** A connection-level failure: handshake refused, timeout, dropped for good, unreadable server message. */
export function connectionError(code: string, message: string, recoverable: boolean, cause?: unknown): S2SError {
  return new S2SError(OPENAI_REALTIME_PROVIDER, code, message, cause === undefined ? { recoverable } : { recoverable, cause });
}
