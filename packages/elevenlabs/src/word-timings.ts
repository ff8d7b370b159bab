/**
 * Builds word timings from ElevenLabs' character alignment: characters arrive per audio chunk with times relative to
 * that chunk; the assembler offsets them by the context's audio already received and joins non-space runs into
 * words, emitting a word once the space after it (or the end of the context) is seen.
 *
 * @packageDocumentation
 */
import type { WordTiming } from '@voxframe/core';
import type { WireAlignment } from './protocol';

/** Joins characters into timed words for one context. */
export class WordAssembler {
  #word = '';
  #startMs = 0;
  #endMs = 0;

  /** Adds one chunk's alignment, offset by `offsetMs`; returns the words it completed. */
  add(alignment: WireAlignment, offsetMs: number): WordTiming[] {
    const chars = alignment.chars ?? [];
    const starts = alignment.charStartTimesMs ?? [];
    const durations = alignment.charDurationsMs ?? [];
    const words: WordTiming[] = [];
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i]!;
      const start = offsetMs + (starts[i] ?? 0);
      const end = start + (durations[i] ?? 0);
      if (/\s/.test(char)) {
        const word = this.#take();
        if (word) words.push(word);
        continue;
      }
      if (this.#word === '') this.#startMs = start;
      this.#word += char;
      this.#endMs = end;
    }
    return words;
  }

  /** The word still open at the end of the context, if any. */
  finish(): WordTiming[] {
    const word = this.#take();
    return word ? [word] : [];
  }

  #take(): WordTiming | undefined {
    if (this.#word === '') return undefined;
    const word = { text: this.#word, startMs: this.#startMs, endMs: this.#endMs };
    this.#word = '';
    return word;
  }
}
