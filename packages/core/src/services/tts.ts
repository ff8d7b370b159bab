/**
 * The text-to-speech (TTS) service contract behind `ttsProcessor` (`@voxframe/processors`): text in, PCM16 at the
 * service's true rate out, with word or character timings where the service gives them, aborted by an
 * `AbortSignal`. Services that take text as a stream over one connection (ElevenLabs, Cartesia WebSockets) may also
 * implement {@link TtsService.connect}; the processor then streams LLM text in as it arrives.
 *
 * @packageDocumentation
 */
import type { Observable } from 'rxjs';
import type { VoxframeError } from '../errors';
import type { Logger } from '../logger';

/** When a word (or character run) is spoken, relative to the start of the utterance's audio. */
export interface WordTiming {
  readonly text: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** A piece of synthesized output. */
export type TtsChunk =
  /** Audio, PCM16 mono at `sampleRate` (the service's true rate). */
  | { readonly type: 'audio'; readonly samples: Int16Array; readonly sampleRate: number }
  /** Timings of words spoken so far (ms from the start of this synthesis' audio). */
  | { readonly type: 'timings'; readonly words: readonly WordTiming[] };

/** Options of {@link TtsService.synthesize} and {@link TtsService.connect}. */
export interface TtsOptions {
  /** Aborts synthesis at once (barge-in). */
  readonly signal: AbortSignal;
  /** Voice, overriding the service's configured one. */
  readonly voice?: string;
  /** Logger. @defaultValue a silent logger */
  readonly logger?: Logger;
}

/** Events of a {@link TtsStream}, each tagged with the context (utterance) it belongs to. */
export type TtsStreamEvent =
  | (TtsChunk & { readonly contextId: string })
  /** The context's text is fully spoken (after {@link TtsStream.flush}). */
  | { readonly type: 'done'; readonly contextId: string }
  /** A service error. With `recoverable: true` the stream goes on. */
  | { readonly type: 'error'; readonly error: VoxframeError; readonly recoverable: boolean; readonly contextId?: string }
  /** The stream ended; no more events follow. */
  | { readonly type: 'closed'; readonly reason: string };

/**
 * A streaming-input TTS connection: text goes in as the LLM produces it, under a context id per assistant utterance
 * (the service keeps prosody across the sentences of one context).
 */
export interface TtsStream {
  /** Every event, in order. Hot. Completes when the stream is closed. */
  readonly events: Observable<TtsStreamEvent>;
  /** Appends text to a context (opening it on first use). */
  sendText(contextId: string, text: string): void;
  /** No more text for this context: speak what is buffered and end it with `done`. */
  flush(contextId: string): void;
  /** Drops a context at once (barge-in): no more audio of it is emitted. */
  cancel(contextId: string): void;
  /** Ends the connection. Safe to call twice. */
  close(): Promise<void>;
}

/** A configured TTS service. */
export interface TtsService {
  /** Service name for logs and metrics (`openai`, `elevenlabs`, `cartesia`, ...). */
  readonly name: string;
  /** Rate of the audio it produces. */
  readonly sampleRate: number;
  /** Synthesizes one piece of text (a sentence). Errors are thrown from the iterator as typed `VoxframeError`s. */
  synthesize(text: string, options: TtsOptions): AsyncIterable<TtsChunk>;
  /** Opens a streaming-input connection, where the service has one. */
  connect?(options: Omit<TtsOptions, 'signal'> & { readonly signal?: AbortSignal }): Promise<TtsStream>;
}
