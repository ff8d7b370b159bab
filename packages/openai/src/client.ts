/**
 * The official `openai` client, configured for a voice pipeline: a `baseURL` for any compatible server, and no
 * silent retries by default.
 *
 * @packageDocumentation
 */
import OpenAI from 'openai';
import { OpenAiOptionsError } from './errors';

/** Connection options shared by every service of this package. */
export interface OpenAiClientOptions {
  /**
   * API key, sent as `Authorization: Bearer`. Local servers (vLLM, Ollama, the emulator) accept any value.
   * @defaultValue `process.env.OPENAI_API_KEY`
   */
  readonly apiKey?: string;
  /**
   * Base URL of an OpenAI-compatible API: `https://api.groq.com/openai/v1`, `http://localhost:11434/v1` (Ollama),
   * `http://localhost:8000/v1` (vLLM), the emulator's `baseURL`.
   * @defaultValue `https://api.openai.com/v1`
   */
  readonly baseURL?: string;
  /**
   * Retries of the official client (408, 409, 429, 5xx) before an error is thrown. In a voice pipeline a retry is
   * silent latency (about 0.5-1 s each), so the default is none: the processor reports the error and the
   * application (or a failover) decides.
   * @defaultValue 0
   */
  readonly maxRetries?: number;
  /**
   * Request timeout in ms (the client's `timeout`).
   * @defaultValue 30000
   */
  readonly timeoutMs?: number;
  /** Extra headers on every request (Azure `api-key`, a gateway's routing header). */
  readonly defaultHeaders?: Readonly<Record<string, string>>;
  /** A client you configured yourself (Azure, a proxy agent); the options above are then ignored. */
  readonly client?: OpenAI;
}

/** Defaults of {@link OpenAiClientOptions}. */
export const openAiClientDefaults = {
  maxRetries: 0,
  timeoutMs: 30_000,
} as const satisfies OpenAiClientOptions;

/** Builds the client (or returns the one given). */
export function createOpenAiClient(options: OpenAiClientOptions): OpenAI {
  if (options.client !== undefined) return options.client;
  const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY;
  if ((apiKey === undefined || apiKey === '') && options.baseURL === undefined) {
    throw new OpenAiOptionsError('no API key. Set OPENAI_API_KEY, pass apiKey, or pass baseURL for a server that needs none.');
  }
  return new OpenAI({
    apiKey: apiKey === undefined || apiKey === '' ? 'not-needed' : apiKey,
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    maxRetries: options.maxRetries ?? openAiClientDefaults.maxRetries,
    timeout: options.timeoutMs ?? openAiClientDefaults.timeoutMs,
    ...(options.defaultHeaders === undefined ? {} : { defaultHeaders: { ...options.defaultHeaders } }),
  });
}
