/**
 * One assistant response as the context records it: spoken text, tool calls and tool results in the order they
 * happened, turned into `LlmMessage`s once the playback clock says how much was heard.
 *
 * @packageDocumentation
 */
import type { LlmMessage } from '@voxframe/core';
import { heardText, type SpokenPiece } from './played-text';

type Segment =
  | { readonly kind: 'spoken'; readonly pieces: SpokenPiece[] }
  | { readonly kind: 'text'; text: string }
  | { readonly kind: 'calls'; readonly calls: { callId: string; name: string; arguments: string }[] }
  | { readonly kind: 'result'; readonly callId: string; readonly output: string };

/** The segments of one response, oldest first. */
export class AssistantTurn {
  readonly #segments: Segment[] = [];
  /** The utterance whose audio speaks this response (from its `tts.text` frames). */
  utteranceId: string | undefined;
  /** `response.ended` was seen. */
  ended = false;
  /** Spoken pieces were seen (a TTS speaks it): raw LLM text is then ignored. */
  #spoken = false;

  /** Whether nothing was recorded. */
  get empty(): boolean {
    return this.#segments.length === 0;
  }

  /** Whether a TTS speaks this response. */
  get spoken(): boolean {
    return this.#spoken;
  }

  /** Text a TTS speaks (a `tts.text` frame). */
  spokenPiece(piece: SpokenPiece, utteranceId: string | undefined): void {
    this.#spoken = true;
    if (utteranceId !== undefined) this.utteranceId = utteranceId;
    const last = this.#segments[this.#segments.length - 1];
    if (last?.kind === 'spoken') last.pieces.push(piece);
    else this.#segments.push({ kind: 'spoken', pieces: [piece] });
  }

  /** LLM text that reached the context without a TTS (text-only pipelines). */
  text(text: string): void {
    if (this.#spoken) return;
    const last = this.#segments[this.#segments.length - 1];
    if (last?.kind === 'text') last.text += text;
    else this.#segments.push({ kind: 'text', text });
  }

  toolCall(callId: string, name: string, args: string): void {
    const last = this.#segments[this.#segments.length - 1];
    if (last?.kind === 'calls') last.calls.push({ callId, name, arguments: args });
    else this.#segments.push({ kind: 'calls', calls: [{ callId, name, arguments: args }] });
  }

  toolResult(callId: string, output: string): void {
    this.#segments.push({ kind: 'result', callId, output });
  }

  /**
   * The messages of this response, spoken text cut at `playedMs` of its utterance (`undefined`: all of it).
   * Tool calls and results are kept whatever was heard: they happened.
   */
  messages(playedMs: number | undefined): LlmMessage[] {
    const out: LlmMessage[] = [];
    let content = '';
    const flushText = (): void => {
      if (content.trim() !== '') out.push({ role: 'assistant', content: content.trim() });
      content = '';
    };
    for (const segment of this.#segments) {
      switch (segment.kind) {
        case 'spoken': {
          const heard = heardText(segment.pieces, playedMs);
          if (heard !== '') content = content === '' ? heard : `${content} ${heard}`;
          break;
        }
        case 'text':
          content += segment.text;
          break;
        case 'calls':
          out.push({ role: 'assistant', content: content.trim(), toolCalls: segment.calls.map((c) => ({ ...c })) });
          content = '';
          break;
        case 'result':
          flushText();
          out.push({ role: 'tool', toolCallId: segment.callId, content: segment.output });
          break;
      }
    }
    flushText();
    return out;
  }
}
