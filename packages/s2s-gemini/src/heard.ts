/**
 * What the user heard of an assistant utterance. Gemini has no server-side truncation, so the local conversation
 * mirror cuts the assistant's transcript at the playback clock's `playedMs`, by core's one rule (`heardText`), the
 * same the S2S processor and the other providers use.
 *
 * @packageDocumentation
 */
import { heardText as coreHeardText } from '@voxframe/core';

/**
 * The part of `text` heard after `playedMs` of `generatedMs` of audio (core's rule: an even share of the text, cut
 * back to a whole word). `playedMs` undefined means it played out in full.
 */
export function heardText(text: string, generatedMs: number, playedMs: number | undefined): string {
  if (playedMs === undefined || generatedMs <= 0) return text;
  return coreHeardText(text, playedMs, generatedMs);
}
