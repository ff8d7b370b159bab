/**
 * One spoken assistant utterance in the TTS processor: its audio offset, and the text pieces placed on its timeline.
 *
 * @packageDocumentation
 */
import type { SpokenWord, WordTiming } from '@voxframe/core';

/** A piece of spoken text placed on the utterance timeline (the fields of a `tts.text` frame). */
export interface PlacedPiece {
  readonly text: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly words?: readonly SpokenWord[];
}

interface OpenPiece {
  readonly text: string;
  readonly startMs: number;
  readonly words: SpokenWord[];
}

/** State of one utterance. */
export class Utterance {
  readonly id: string;
  /** `tts.started` was sent. */
  started = false;
  /** Scheduler time the first text went to the service. */
  firstTextAtMs: number;
  awaitingFirstAudio = true;
  /** Audio produced so far, in ms: the offset of the next audio on the utterance timeline. */
  audioMs = 0;
  /** Driven over a streaming connection. */
  streamed = false;
  #piece: OpenPiece | undefined;
  #streamedText = '';
  readonly #streamedWords: SpokenWord[] = [];

  constructor(id: string, nowMs: number) {
    this.id = id;
    this.firstTextAtMs = nowMs;
  }

  /** A sentence goes to the service (one request). */
  beginPiece(text: string): void {
    this.#piece = { text, startMs: this.audioMs, words: [] };
  }

  /** Word timings of the sentence in flight (ms from its own audio start). */
  pieceTimings(words: readonly WordTiming[]): void {
    const piece = this.#piece;
    if (piece === undefined) return;
    for (const w of words) piece.words.push({ text: w.text, startMs: piece.startMs + w.startMs, endMs: piece.startMs + w.endMs });
  }

  /** The sentence's audio is complete: its place on the timeline. */
  endPiece(): PlacedPiece | undefined {
    const piece = this.#piece;
    this.#piece = undefined;
    if (piece === undefined) return undefined;
    return { text: piece.text, startMs: piece.startMs, endMs: this.audioMs, ...(piece.words.length ? { words: piece.words } : {}) };
  }

  /** Text sent over a streaming connection. */
  streamText(text: string): void {
    this.streamed = true;
    this.#streamedText = this.#streamedText === '' ? text : `${this.#streamedText} ${text}`;
  }

  /** Word timings from a streaming connection (ms from the context's start, i.e. the utterance's). */
  streamTimings(words: readonly WordTiming[]): void {
    for (const w of words) this.#streamedWords.push({ text: w.text, startMs: w.startMs, endMs: w.endMs });
  }

  /** All streamed text as one piece, once the context is done. */
  streamedPiece(): PlacedPiece | undefined {
    if (this.#streamedText === '') return undefined;
    return { text: this.#streamedText, startMs: 0, endMs: this.audioMs, ...(this.#streamedWords.length ? { words: this.#streamedWords } : {}) };
  }

  /**
   * The text being synthesized when an interruption came: its end is not known, so it is estimated from the speech
   * rate (never before the audio already produced).
   */
  interruptedPiece(msPerChar: number): PlacedPiece | undefined {
    if (this.streamed) {
      if (this.#streamedText === '') return undefined;
      const endMs = Math.max(this.audioMs, this.#streamedText.length * msPerChar);
      return { text: this.#streamedText, startMs: 0, endMs, ...(this.#streamedWords.length ? { words: this.#streamedWords } : {}) };
    }
    const piece = this.#piece;
    this.#piece = undefined;
    if (piece === undefined) return undefined;
    const endMs = Math.max(this.audioMs, piece.startMs + piece.text.length * msPerChar);
    return { text: piece.text, startMs: piece.startMs, endMs, ...(piece.words.length ? { words: piece.words } : {}) };
  }
}
