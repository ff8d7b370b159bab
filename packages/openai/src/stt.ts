/**
 * `SttService` over the audio transcriptions endpoint, segmented per turn: audio is buffered while the user speaks
 * and transcribed in one request when the local VAD ends the turn (`finalize()`). Works with any compatible server
 * (Groq, a local whisper server, the emulator).
 *
 * @packageDocumentation
 */
import type OpenAI from 'openai';
import { toFile } from 'openai';
import { Subject } from 'rxjs';
import { silentLogger, type Logger, type SttCapabilities, type SttEvent, type SttService, type SttSession, type SttStartOptions } from '@voxframe/core';
import { createOpenAiClient, type OpenAiClientOptions } from './client';
import { OpenAiOptionsError, OpenAiServiceError, isAbort, toServiceError } from './errors';
import { encodeWav } from './pcm-bytes';

/** Options of {@link createOpenAiStt}. */
export interface OpenAiSttOptions extends OpenAiClientOptions {
  /** @defaultValue `'gpt-4o-mini-transcribe'` */
  readonly model?: string;
  /** ISO-639-1 language of the speech, to help accuracy and latency; omitted when unset. */
  readonly language?: string;
  /** Vocabulary or context hint; omitted when unset. */
  readonly prompt?: string;
  /**
   * Rate audio is sent at (the processor resamples to it). 16 kHz is what speech models use inside.
   * @defaultValue 16000
   */
  readonly sampleRate?: number;
  /**
   * Most audio one turn may buffer, in ms. Beyond it the oldest audio of the turn is dropped (reported once per
   * turn as a recoverable error): a turn that long means the VAD never saw the user stop.
   * @defaultValue 120000
   */
  readonly maxTurnMs?: number;
}

/** Defaults of {@link OpenAiSttOptions}. */
export const openAiSttDefaults = {
  model: 'gpt-4o-mini-transcribe',
  sampleRate: 16000,
  maxTurnMs: 120_000,
} as const satisfies Partial<OpenAiSttOptions>;

/** Audio transcriptions as a segmented {@link SttService}. Create it with {@link createOpenAiStt}. */
export class OpenAiStt implements SttService {
  readonly name = 'openai';
  readonly sampleRate: number;
  readonly capabilities: SttCapabilities = { interim: false, segmented: true, endpointing: false };
  readonly model: string;
  readonly #client: OpenAI;
  readonly #options: OpenAiSttOptions;

  constructor(options: OpenAiSttOptions = {}) {
    this.sampleRate = options.sampleRate ?? openAiSttDefaults.sampleRate;
    if (!(Number.isInteger(this.sampleRate) && this.sampleRate > 0)) throw new OpenAiOptionsError(`sampleRate must be a positive integer, got ${this.sampleRate}.`);
    this.model = options.model ?? openAiSttDefaults.model;
    this.#options = options;
    this.#client = createOpenAiClient(options);
  }

  start(options: SttStartOptions = {}): Promise<SttSession> {
    return Promise.resolve(new SegmentedSttSession(this.#client, this.model, this.sampleRate, this.#options, options.logger ?? silentLogger()));
  }
}

/** One segmented session: buffers a turn, transcribes it on `finalize()`. Requests run one at a time, in order. */
class SegmentedSttSession implements SttSession {
  readonly #events = new Subject<SttEvent>();
  readonly events = this.#events.asObservable();
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #rate: number;
  readonly #options: OpenAiSttOptions;
  readonly #logger: Logger;
  readonly #maxSamples: number;
  readonly #abort = new AbortController();
  #chunks: Int16Array[] = [];
  #samples = 0;
  #sentSamples = 0;
  #overflowReported = false;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(client: OpenAI, model: string, rate: number, options: OpenAiSttOptions, logger: Logger) {
    this.#client = client;
    this.#model = model;
    this.#rate = rate;
    this.#options = options;
    this.#logger = logger;
    this.#maxSamples = Math.round(((options.maxTurnMs ?? openAiSttDefaults.maxTurnMs) * rate) / 1000);
  }

  sendAudio(samples: Int16Array): void {
    if (this.#closed || samples.length === 0) return;
    // The caller's array may be a pooled view: keep a copy.
    this.#chunks.push(samples.slice());
    this.#samples += samples.length;
    while (this.#samples > this.#maxSamples && this.#chunks.length > 1) {
      this.#samples -= (this.#chunks.shift() as Int16Array).length;
      if (!this.#overflowReported) {
        this.#overflowReported = true;
        const error = new OpenAiServiceError('stt', 'turn_too_long', `a turn exceeded maxTurnMs (${this.#options.maxTurnMs ?? openAiSttDefaults.maxTurnMs} ms); its oldest audio was dropped. Check that a VAD ends turns.`, { recoverable: true });
        this.#events.next({ type: 'error', error, recoverable: true });
      }
    }
  }

  finalize(): void {
    if (this.#closed) return;
    const chunks = this.#chunks;
    const startMs = (this.#sentSamples / this.#rate) * 1000;
    this.#sentSamples += this.#samples;
    const endMs = (this.#sentSamples / this.#rate) * 1000;
    this.#chunks = [];
    this.#samples = 0;
    this.#overflowReported = false;
    this.#queue = this.#queue.then(() => this.#transcribe(chunks, startMs, endMs));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    await this.#queue;
    this.#events.next({ type: 'closed', reason: 'closed by the client' });
    this.#events.complete();
  }

  async #transcribe(chunks: Int16Array[], startMs: number, endMs: number): Promise<void> {
    if (this.#closed) return;
    if (chunks.length === 0) {
      this.#events.next({ type: 'transcript', text: '', final: true, fromFinalize: true, startMs, endMs });
      return;
    }
    try {
      const file = await toFile(encodeWav(chunks, this.#rate), 'turn.wav', { type: 'audio/wav' });
      const result = await this.#client.audio.transcriptions.create(
        {
          file,
          model: this.#model,
          response_format: 'json',
          ...(this.#options.language === undefined ? {} : { language: this.#options.language }),
          ...(this.#options.prompt === undefined ? {} : { prompt: this.#options.prompt }),
        },
        { signal: this.#abort.signal },
      );
      const text = (result as { text?: unknown }).text;
      if (typeof text !== 'string') throw new OpenAiServiceError('stt', 'bad_response', 'the transcription response has no text field.', { recoverable: true });
      if (this.#closed) return;
      this.#events.next({ type: 'transcript', text: text.trim(), final: true, fromFinalize: true, startMs, endMs });
    } catch (error) {
      if (this.#closed || isAbort(error, this.#abort.signal)) return;
      const typed = toServiceError('stt', error);
      this.#logger.warn({ code: typed.code }, 'transcription request failed');
      this.#events.next({ type: 'error', error: typed, recoverable: true });
      // The turn is over either way: answer the finalize so the pipeline does not wait for a transcript.
      this.#events.next({ type: 'transcript', text: '', final: true, fromFinalize: true, startMs, endMs });
    }
  }
}

/**
 * Creates an OpenAI-compatible, per-turn STT (transcriptions endpoint).
 *
 * @example
 * ```ts
 * const stt = createOpenAiStt({ model: 'whisper-large-v3-turbo', baseURL: 'https://api.groq.com/openai/v1' });
 * ```
 */
export function createOpenAiStt(options: OpenAiSttOptions = {}): OpenAiStt {
  return new OpenAiStt(options);
}
