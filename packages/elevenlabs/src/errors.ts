/**
 * Typed errors of the ElevenLabs TTS service: refused handshakes, `{ message, error, code }` error messages the
 * service sends before closing, close codes, and configuration mistakes.
 *
 * @packageDocumentation
 */
import { VoxframeError, type VoxframeErrorOptions } from '@voxframe/core';

/** Service name used in logs, metrics and error messages. */
export const ELEVENLABS_SERVICE = 'elevenlabs';

/** An error of the ElevenLabs service. */
export class ElevenLabsTtsError extends VoxframeError {
  /** HTTP status of a refused handshake, or the close code. */
  readonly status?: number;
  constructor(code: string, message: string, options: VoxframeErrorOptions & { readonly status?: number } = {}) {
    super(code, `${ELEVENLABS_SERVICE}: ${message}`, options);
    if (options.status !== undefined) this.status = options.status;
  }
}

const AUTH_HINT = 'Check ELEVENLABS_API_KEY or options.apiKey (keys are created in the ElevenLabs settings).';

/** Maps a refused handshake. */
export function handshakeError(status: number, body: string): ElevenLabsTtsError {
  const said = body ? ` ElevenLabs said: ${body.slice(0, 200)}` : '';
  if (status === 401 || status === 403) return new ElevenLabsTtsError('invalid_api_key', `the API key was refused (HTTP ${status}). ${AUTH_HINT}${said}`, { recoverable: false, status });
  if (status === 404) return new ElevenLabsTtsError('voice_not_found', `no such voice or endpoint (HTTP 404); check voiceId.${said}`, { recoverable: false, status });
  if (status === 429) return new ElevenLabsTtsError('rate_limited', `too many concurrent requests (HTTP 429); retry later.${said}`, { recoverable: true, status });
  if (status >= 500) return new ElevenLabsTtsError('server_error', `the service failed to open the stream (HTTP ${status}).${said}`, { recoverable: true, status });
  return new ElevenLabsTtsError('bad_request', `the stream request was refused (HTTP ${status}); check modelId, sampleRate and languageCode.${said}`, { recoverable: false, status });
}

/** Maps an error message the service sent (`{ message, error, code }`). */
export function serviceError(wire: { readonly message?: unknown; readonly error?: unknown; readonly code?: unknown }): ElevenLabsTtsError {
  const kind = typeof wire.error === 'string' ? wire.error : 'error';
  const message = typeof wire.message === 'string' ? wire.message : 'the service reported an error';
  const status = typeof wire.code === 'number' ? wire.code : undefined;
  const extra = status === undefined ? {} : { status };
  if (/api[_ ]?key|unauthori[sz]ed|auth/i.test(kind) || /api key/i.test(message)) {
    return new ElevenLabsTtsError('invalid_api_key', `${message}. ${AUTH_HINT}`, { recoverable: false, ...extra });
  }
  if (/quota|credits|payment/i.test(kind)) return new ElevenLabsTtsError('quota_exceeded', `${message}. Check the plan's character quota.`, { recoverable: false, ...extra });
  if (kind === 'max_active_conversations') {
    return new ElevenLabsTtsError('too_many_contexts', `${message} (each connection allows 5 open contexts; flush or cancel finished ones).`, { recoverable: false, ...extra });
  }
  return new ElevenLabsTtsError(kind, message, { recoverable: true, ...extra });
}

/** Maps an unexpected close. */
export function closeError(code: number, reason: string): ElevenLabsTtsError {
  if (code === 1006) return new ElevenLabsTtsError('connection_lost', 'the connection dropped without a close frame.', { recoverable: true, status: code });
  if (code === 1008) return new ElevenLabsTtsError('policy_violation', `the service closed the stream: ${reason || 'policy violation'}.`, { recoverable: false, status: code });
  return new ElevenLabsTtsError('closed', `the service closed the stream with code ${code}${reason ? ` (${reason})` : ''}.`, { recoverable: true, status: code });
}
