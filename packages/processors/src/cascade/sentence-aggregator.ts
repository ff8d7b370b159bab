/**
 * Sentence aggregation of streamed LLM text, for TTS: text goes in token by token, whole sentences come out as soon
 * as their end is certain, so the first audio starts on the first sentence.
 *
 * Each character is examined once (a pending boundary waits for the next character, never for a rescan), so the cost
 * per token is proportional to the token's length, not to the text so far. Rules:
 * - a sentence ends at `.`, `!`, `?`, `…` (and CJK `。！？`) or a newline, followed by whitespace (closing quotes and
 *   brackets stay with the sentence);
 * - not after an abbreviation (`Dr.`, `e.g.`, `etc.`), an initial (`J. Smith`), a list number at the start of a line
 *   (`1. `), or inside a number (`3.14` has no whitespace after the dot);
 * - never inside a code span (`` `...` ``) or a fenced block (```` ``` ````).
 *
 * @packageDocumentation
 */

/** Words that end with a dot without ending a sentence (lower case, without the final dot). */
const ABBREVIATIONS: ReadonlySet<string> = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'vs', 'etc', 'e.g', 'i.e', 'inc', 'ltd', 'co', 'corp',
  'no', 'nos', 'fig', 'approx', 'dept', 'est', 'a.m', 'p.m', 'u.s', 'u.k', 'ca', 'cf', 'al', 'vol', 'jan', 'feb',
  'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun',
]);

/** Longest abbreviation looked back at, in characters. */
const MAX_ABBREVIATION = 6;

// Character codes: the scan compares numbers, never allocates one-character strings.
const SPACE = 32, NEWLINE = 10, TAB = 9, CR = 13, DOT = 46, BANG = 33, QUESTION = 63, ELLIPSIS = 0x2026;
const CJK_STOP = 0x3002, CJK_BANG = 0xff01, CJK_QUESTION = 0xff1f, BACKTICK = 96, ZERO = 48, NINE = 57;
const isSpace = (c: number): boolean => c === SPACE || c === NEWLINE || c === TAB || c === CR;
const isCjkTerminator = (c: number): boolean => c === CJK_STOP || c === CJK_BANG || c === CJK_QUESTION;
const isTerminator = (c: number): boolean => c === DOT || c === BANG || c === QUESTION || c === ELLIPSIS || isCjkTerminator(c);
// " ' ) ] ” ’ »
const isCloser = (c: number): boolean => c === 34 || c === 39 || c === 41 || c === 93 || c === 0x201d || c === 0x2019 || c === 0xbb;

/** Options of {@link SentenceAggregator}. */
export interface SentenceAggregatorOptions {
  /**
   * Sentences shorter than this many characters are joined to the next one ("Hi." "Sure."): one TTS request per
   * word-long sentence costs latency and prosody.
   * @defaultValue 1
   */
  readonly minChars?: number;
}

/** Defaults of {@link SentenceAggregatorOptions}. */
export const sentenceAggregatorDefaults = { minChars: 1 } as const satisfies SentenceAggregatorOptions;

/** Splits streamed text into sentences. One instance per utterance (or call {@link reset}). */
export class SentenceAggregator {
  readonly #minChars: number;
  #text = '';
  /** Start of the sentence being built, in `#text`. */
  #start = 0;
  /** Next character to examine. */
  #scan = 0;
  /** Inside a code span or block: no boundaries. */
  #inCode = false;
  /** Backticks in a row just seen (a fence is three). */
  #ticks = 0;
  /** A terminator was seen; the sentence ends if whitespace follows (after closers). */
  #pending = false;
  /** Characters since the line began that are digits only (a list number like `12.`). */
  #lineDigitsOnly = true;

  constructor(options: SentenceAggregatorOptions = {}) {
    this.#minChars = options.minChars ?? sentenceAggregatorDefaults.minChars;
  }

  /** Adds a piece of text; returns the sentences it completed (often none), trimmed. */
  push(text: string, out: string[] = []): string[] {
    this.#text += text;
    const s = this.#text;
    for (let i = this.#scan; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === BACKTICK) {
        this.#ticks += 1;
        this.#pending = false;
        continue;
      }
      if (this.#ticks > 0) {
        // A run of backticks ended: one toggles a span, three toggle a fence.
        if (this.#ticks === 1 || this.#ticks >= 3) this.#inCode = !this.#inCode;
        this.#ticks = 0;
      }
      if (this.#inCode) continue;
      if (this.#pending) {
        if (isCloser(c)) continue;
        this.#pending = false;
        if (isSpace(c)) {
          this.#emit(i, out);
          if (c === NEWLINE) this.#lineDigitsOnly = true;
          continue;
        }
      }
      if (c === NEWLINE) {
        this.#emit(i, out);
        this.#lineDigitsOnly = true;
        continue;
      }
      if (isTerminator(c)) {
        if (isCjkTerminator(c)) {
          this.#emit(i + 1, out);
          continue;
        }
        if (c !== DOT || !this.#dotContinues(s, i)) this.#pending = true;
        this.#lineDigitsOnly = false;
        continue;
      }
      if (!isSpace(c) && (c < ZERO || c > NINE)) this.#lineDigitsOnly = false;
    }
    this.#scan = s.length;
    // Keep only the sentence being built: the buffer stays one sentence long, so appending stays cheap.
    if (this.#start > 0) {
      this.#text = s.slice(this.#start);
      this.#scan -= this.#start;
      this.#start = 0;
    }
    return out;
  }

  /** Ends the text: returns what is left (a last sentence without a terminator), or `undefined`. */
  flush(): string | undefined {
    const rest = this.#text.slice(this.#start).trim();
    this.reset();
    return rest === '' ? undefined : rest;
  }

  /** Drops everything buffered (barge-in, a new utterance). */
  reset(): void {
    this.#text = '';
    this.#start = this.#scan = this.#ticks = 0;
    this.#inCode = this.#pending = false;
    this.#lineDigitsOnly = true;
  }

  /** Text buffered and not yet emitted. */
  get buffered(): string {
    return this.#text.slice(this.#start);
  }

  /** Whether the dot at `i` does not end a sentence: an abbreviation, an initial, or a list number. */
  #dotContinues(s: string, i: number): boolean {
    if (this.#lineDigitsOnly && i > this.#start) return true;
    // Look back at most one character further than the longest abbreviation: a longer word is none.
    const floor = Math.max(this.#start, i - MAX_ABBREVIATION - 1);
    let j = i - 1;
    while (j >= floor && !isSpace(s.charCodeAt(j)) && s.charCodeAt(j) !== 40 && s.charCodeAt(j) !== 34) j--; // ( "

    const word = s.slice(j + 1, i);
    if (word.length === 0 || word.length > MAX_ABBREVIATION) return false;
    // An initial (`J. Smith`); not `I`, which ends sentences ("more than I.") far more often.
    if (word.length === 1 && word >= 'A' && word <= 'Z' && word !== 'I') return true;
    return ABBREVIATIONS.has(word.toLowerCase());
  }

  #emit(end: number, out: string[]): void {
    const sentence = this.#text.slice(this.#start, end).trim();
    if (sentence.length === 0) {
      this.#start = end;
      return;
    }
    if (sentence.length < this.#minChars) return; // joined to the next sentence
    out.push(sentence);
    this.#start = end;
  }
}
