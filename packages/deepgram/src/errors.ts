/**
 * Typed errors of the Deepgram STT service: refused handshakes (HTTP status), close frames with Deepgram's error
 * codes (`DATA-0000`, `NET-0000`, `NET-0001`), and configuration mistakes. `recoverable` says whether a new
 * connection may help (dropped link, server error, idle timeout) or not (bad key, bad audio format, bad option).
 *
 * @packageDocumentation
 */
import { VoxframeError, type VoxframeErrorOptions } from '@voxframe/core';

/** Service name used in logs, metrics and error messages. */
export const DEEPGRAM_SERVICE = 'deepgram';

/** An error of the Deepgram service. */
export class DeepgramError extends VoxframeError {
  /** HTTP status of a refused handshake, or the WebSocket close code. */
  readonly status?: number;
  constructor(code: string, message: string, options: VoxframeErrorOptions & { readonly status?: number } = {}) {
    super(code, `${DEEPGRAM_SERVICE}: ${message}`, options);
    if (options.status !== undefined) this.status = options.status;
  }
}

/** Maps a refused WebSocket handshake to a typed error. `detail` is Deepgram's `dg-error` header, when present. */
export function handshakeError(status: number, detail: string | undefined): DeepgramError {
  const said = detail ? ` Deepgram said: ${detail}` : '';
  if (status === 401 || status === 403) {
    return new DeepgramError(
      'invalid_api_key',
      `the API key was refused (HTTP ${status}). Check DEEPGRAM_API_KEY or options.apiKey (create keys in the Deepgram console; ` +
        `a temporary token goes in options.accessToken instead).${said}`,
      { recoverable: false, status },
    );
  }
  if (status === 402) {
    return new DeepgramError('insufficient_credits', `the project has no credits left (HTTP 402). Add funds in the Deepgram console.${said}`, {
      recoverable: false,
      status,
    });
  }
  if (status === 429) {
    return new DeepgramError('rate_limited', `too many concurrent connections (HTTP 429); retry later or raise the project's limit.${said}`, {
      recoverable: true,
      status,
    });
  }
  if (status >= 500) {
    return new DeepgramError('server_error', `the service failed to open the stream (HTTP ${status}); a retry may help.${said}`, {
      recoverable: true,
      status,
    });
  }
  return new DeepgramError('bad_request', `the stream request was refused (HTTP ${status}); check the model, language and audio options.${said}`, {
    recoverable: false,
    status,
  });
}

/**
 * Maps an unexpected close frame to a typed error. Deepgram closes with 1008 and `DATA-0000` when it cannot decode
 * the audio (wrong encoding or rate: a retry sends the same audio, so it is fatal), and with 1011 and `NET-0000` /
 * `NET-0001` on an internal error or when no audio or KeepAlive arrived for 10 s (a new connection helps).
 */
export function closeError(code: number, reason: string): DeepgramError {
  const said = reason ? ` (${reason})` : '';
  if (code === 1008 || reason.startsWith('DATA-')) {
    return new DeepgramError('bad_audio', `Deepgram could not decode the audio${said}. Send PCM16 mono at the configured sampleRate.`, {
      recoverable: false,
      status: code,
    });
  }
  if (reason.startsWith('NET-0001')) {
    return new DeepgramError('idle_timeout', `no audio or KeepAlive reached Deepgram for 10 s${said}; reconnecting.`, { recoverable: true, status: code });
  }
  if (code === 1006) {
    return new DeepgramError('connection_lost', 'the connection dropped without a close frame; reconnecting.', { recoverable: true, status: code });
  }
  return new DeepgramError('server_error', `the service closed the stream with code ${code}${said}; reconnecting.`, { recoverable: true, status: code });
}
