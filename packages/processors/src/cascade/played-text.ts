/**
 * What of an assistant utterance was heard: its spoken text pieces (from `tts.text` frames) cut at the playback
 * clock's played time.
 *
 * @packageDocumentation
 */
import type { SpokenWord } from '@voxframe/core';

/** A piece of spoken text on its utterance's audio timeline (a `tts.text` frame). */
export interface SpokenPiece {
  readonly text: string;
  readonly startMs: number;
  readonly endMs?: number;
  readonly words?: readonly SpokenWord[];
}

/**
 * The text heard of `pieces` when `playedMs` of the utterance played (`undefined`: no playback clock, all of it).
 * A word counts as heard once its audio started. Without word timings, a piece cut mid-way is estimated by its share
 * of characters, rounded down to a whole word.
 */
export function heardText(pieces: readonly SpokenPiece[], playedMs: number | undefined): string {
  const parts: string[] = [];
  for (const piece of pieces) {
    if (playedMs === undefined || (piece.endMs !== undefined && piece.endMs <= playedMs)) {
      parts.push(piece.text);
      continue;
    }
    if (piece.startMs >= playedMs) break;
    if (piece.words !== undefined && piece.words.length > 0) {
      const heard = piece.words.filter((w) => w.startMs < playedMs).map((w) => w.text);
      if (heard.length > 0) parts.push(heard.join(' '));
      break;
    }
    if (piece.endMs === undefined || piece.endMs <= piece.startMs) break;
    const share = (playedMs - piece.startMs) / (piece.endMs - piece.startMs);
    const cut = cutAtWord(piece.text, Math.floor(piece.text.length * share));
    if (cut !== '') parts.push(cut);
    break;
  }
  return parts.join(' ').trim();
}

/** `text` up to `chars`, backed off to the end of the last whole word. */
function cutAtWord(text: string, chars: number): string {
  if (chars >= text.length) return text;
  const next = text[chars];
  if (next === ' ') return text.slice(0, chars).trim();
  const space = text.lastIndexOf(' ', chars);
  return space <= 0 ? '' : text.slice(0, space).trim();
}
