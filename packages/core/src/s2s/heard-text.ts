/**
 * What the user heard of an assistant utterance: the one rule every part of voxframe uses to turn "playback stopped
 * after `playedMs` of `totalMs`" into text. The S2S processor (hooks, final transcript frames), the providers
 * (history mirror, re-seeding a fresh session, `S2SSession.conversation`) and cascades all call it, so a cut is
 * the same word everywhere.
 *
 * The rule: with word timings, a word was heard when it **ended** by `playedMs`. Without timings, speech is taken
 * as spread evenly over the audio: the first `playedMs / totalMs` of the characters were heard, cut back to the last
 * whole word (a word the cut falls inside was not heard; a word ending exactly at the cut was). Text without
 * spaces (scripts that do not separate words) is cut at the character.
 *
 * @packageDocumentation
 */
import type { WordTiming } from '../services/tts';

/**
 * Within this much of the end, playback counts as complete: playback clocks report whole milliseconds and providers
 * round audio lengths, so "stopped 1 ms before the end" means "heard it all".
 */
export const FULLY_HEARD_TOLERANCE_MS = 1;

/**
 * The part of `text` the user heard when playback stopped after `playedMs` of `totalMs` of audio.
 *
 * @param text - the utterance's whole text (its transcript)
 * @param playedMs - audio played to the user, ms (from the playback clock)
 * @param totalMs - audio the utterance has, ms (what was generated or received)
 * @param timings - word timings (ms from the utterance's start, as TTS services report them), when known; they decide instead of the even-spread estimate
 * @returns the heard prefix, trimmed at its end; `text` itself when all was heard; `''` when nothing was
 */
export function heardText(text: string, playedMs: number, totalMs: number, timings?: readonly WordTiming[]): string {
  if (!Number.isFinite(playedMs) || playedMs <= 0) return '';
  if (!(totalMs > 0) || isFullyHeard(playedMs, totalMs)) return text;
  if (timings !== undefined && timings.length > 0) {
    const words = timings.filter((t) => t.endMs <= playedMs).map((t) => t.text.trim()).filter((w) => w !== '');
    return words.join(' ');
  }
  return cutAtWord(text, playedMs / totalMs);
}

/** Whether `playedMs` of `totalMs` counts as the whole utterance (see {@link FULLY_HEARD_TOLERANCE_MS}). */
export function isFullyHeard(playedMs: number, totalMs: number): boolean {
  return playedMs + FULLY_HEARD_TOLERANCE_MS >= totalMs;
}

/** The first `fraction` of `text`, cut back to the last whole word (text without spaces: to the character). */
export function cutAtWord(text: string, fraction: number): string {
  if (fraction >= 1) return text;
  if (!(fraction > 0)) return '';
  const cut = Math.floor(text.length * fraction);
  if (!/\s/.test(text)) return text.slice(0, cut);
  const head = text.slice(0, cut);
  // Keep a word that ends exactly at the cut; drop one the cut falls inside.
  if (cut < text.length && /\s/.test(text[cut])) return head.trimEnd();
  const partialWord = /\s\S*$/.exec(head);
  return partialWord === null ? '' : head.slice(0, partialWord.index).trimEnd();
}
