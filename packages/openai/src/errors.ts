/**
 * Typed errors of the OpenAI-compatible services: what the official client throws, mapped to `VoxframeError`s
 * with a stable `code` and whether a retry may help.
 *
 * @packageDocumentation
 */
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { UsageError, VoxframeError, type VoxframeErrorOptions } from '@voxframe/core';

/** Which service raised an error. */
export type OpenAiServiceKind = 'llm' | 'tts' | 'stt';

/**
 * A request to an OpenAI-compatible endpoint failed: the server answered with an error (its `code`, or
 * `http_<status>`), the connection dropped (`connection_error`), or the response could not be read (`bad_response`).
 * `recoverable` is `true` for rate limits, server errors and dropped connections.
 */
export class OpenAiServiceError extends VoxframeError {
  /** The service that failed. */
  readonly service: OpenAiServiceKind;
  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** The error class the server reported (`invalid_request_error`, `server_error`, ...). */
  readonly errorType?: string;

  constructor(service: OpenAiServiceKind, code: string, message: string, options: VoxframeErrorOptions & { status?: number; errorType?: string } = {}) {
    const { status, errorType, ...rest } = options;
    super(code, `openai ${service}: ${message}`, { ...rest, details: { service, status, errorType, ...rest.details } });
    this.service = service;
    if (status !== undefined) this.status = status;
    if (errorType !== undefined) this.errorType = errorType;
  }
}

/** The options of a service are wrong (no model, no API key and no base URL). */
export class OpenAiOptionsError extends UsageError {
  constructor(message: string) {
    super(`@voxframe/openai: ${message}`);
  }
}

/** Whether an error is the abort of a request we cancelled (barge-in), not a failure. */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return error instanceof APIUserAbortError || (signal?.aborted === true && error instanceof Error && error.name === 'AbortError');
}

/**
 * Maps what the official client (or the fetch runtime under it) threw to an {@link OpenAiServiceError}.
 * A dropped connection mid-stream surfaces as the runtime's `TypeError: terminated`, not an SDK class.
 */
export function toServiceError(service: OpenAiServiceKind, error: unknown): VoxframeError {
  if (error instanceof VoxframeError) return error;
  if (error instanceof APIConnectionError) {
    return new OpenAiServiceError(service, 'connection_error', `could not reach the server (${error.message}). Check baseURL and the network.`, {
      recoverable: true,
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const status = error.status;
    const code = error.code ?? (status === undefined ? 'api_error' : `http_${status}`);
    const recoverable = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
    const hint = status === 401 ? ' Check the API key.' : status === 404 ? ' Check the model name and baseURL.' : status === 429 ? ' Slow down or raise the quota.' : '';
    return new OpenAiServiceError(service, code, `${error.message}.${hint}`, {
      recoverable,
      cause: error,
      ...(status === undefined ? {} : { status }),
      ...(error.type === undefined ? {} : { errorType: error.type }),
    });
  }
  if (error instanceof TypeError && error.message === 'terminated') {
    return new OpenAiServiceError(service, 'connection_error', 'the connection dropped mid-response.', { recoverable: true, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new OpenAiServiceError(service, 'bad_response', `the response could not be read (${message}).`, { recoverable: true, cause: error });
}
