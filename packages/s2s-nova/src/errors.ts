/**
 * Typed errors of the Nova Sonic provider: the exceptions the Bedrock stream throws (protocol note §2, §5.6) mapped
 * to `S2SError`s with a stable `code`, the service's message, and whether the session recovers by opening a new
 * stream.
 *
 * @packageDocumentation
 */
import { S2SError } from '@voxframe/core';

/** The registered provider name. */
export const NOVA_SONIC_PROVIDER = 'nova';

/** How the session reacts to an error. */
export type NovaErrorDisposition =
  /** Open a new stream with the conversation replayed (model stream error, timeout, throttling, unavailable). */
  | 'retry'
  /** The session cannot go on (validation, access denied, unknown model). */
  | 'fatal';

interface ExceptionRule {
  readonly code: string;
  readonly disposition: NovaErrorDisposition;
  readonly advice: string;
}

/** Exception names (as the SDK names them) and what they mean for the session. */
const RULES: Readonly<Record<string, ExceptionRule>> = {
  ValidationException: { code: 'validation', disposition: 'fatal', advice: 'The request or an event was refused; check the configuration and the event order.' },
  ThrottlingException: { code: 'throttled', disposition: 'retry', advice: 'Bedrock throttled the stream; the session retries with backoff. Raise your quota if it persists.' },
  ModelStreamErrorException: { code: 'model_stream_error', disposition: 'retry', advice: 'The model failed mid-stream; the session resumes on a new stream with the conversation.' },
  ModelTimeoutException: { code: 'model_timeout', disposition: 'retry', advice: 'The model timed out (or the stream reached its time limit); the session resumes on a new stream.' },
  ServiceUnavailableException: { code: 'service_unavailable', disposition: 'retry', advice: 'Bedrock is unavailable; the session retries with backoff.' },
  InternalServerException: { code: 'internal_server_error', disposition: 'retry', advice: 'Bedrock failed internally; the session retries with backoff.' },
  ModelNotReadyException: { code: 'model_not_ready', disposition: 'retry', advice: 'The model is not ready yet; the session retries with backoff.' },
  ServiceQuotaExceededException: { code: 'quota_exceeded', disposition: 'fatal', advice: 'A Bedrock quota is exhausted; request a higher quota.' },
  AccessDeniedException: { code: 'access_denied', disposition: 'fatal', advice: 'The credentials may not invoke this model: enable model access in the Bedrock console and check the IAM policy.' },
  ResourceNotFoundException: { code: 'model_not_found', disposition: 'fatal', advice: 'The model is not available in this region; pick a region that offers Nova Sonic.' },
  ModelErrorException: { code: 'model_error', disposition: 'fatal', advice: 'The model refused the request.' },
  UnrecognizedClientException: { code: 'unauthorized', disposition: 'fatal', advice: 'The AWS credentials were refused; check them.' },
  InvalidSignatureException: { code: 'unauthorized', disposition: 'fatal', advice: 'The request signature was refused; check the secret key and the machine clock.' },
  CredentialsProviderError: { code: 'missing_credentials', disposition: 'fatal', advice: 'No AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, or extra.credentials.' },
};

/** A failure of the Bedrock stream, mapped from the SDK's exception. */
export class NovaSonicError extends S2SError {
  /** The exception's name as the SDK threw it (`ValidationException`, ...). */
  readonly exception: string;
  /** Whether the session goes on by opening a new stream. */
  readonly disposition: NovaErrorDisposition;
  /** The HTTP status, when the failure came before streaming. */
  readonly httpStatus?: number;

  constructor(exception: string, serviceMessage: string, rule: ExceptionRule, options: { cause?: unknown; httpStatus?: number } = {}) {
    super(NOVA_SONIC_PROVIDER, rule.code, `${exception}: ${serviceMessage} ${rule.advice}`, {
      recoverable: rule.disposition === 'retry',
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      details: { exception, ...(options.httpStatus === undefined ? {} : { httpStatus: options.httpStatus }) },
    });
    this.exception = exception;
    this.disposition = rule.disposition;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
  }
}

/** Maps anything the SDK threw to a {@link NovaSonicError} (unknown errors are retried: most are network failures). */
export function toNovaError(error: unknown): NovaSonicError {
  if (error instanceof NovaSonicError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const httpStatus = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const rule = RULES[name] ?? { code: 'stream_failed', disposition: 'retry', advice: 'The stream failed; the session resumes on a new stream.' };
  return new NovaSonicError(name, message, rule, { cause: error, ...(httpStatus === undefined ? {} : { httpStatus }) });
}

/** The stream ended without `completionEnd` and without our `sessionEnd`: a failure, though the SDK says nothing (§2). */
export function droppedStreamError(): NovaSonicError {
  return new NovaSonicError('StreamDropped', 'the response stream ended without completionEnd.', {
    code: 'stream_dropped',
    disposition: 'retry',
    advice: 'The session resumes on a new stream with the conversation replayed.',
  });
}

/** A connection-level failure of the session itself (reconnects exhausted, backlog overflow, ...). */
export function sessionError(code: string, message: string, recoverable: boolean, cause?: unknown): S2SError {
  return new S2SError(NOVA_SONIC_PROVIDER, code, message, cause === undefined ? { recoverable } : { recoverable, cause });
}
