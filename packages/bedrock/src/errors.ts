/**
 * Typed errors of the Bedrock LLM service: the AWS SDK's exceptions (thrown before the stream, or as exception
 * events inside it) and connection failures, each a {@link BedrockLlmError} whose `recoverable` says whether a retry
 * or failover may help.
 *
 * @packageDocumentation
 */
import { VoxframeError, type VoxframeErrorOptions } from '@voxframe/core';

/** Service name used in logs, metrics and error messages. */
export const BEDROCK_SERVICE = 'bedrock';

/** An error of the Bedrock service. */
export class BedrockLlmError extends VoxframeError {
  /** HTTP status, when known. */
  readonly status?: number;
  /** The AWS exception name (`ThrottlingException`, ...), when known. */
  readonly exception?: string;
  /** AWS request id, for support requests. */
  readonly requestId?: string;
  constructor(code: string, message: string, options: VoxframeErrorOptions & { status?: number; exception?: string; requestId?: string } = {}) {
    super(code, `${BEDROCK_SERVICE}: ${message}`, options);
    if (options.status !== undefined) this.status = options.status;
    if (options.exception !== undefined) this.exception = options.exception;
    if (options.requestId !== undefined) this.requestId = options.requestId;
  }
}

const CREDENTIALS = 'Check the AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE) or options.credentials.';

const KINDS: Readonly<Record<string, { code: string; recoverable: boolean; advice: string }>> = {
  UnrecognizedClientException: { code: 'invalid_credentials', recoverable: false, advice: `the credentials were refused. ${CREDENTIALS}` },
  InvalidSignatureException: { code: 'invalid_credentials', recoverable: false, advice: `the request signature was refused. ${CREDENTIALS}` },
  ExpiredTokenException: { code: 'invalid_credentials', recoverable: false, advice: `the session token expired. ${CREDENTIALS}` },
  CredentialsProviderError: { code: 'invalid_credentials', recoverable: false, advice: `no AWS credentials were found. ${CREDENTIALS}` },
  AccessDeniedException: {
    code: 'access_denied',
    recoverable: false,
    advice: 'access denied: the identity may not call bedrock:InvokeModelWithResponseStream on this model, or model access is not enabled in the Bedrock console.',
  },
  ValidationException: { code: 'bad_request', recoverable: false, advice: 'the request was refused; check the model id, messages and tools.' },
  ResourceNotFoundException: { code: 'model_not_found', recoverable: false, advice: 'no such model in this region; check modelId and region.' },
  ServiceQuotaExceededException: { code: 'quota_exceeded', recoverable: false, advice: 'a service quota is exceeded; request a quota increase.' },
  ThrottlingException: { code: 'rate_limited', recoverable: true, advice: 'throttled; retry later or fail over.' },
  ServiceUnavailableException: { code: 'unavailable', recoverable: true, advice: 'the service is unavailable; retry later or fail over.' },
  InternalServerException: { code: 'server_error', recoverable: true, advice: 'internal server error; a retry or failover may help.' },
  ModelStreamErrorException: { code: 'model_stream_error', recoverable: true, advice: 'the model failed mid-stream; a retry may help.' },
  ModelTimeoutException: { code: 'model_timeout', recoverable: true, advice: 'the model timed out; a retry may help.' },
  ModelNotReadyException: { code: 'model_not_ready', recoverable: true, advice: 'the model is not ready yet; retry shortly.' },
  ModelErrorException: { code: 'model_error', recoverable: true, advice: 'the model returned an error.' },
};

/** Maps whatever the AWS SDK threw to a {@link BedrockLlmError}. */
export function toBedrockError(error: unknown): BedrockLlmError {
  if (error instanceof BedrockLlmError) return error;
  const value = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number; requestId?: string } } | undefined;
  const name = value?.name ?? '';
  const status = value?.$metadata?.httpStatusCode;
  const requestId = value?.$metadata?.requestId;
  const said = value?.message ? ` AWS said: ${value.message}` : '';
  const kind = KINDS[name];
  const meta = { cause: error, ...(status !== undefined ? { status } : {}), ...(requestId ? { requestId } : {}), ...(name ? { exception: name } : {}) };
  if (kind) return new BedrockLlmError(kind.code, `${kind.advice}${said}`, { recoverable: kind.recoverable, ...meta });
  if (name === 'TimeoutError' || /ECONNREFUSED|ECONNRESET|ENOTFOUND|EPIPE|socket hang up|GOAWAY|stream/i.test(`${value?.code ?? ''} ${value?.message ?? ''}`)) {
    return new BedrockLlmError('connection_failed', `the connection failed (${value?.message ?? name}); check region, baseUrl and the network.`, { recoverable: true, ...meta });
  }
  if (status !== undefined && status >= 500) return new BedrockLlmError('server_error', `HTTP ${status}.${said}`, { recoverable: true, ...meta });
  return new BedrockLlmError('internal', value?.message ?? String(error), { recoverable: true, ...meta });
}
