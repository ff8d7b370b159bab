/**
 * Typed errors of the `gemini_live` provider. The service reports errors only as WebSocket close codes with a
 * reason text (https://ai.google.dev/api/live): 1007 invalid argument, 1008 not found or policy, 1011 internal.
 *
 * @packageDocumentation
 */
import { S2SError } from '@voxframe/core';
import { GEMINI_LIVE_PROVIDER } from './names';

/** Close codes the service uses, and what the session does with them. */
export type GeminiCloseDisposition = 'normal' | 'fatal' | 'retry';

/** What to do with a close code: 1007/1008 are fatal (retrying sends the same bad request), 1011 and drops are retried. */
export function closeDisposition(code: number): GeminiCloseDisposition {
  if (code === 1000) return 'normal';
  if (code === 1007 || code === 1008 || code === 1003 || code === 1002) return 'fatal';
  return 'retry';
}

const ADVICE: Readonly<Record<number, string>> = {
  1007: 'The service rejected a request field or the API key: check extra.api_key, the model name and the settings (voice, tools, transcription) against the Gemini Live docs.',
  1008: 'The service does not know the model or method, or the feature is not enabled: check config.model and extra.api_version (the Live API is on v1beta).',
  1011: 'The service failed internally or a quota was hit; the session retries. If it persists, check your quota in Google AI Studio.',
};

/** The service closed the connection with an error code. `closeCode` and the service's `reason` are kept. */
export class GeminiLiveError extends S2SError {
  /** The WebSocket close code (1007, 1008, 1011, ...). */
  readonly closeCode: number;
  /** The service's reason text. */
  readonly reason: string;

  constructor(closeCode: number, reason: string, recoverable = closeDisposition(closeCode) === 'retry') {
    const advice = ADVICE[closeCode] ?? 'The connection ended unexpectedly; the session retries with backoff.';
    super(GEMINI_LIVE_PROVIDER, codeFor(closeCode), `the service closed the connection (${closeCode}${reason === '' ? '' : ` "${reason}"`}). ${advice}`, {
      recoverable,
      details: { closeCode, reason },
    });
    this.closeCode = closeCode;
    this.reason = reason;
  }
}

function codeFor(closeCode: number): string {
  switch (closeCode) {
    case 1007:
      return 'invalid_argument';
    case 1008:
      return 'not_found_or_policy';
    case 1011:
      return 'internal';
    default:
      return 'connection_lost';
  }
}

/** A connection-level failure (`connect_timeout`, `connection_failed`, `aborted`, `unauthorized`, ...). */
export function connectionError(code: string, message: string, recoverable: boolean, cause?: unknown): S2SError {
  return new S2SError(GEMINI_LIVE_PROVIDER, code, message, { recoverable, ...(cause === undefined ? {} : { cause }) });
}
