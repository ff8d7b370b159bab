/**
 * `TtsService` over the audio speech endpoint, streaming raw PCM (24 kHz PCM16 mono) as it is generated.
 *
 * @packageDocumentation
 */
import type OpenAI from 'openai';
import type { TtsChunk, TtsOptions, TtsService } from '@voxframe/core';
import { createOpenAiClient, type OpenAiClientOptions } from './client';
import { OpenAiOptionsError, OpenAiServiceError, isAbort, toServiceError } from './errors';
import { Pcm16Assembler } from './pcm-bytes';

/** Options of {@link createOpenAiTts}. */
export interface OpenAiTtsOptions extends OpenAiClientOptions {
  /** @defaultValue `'gpt-4o-mini-tts'` */
  readonly model?: string;
  /** @defaultValue `'alloy'` */
  readonly voice?: string;
  /** How to speak (tone, pace), for models that take instructions; omitted when unset. */
  readonly instructions?: string;
  /** 0.25-4; omitted when unset. */
  readonly speed?: number;
  /**
   * Rate of the `pcm` format the server returns. OpenAI's is 24000 (per its API reference); a compatible server
   * may differ.
   * @defaultValue 24000
   */
  readonly sampleRate?: number;
}

/** Defaults of {@link OpenAiTtsOptions}. */
export const openAiTtsDefaults = {
  model: 'gpt-4o-mini-tts',
  voice: 'alloy',
  sampleRate: 24000,
} as const satisfies Partial<OpenAiTtsOptions>;

/** Audio speech as a {@link TtsService}. Create it with {@link createOpenAiTts}. */
export class OpenAiTts implements TtsService {
  readonly name = 'openai';
  readonly sampleRate: number;
  readonly model: string;
  readonly voice: string;
  readonly #client: OpenAI;
  readonly #options: OpenAiTtsOptions;

  constructor(options: OpenAiTtsOptions = {}) {
    this.sampleRate = options.sampleRate ?? openAiTtsDefaults.sampleRate;
    if (!(Number.isInteger(this.sampleRate) && this.sampleRate > 0)) throw new OpenAiOptionsError(`sampleRate must be a positive integer, got ${this.sampleRate}.`);
    this.model = options.model ?? openAiTtsDefaults.model;
    this.voice = options.voice ?? openAiTtsDefaults.voice;
    this.#options = options;
    this.#client = createOpenAiClient(options);
  }

  async *synthesize(text: string, options: TtsOptions): AsyncIterable<TtsChunk> {
    let body: AsyncIterable<Uint8Array>;
    try {
      const response = await this.#client.audio.speech.create(
        {
          model: this.model,
          voice: options.voice ?? this.voice,
          input: text,
          // The API's default is mp3: ask for raw PCM explicitly.
          response_format: 'pcm',
          ...(this.#options.instructions === undefined ? {} : { instructions: this.#options.instructions }),
          ...(this.#options.speed === undefined ? {} : { speed: this.#options.speed }),
        },
        { signal: options.signal },
      );
      if (response.body === null) throw new OpenAiServiceError('tts', 'bad_response', 'the speech response has no body.', { recoverable: true });
      body = response.body as unknown as AsyncIterable<Uint8Array>;
    } catch (error) {
      if (isAbort(error, options.signal)) return;
      throw toServiceError('tts', error);
    }
    const pcm = new Pcm16Assembler();
    try {
      for await (const bytes of body) {
        const samples = pcm.push(bytes);
        if (samples.length > 0) yield { type: 'audio', samples, sampleRate: this.sampleRate };
      }
    } catch (error) {
      if (isAbort(error, options.signal) || options.signal.aborted) return;
      throw toServiceError('tts', error);
    }
    if (pcm.pending) options.logger?.warn('speech stream ended on half a sample; the last byte was dropped');
  }
}

/**
 * Creates an OpenAI-compatible TTS.
 *
 * @example
 * ```ts
 * const tts = createOpenAiTts({ voice: 'coral', instructions: 'Speak warmly and briskly.' });
 * ```
 */
export function createOpenAiTts(options: OpenAiTtsOptions = {}): OpenAiTts {
  return new OpenAiTts(options);
}
