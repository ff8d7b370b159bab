/**
 * What the user heard of an assistant utterance. Gemini has no server-side truncation, so the local conversation
 * mirror cuts the assistant's transcript at the playback clock's `playedMs`. This is the provider's only copy of
 * that rule, kept in one place so it can move to a shared core helper.
 *
 * @packageDocumentation
 */

/**
 * The part of `text` heard after `playedMs` of `generatedMs` of audio, assuming speech spread evenly over the audio,
 * cut back to a word boundary. `playedMs` undefined means it played out in full.
 */
export function heardText(text: string, generatedMs: number, playedMs: number | undefined): string {
  if (playedMs === undefined || generatedMs <= 0 || playedMs >= generatedMs) return text;
  if (playedMs <= 0) return '';
  const cut = Math.round(text.length * (playedMs / generatedMs));
  if (cut >= text.length) return text;
  // A cut that lands just after a word (on the space) keeps that word.
  if (text[cut] === ' ') return text.slice(0, cut).trimEnd();
  const boundary = text.lastIndexOf(' ', cut);
  return boundary > 0 ? text.slice(0, boundary).trimEnd() : '';
}
