/**
 * What the user heard of an assistant utterance, by played milliseconds. Nova Sonic cannot truncate its own
 * memory (it has no truncate call, protocol note §3.3), so the provider keeps "what was heard" locally for
 * `session.conversation` and for the history replayed into a new stream.
 *
 * This is the only place the provider computes it: when the core gains one shared helper for heard text, this
 * module becomes a re-export of it.
 *
 * @packageDocumentation
 */

/**
 * The part of `text` heard when `playedMs` of `generatedMs` of its audio were played, assuming speech spread
 * evenly over the audio, cut back to a word boundary. Without a known `playedMs` (no barge-in) the whole text.
 */
export function heardText(text: string, generatedMs: number, playedMs: number | undefined): string {
  if (playedMs === undefined || generatedMs <= 0 || playedMs >= generatedMs) return text;
  if (playedMs <= 0) return '';
  const cut = Math.round((text.length * playedMs) / generatedMs);
  if (cut >= text.length) return text;
  const boundary = text.lastIndexOf(' ', cut);
  return (boundary > 0 ? text.slice(0, boundary) : text.slice(0, cut)).trimEnd();
}
