/**
 * Deterministic usage for `response.done` (protocol note §12, §14.9), so tests can assert accounting: one token
 * per 50 ms of audio, one text token per 4 characters, and as cached input the previous response's input rounded
 * down to 64 tokens (the prefix of the conversation the service would have cached).
 *
 * @packageDocumentation
 */

/** The `usage` object of `response.done`. */
export interface EmittedUsage {
  readonly total_tokens: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly input_token_details: {
    readonly text_tokens: number;
    readonly audio_tokens: number;
    readonly image_tokens: number;
    readonly cached_tokens: number;
    readonly cached_tokens_details: { readonly text_tokens: number; readonly audio_tokens: number; readonly image_tokens: number };
  };
  readonly output_token_details: { readonly text_tokens: number; readonly audio_tokens: number };
}

/** Tokens of `ms` of audio. */
export function audioTokens(ms: number): number {
  return Math.ceil(ms / 50);
}

/** Tokens of a text. */
export function textTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Computes a response's usage. */
export function computeUsage(
  input: { readonly textTokens: number; readonly audioTokens: number },
  output: { readonly audioMs: number; readonly text: string; readonly audio: boolean },
  previousInputTokens: number,
): EmittedUsage {
  const inputTokens = input.textTokens + input.audioTokens;
  const cached = Math.min(inputTokens, Math.floor(previousInputTokens / 64) * 64);
  const cachedText = Math.min(cached, input.textTokens);
  const outText = textTokens(output.text);
  const outAudio = output.audio ? audioTokens(output.audioMs) : 0;
  return {
    total_tokens: inputTokens + outText + outAudio,
    input_tokens: inputTokens,
    output_tokens: outText + outAudio,
    input_token_details: {
      text_tokens: input.textTokens,
      audio_tokens: input.audioTokens,
      image_tokens: 0,
      cached_tokens: cached,
      cached_tokens_details: { text_tokens: cachedText, audio_tokens: cached - cachedText, image_tokens: 0 },
    },
    output_token_details: { text_tokens: outText, audio_tokens: outAudio },
  };
}
