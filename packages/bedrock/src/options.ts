/**
 * Options of the Bedrock LLM service and their defaults. Region and credentials are taken the way the Nova Sonic
 * provider takes them: `region`, else `AWS_REGION`, else `us-east-1`; explicit credentials, else the AWS SDK's
 * default provider chain; `baseUrl` overrides the endpoint.
 *
 * @packageDocumentation
 */
import type { BedrockRuntimeClient, BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';

/** AWS credentials (`{ accessKeyId, secretAccessKey, sessionToken? }`) or a credential provider, as the AWS SDK takes them. */
export type BedrockCredentials = NonNullable<BedrockRuntimeClientConfig['credentials']>;

/** Options of {@link createBedrockLlm}. */
export interface BedrockLlmOptions {
  /** AWS region. @defaultValue `process.env.AWS_REGION`, else `'us-east-1'` */
  readonly region?: string;
  /** AWS credentials or a credential provider. @defaultValue the AWS SDK's default provider chain */
  readonly credentials?: BedrockCredentials;
  /** Endpoint override (`https://` or cleartext `http://`): VPC endpoints, the emulator. @defaultValue the regional Bedrock Runtime endpoint */
  readonly baseUrl?: string;
  /** Model id or inference profile. @defaultValue `'amazon.nova-lite-v1:0'` */
  readonly modelId?: string;
  /** `inferenceConfig.maxTokens` when the request gives none. @defaultValue `1024` */
  readonly maxTokens?: number;
  /**
   * Attempts per request in the AWS SDK (it retries throttling and 5xx with backoff by default: silent latency in a
   * voice turn, so the default leaves retrying to failover). @defaultValue `1`
   */
  readonly maxAttempts?: number;
  /** A configured client to use instead of building one (region, credentials, baseUrl and maxAttempts are then ignored). */
  readonly client?: BedrockRuntimeClient;
}

/** Defaults of {@link BedrockLlmOptions}. */
export const bedrockLlmDefaults = {
  region: 'us-east-1',
  modelId: 'amazon.nova-lite-v1:0',
  maxTokens: 1024,
  maxAttempts: 1,
} as const satisfies BedrockLlmOptions;
