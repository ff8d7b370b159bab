/**
 * Options of the Anthropic LLM service and their defaults.
 *
 * @packageDocumentation
 */
import type Anthropic from '@anthropic-ai/sdk';

/** Options of {@link createAnthropicLlm}. */
export interface AnthropicLlmOptions {
  /** API key. @defaultValue `process.env.ANTHROPIC_API_KEY` (read by the official client) */
  readonly apiKey?: string;
  /** Bearer token instead of a key. @defaultValue `process.env.ANTHROPIC_AUTH_TOKEN` when no key is set */
  readonly authToken?: string;
  /** API origin; the emulator's `url` in tests. @defaultValue `process.env.ANTHROPIC_BASE_URL` or `'https://api.anthropic.com'` */
  readonly baseUrl?: string;
  /** Model id. @defaultValue `'claude-haiku-4-5'` (the fastest to first token, for voice) */
  readonly model?: string;
  /** Upper bound on generated tokens when the request gives none (the API requires one). @defaultValue `1024` */
  readonly maxTokens?: number;
  /**
   * Retries inside the official client (it retries 408, 409, 429 and 5xx with backoff). In a voice turn a retry is
   * silent latency, so the default leaves retrying to the caller's failover. @defaultValue `0`
   */
  readonly maxRetries?: number;
  /** Request timeout. @defaultValue `30000` */
  readonly timeoutMs?: number;
  /**
   * Send `LlmRequest.temperature`. The API version the 1.x client sends (`2026-10-21`) rejects sampling parameters
   * with a 400, so they are dropped unless you turn this on for a server that takes them. @defaultValue `false`
   */
  readonly sendTemperature?: boolean;
  /** A configured official client to use instead of building one (then the options above except `model`, `maxTokens` and `sendTemperature` are ignored). */
  readonly client?: Anthropic;
}

/** Defaults of {@link AnthropicLlmOptions}. */
export const anthropicLlmDefaults = {
  model: 'claude-haiku-4-5',
  maxTokens: 1024,
  maxRetries: 0,
  timeoutMs: 30_000,
  sendTemperature: false,
} as const satisfies AnthropicLlmOptions;
