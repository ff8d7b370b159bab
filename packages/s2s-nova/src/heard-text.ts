/**
 * What the user heard of an assistant utterance, by played milliseconds. Nova Sonic cannot truncate its own
 * memory (it has no truncate call), so the provider keeps "what was heard" locally for `session.conversation` and
 * for the history replayed into a new stream, by core's one rule (`heardText`), the same the S2S processor and the
 * other providers use.
 *
 * @packageDocumentation
 */
import { heardText as coreHeardText } from '@voxframe/core';

/**
 * The part of `text` heard when `playedMs` of `generatedMs` of its audio were played (core's rule: an even share of
 * the text, cut back to a whole word). Without a known `playedMs` (no barge-in) the whole text.
 */
export function heardText(text: string, generatedMs: number, playedMs: number | undefined): string {
  if (playedMs === undefined || generatedMs <= 0) return text;
  return coreHeardText(text, playedMs, generatedMs);
}
