/**
 * What the emulator answers: scripted replies per endpoint, consumed in order.
 *
 * @packageDocumentation
 */

/** An error answered the way the OpenAI API shapes them: `{ error: { message, type, param, code } }`. */
export interface EmulatedError {
  /** HTTP status. */
  readonly status: number;
  readonly message: string;
  /** @defaultValue `'invalid_request_error'` for 4xx, `'server_error'` for 5xx */
  readonly type?: string;
  readonly code?: string | null;
  readonly param?: string | null;
}

/** A tool call in a scripted chat reply. */
export interface EmulatedToolCall {
  readonly name: string;
  /** JSON text, sent in a few fragments like the real service does. */
  readonly arguments: string;
  /** @defaultValue `call_<n>` */
  readonly id?: string;
}

/** One scripted chat completion. */
export interface ChatReply {
  /** Text deltas, in order (a string is split into word-sized deltas). */
  readonly text?: string | readonly string[];
  /** Tool calls, streamed after the text. */
  readonly toolCalls?: readonly EmulatedToolCall[];
  /** Answer with this error instead (before any chunk). */
  readonly error?: EmulatedError;
  /** Stop after this many text deltas and keep the response open until the client aborts (interruption tests). */
  readonly stallAfterDeltas?: number;
  /** Break the stream: `'bad-json'` sends an unparseable chunk; `'cut'` destroys the socket mid-stream. */
  readonly malformed?: 'bad-json' | 'cut';
  /** Delay before each chunk, in ms (real time). @defaultValue 0 */
  readonly chunkDelayMs?: number;
}

/** One scripted speech response. */
export interface SpeechReply {
  /**
   * Audio length in ms. @defaultValue 60 ms per character of the input (roughly speech rate)
   */
  readonly durationMs?: number;
  /** Bytes per HTTP chunk (odd sizes test sample reassembly). @defaultValue 4800 (100 ms at 24 kHz) */
  readonly chunkBytes?: number;
  /** Answer with this error instead. */
  readonly error?: EmulatedError;
  /** Stop after this many chunks and keep the response open until the client aborts. */
  readonly stallAfterChunks?: number;
  /** Delay before each chunk, in ms (real time). @defaultValue 0 */
  readonly chunkDelayMs?: number;
}

/** One scripted transcription. */
export interface TranscriptionReply {
  readonly text?: string;
  readonly error?: EmulatedError;
  /** Delay before answering, in ms (real time). @defaultValue 0 */
  readonly delayMs?: number;
}

/** A script for one endpoint: replies consumed in order, then `fallback` (or a default) for every later request. */
export class ReplyQueue<R> {
  #replies: R[] = [];
  #head = 0;
  /** Answer when the queue is empty. */
  fallback: R;

  constructor(fallback: R) {
    this.fallback = fallback;
  }

  /** Adds replies to the end of the queue. */
  push(...replies: R[]): this {
    this.#replies.push(...replies);
    return this;
  }

  /** Replies not yet consumed. */
  get pending(): number {
    return this.#replies.length - this.#head;
  }

  /** Takes the next reply. */
  next(): R {
    if (this.#head < this.#replies.length) return this.#replies[this.#head++];
    return this.fallback;
  }
}

/** A request the emulator received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Parsed JSON body, or for multipart uploads the text fields plus `fileBytes`. */
  readonly body: Record<string, unknown>;
  /** The `Authorization` header, as sent. */
  readonly authorization?: string;
}
