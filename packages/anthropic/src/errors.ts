/**
 * Typed errors of the Anthropic LLM service. The official client throws its own classes (`AuthenticationError`,
 * `RateLimitError`, ..., a plain `APIError` with no status for an `error` event inside the stream, whose type is in
 * the body); {@link toAnthropicError} maps each to an {@link AnthropicLlmError} whose `recoverable` says whether a
 * retry or failover may help (rate limit, overload, server error, dropped connection) or not (key, request).
 *
 * @packageDocumentation
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import { VoxframeError, type VoxframeErrorOptions } from '@voxframe/core';

/** Service name used in logs, metrics and error messages. */
export const ANTHROPIC_SERVICE = 'anthropic';

/** An error of the Anthropic service. */
export class AnthropicLlmError extends VoxframeError {
  /** HTTP status, when the service answered with one. */
  readonly status?: number;
  /** Anthropic's error type (`overloaded_error`, `authentication_error`, ...), when known. */
  readonly errorType?: string;
  /** Anthropic's `request-id`, for support requests. */
  readonly requestId?: string;
  constructor(code: string, message: string, options: VoxframeErrorOptions & { status?: number; errorType?: string; requestId?: string } = {}) {
    super(code, `${ANTHROPIC_SERVICE}: ${message}`, options);
    if (options.status !== undefined) this.status = options.status;
    if (options.errorType !== undefined) this.errorType = options.errorType;
    if (options.requestId !== undefined) this.requestId = options.requestId;
  }
}

interface Kind {
  readonly code: string;
  readonly recoverable: boolean;
  readonly advice: string;
}

const BY_TYPE: Readonly<Record<string, Kind>> = {
  invalid_request_error: { code: 'bad_request', recoverable: false, advice: 'the request was refused; check the model id, messages and tools.' },
  authentication_error: {
    code: 'invalid_api_key',
    recoverable: false,
    advice: 'the API key was refused. Check ANTHROPIC_API_KEY or options.apiKey (keys are created in the Anthropic Console).',
  },
  billing_error: { code: 'billing', recoverable: false, advice: 'billing problem on the account; check the plan and credits in the Anthropic Console.' },
  permission_error: { code: 'permission_denied', recoverable: false, advice: 'the key may not use this model or feature.' },
  not_found_error: { code: 'not_found', recoverable: false, advice: 'not found; check the model id.' },
  request_too_large: { code: 'request_too_large', recoverable: false, advice: 'the request is too large; trim the conversation history.' },
  rate_limit_error: { code: 'rate_limited', recoverable: true, advice: 'rate limited; retry later or fail over.' },
  api_error: { code: 'server_error', recoverable: true, advice: 'internal server error; a retry or failover may help.' },
  overloaded_error: { code: 'overloaded', recoverable: true, advice: 'the service is overloaded; retry later or fail over.' },
};

const BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** Maps whatever the official client threw to an {@link AnthropicLlmError}. */
export function toAnthropicError(error: unknown): AnthropicLlmError {
  if (error instanceof AnthropicLlmError) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new AnthropicLlmError('timeout', 'the request timed out; raise options.timeoutMs or fail over.', { recoverable: true, cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new AnthropicLlmError('connection_failed', `could not reach the service (${error.message}); check baseUrl and the network.`, {
      recoverable: true,
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    // An `error` event inside the stream arrives with no status: its type is in the body (`{ type: 'error', error: { type } }`).
    const bodyType = (error.error as { error?: { type?: unknown } } | undefined)?.error?.type;
    const type = (typeof bodyType === 'string' ? bodyType : undefined) ?? error.type ?? (status !== undefined ? (BY_STATUS[status] ?? (status >= 500 ? 'api_error' : undefined)) : undefined);
    const kind: Kind = (type !== undefined ? BY_TYPE[type] : undefined) ?? { code: 'api_error', recoverable: status === undefined || status >= 500, advice: 'the service reported an error.' };
    const said = error.apiMessage ?? (error.error as { error?: { message?: unknown } } | undefined)?.error?.message;
    return new AnthropicLlmError(kind.code, `${kind.advice}${status !== undefined ? ` (HTTP ${status})` : ''}${typeof said === 'string' ? ` Anthropic said: ${said}` : ''}`, {
      recoverable: kind.recoverable,
      cause: error,
      ...(status !== undefined ? { status } : {}),
      ...(type ? { errorType: type } : {}),
      ...(error.requestID ? { requestId: error.requestID } : {}),
    });
  }
  // A connection dropped mid-stream surfaces as the runtime's `TypeError: terminated`.
  if (error instanceof TypeError && /terminated|fetch failed|other side closed/i.test(error.message)) {
    return new AnthropicLlmError('connection_lost', `the connection dropped mid-stream (${error.message}).`, { recoverable: true, cause: error });
  }
  return new AnthropicLlmError('internal', error instanceof Error ? error.message : String(error), { recoverable: true, cause: error });
}
