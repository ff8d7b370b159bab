/**
 * The messages of Deepgram's live transcription WebSocket (`wss://api.deepgram.com/v1/listen`), as its API
 * reference describes them: binary audio and JSON control messages in, JSON results out.
 *
 * @packageDocumentation
 */

/** A word with its timing (seconds from the start of the connection's audio). */
export interface WireWord {
  readonly word: string;
  readonly start: number;
  readonly end: number;
  readonly confidence: number;
  readonly punctuated_word?: string;
  readonly language?: string;
}

/** A transcription result (`type: 'Results'`). */
export interface WireResults {
  readonly type: 'Results';
  readonly channel_index: readonly number[];
  /** Seconds of audio this result covers. */
  readonly duration: number;
  /** Seconds from the start of the connection's audio. */
  readonly start: number;
  /** The text of this span will not change any more. */
  readonly is_final?: boolean;
  /** Deepgram's endpointing detected the end of speech. */
  readonly speech_final?: boolean;
  /** This result answers a `Finalize` message. */
  readonly from_finalize?: boolean;
  readonly channel: {
    readonly alternatives: readonly {
      readonly transcript: string;
      readonly confidence: number;
      readonly languages?: readonly string[];
      readonly words: readonly WireWord[];
    }[];
  };
  readonly metadata: {
    readonly request_id: string;
    readonly model_uuid: string;
    readonly model_info: { readonly name: string; readonly version: string; readonly arch: string };
  };
}

/** Summary sent after `CloseStream` (`type: 'Metadata'`). */
export interface WireMetadata {
  readonly type: 'Metadata';
  readonly transaction_key: string;
  readonly request_id: string;
  readonly sha256: string;
  readonly created: string;
  readonly duration: number;
  readonly channels: number;
}

/** Silence after the last word lasted `utterance_end_ms` (`type: 'UtteranceEnd'`). */
export interface WireUtteranceEnd {
  readonly type: 'UtteranceEnd';
  readonly channel: readonly number[];
  readonly last_word_end: number;
}

/** Deepgram's VAD heard speech begin (`type: 'SpeechStarted'`, with `vad_events=true`). */
export interface WireSpeechStarted {
  readonly type: 'SpeechStarted';
  readonly channel: readonly number[];
  readonly timestamp: number;
}

/** Every message the service sends. */
export type WireServerMessage = WireResults | WireMetadata | WireUtteranceEnd | WireSpeechStarted;

/** The JSON control messages a client sends (as text frames; audio goes as binary frames). */
export type WireControlMessage = { readonly type: 'KeepAlive' } | { readonly type: 'Finalize'; readonly channel?: number } | { readonly type: 'CloseStream' };
