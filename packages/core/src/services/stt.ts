/**
 * The speech-to-text (STT) service contract behind `sttProcessor` (`@voxframe/processors`). A service package
 * (Deepgram, OpenAI transcriptions, your own) implements {@link SttService}; the processor does the pipeline work
 * once for all of them: feeding audio at the service's rate, finalizing on the local VAD's end of turn, keepalive,
 * reconnecting without losing audio, metrics.
 *
 * @packageDocumentation
 */
import type { Observable } from 'rxjs';
import type { VoxframeError } from '../errors';
import type { Logger } from '../logger';

/** Options of {@link SttService.start}. */
export interface SttStartOptions {
  /** Aborts connecting. */
  readonly signal?: AbortSignal;
  /** Logger for the session. @defaultValue a silent logger */
  readonly logger?: Logger;
}

/** What an STT service can do, so the processor adapts instead of guessing. */
export interface SttCapabilities {
  /** Emits interim (partial) transcripts while the user speaks. */
  readonly interim: boolean;
  /**
   * Transcribes only on {@link SttSession.finalize} (a segmented, per-turn service such as an HTTP transcription
   * endpoint) rather than continuously.
   */
  readonly segmented: boolean;
  /** Detects the end of the user's speech itself (service endpointing); a local VAD may still finalize. */
  readonly endpointing: boolean;
}

/** Events of an {@link SttSession}. */
export type SttEvent =
  /**
   * A transcript. Interim events (`final: false`) carry the whole current hypothesis of the segment (replacing the
   * previous interim); a final event carries the segment's settled text. Several finals may make up one user turn.
   */
  | {
      readonly type: 'transcript';
      readonly text: string;
      readonly final: boolean;
      /** 0..1 where the service reports it. */
      readonly confidence?: number;
      /** BCP-47 language the service detected or used. */
      readonly language?: string;
      /** Segment start and end on the session's audio timeline (ms since the first sample sent). */
      readonly startMs?: number;
      readonly endMs?: number;
      /** `true` on the final that answers {@link SttSession.finalize} (everything sent so far is transcribed). */
      readonly fromFinalize?: boolean;
    }
  /** The service heard speech begin (service VAD), where it reports it. */
  | { readonly type: 'speech.started'; readonly atMs?: number }
  /** The service decided the utterance ended (service endpointing). */
  | { readonly type: 'utterance.end'; readonly atMs?: number }
  /** A service error. With `recoverable: true` the session goes on (or the processor reconnects it). */
  | { readonly type: 'error'; readonly error: VoxframeError; readonly recoverable: boolean }
  /** The session ended; no more events follow. */
  | { readonly type: 'closed'; readonly reason: string };

/** One streaming transcription session (one connection). */
export interface SttSession {
  /** Every event, in order. Hot: subscribe before sending. Completes when the session is closed. */
  readonly events: Observable<SttEvent>;
  /**
   * Sends user audio: PCM16 mono at the service's `sampleRate`. The session must not keep `samples` after the call
   * returns (it may be a view over a pooled buffer).
   */
  sendAudio(samples: Int16Array): void;
  /** The user's turn ended (local VAD): transcribe everything sent so far and emit it as final. */
  finalize(): void;
  /** Sends a keepalive where the service needs one while no audio flows. Optional. */
  keepAlive?(): void;
  /** Ends the session; resolves when the connection is closed. Safe to call twice. */
  close(): Promise<void>;
}

/** A configured STT service: start a session per call (or per reconnect). */
export interface SttService {
  /** Service name for logs and metrics (`deepgram`, `openai`, ...). */
  readonly name: string;
  /** PCM16 rate {@link SttSession.sendAudio} expects; the processor resamples to it. */
  readonly sampleRate: number;
  /** What the service can do. */
  readonly capabilities: SttCapabilities;
  /** Opens a session. Rejects with a typed error when the service cannot be reached or refuses. */
  start(options?: SttStartOptions): Promise<SttSession>;
}
