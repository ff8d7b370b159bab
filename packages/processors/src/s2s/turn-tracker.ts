/**
 * Turn text for the `onTurn` hook: what the user said (final transcripts) and what the assistant said, cut to what
 * the user heard.
 *
 * Transcript events are read as follows: partial (`final: false`) text is a delta appended to the segment; final
 * text is the whole segment and replaces the deltas (an empty final keeps them). That is how OpenAI
 * (`*.delta` / `*.completed`, `*.done`), Gemini (transcription chunks) and Nova (FINAL text) deliver them.
 *
 * Providers finish generating long before the user finished hearing, so with a playback clock downstream (an
 * output pacer or a transport that reports `playback.progress`) an assistant turn is reported only when the final
 * progress of its audio arrives: then it is known whether the user heard all of it or was cut off, and where.
 *
 * @packageDocumentation
 */
import { heardText, isFullyHeard, type S2STurnStatus, type TurnInfo } from '@voxframe/core';

interface AssistantUtterance {
  readonly id: string | undefined;
  /** Audio received for it, in ms. */
  audioMs: number;
  transcript: string;
}

/** Where the assistant was cut off: `playedMs` of utterance `utteranceId` heard (`undefined`: unknown). */
interface Cut {
  readonly utteranceId: string | undefined;
  readonly playedMs: number | undefined;
}

/** A finished assistant turn: what the hooks get, and the utterance it was cut in (when cut). */
export interface FinishedTurn {
  readonly info: TurnInfo;
  readonly cutUtteranceId?: string;
}

/** One assistant turn: its utterances in order, its text, and where it was cut off. */
class AssistantTurn {
  readonly utterances: AssistantUtterance[] = [];
  text = '';
  cut: Cut | undefined;
  status: S2STurnStatus = 'completed';
  responseId: string | undefined;

  utterance(id: string | undefined): AssistantUtterance {
    const last = this.utterances[this.utterances.length - 1];
    if (last !== undefined && (id === undefined || last.id === id)) return last;
    const known = id === undefined ? undefined : this.utterances.find((u) => u.id === id);
    if (known !== undefined) return known;
    const created: AssistantUtterance = { id, audioMs: 0, transcript: '' };
    this.utterances.push(created);
    return created;
  }

  indexOf(utteranceId: string | undefined): number {
    if (utteranceId === undefined) return this.utterances.length - 1;
    return this.utterances.findIndex((u) => u.id === utteranceId);
  }

  get hasAudio(): boolean {
    return this.utterances.some((u) => u.audioMs > 0);
  }

  get lastUtteranceId(): string | undefined {
    return this.utterances[this.utterances.length - 1]?.id;
  }

  /**
   * What the user heard. When cut: utterances before the cut one count in full, later ones not at all, and the cut
   * one is cut at `playedMs / audio received` of its transcript (transcript and audio arrive in step, as providers
   * stream them), back to a word boundary. Without a known `playedMs` the whole text is kept: nothing to cut by.
   */
  finished(): FinishedTurn {
    const info = this.info();
    const cutId = this.cut === undefined ? undefined : (this.cut.utteranceId ?? this.lastUtteranceId);
    return cutId === undefined ? { info } : { info, cutUtteranceId: cutId };
  }

  info(): TurnInfo {
    return {
      role: 'assistant',
      text: this.cut === undefined ? this.#fullText() : this.#heardText(this.cut),
      status: this.cut === undefined ? this.status : 'interrupted',
      ...(this.responseId === undefined ? {} : { responseId: this.responseId }),
    };
  }

  #fullText(): string {
    const spoken = this.utterances.map((u) => u.transcript.trim()).filter((t) => t !== '');
    return spoken.length > 0 ? spoken.join(' ') : this.text.trim();
  }

  #heardText(cut: Cut): string {
    const index = this.indexOf(cut.utteranceId);
    if (cut.playedMs === undefined || index < 0) return this.#fullText();
    // A text-only response has no audio to be cut: it was shown in full.
    if (this.utterances.every((u) => u.transcript === '')) return this.utterances.some((u) => u.audioMs > 0) ? '' : this.text.trim();
    const heard: string[] = [];
    for (let i = 0; i < index; i++) heard.push(this.utterances[i].transcript.trim());
    const cutUtterance = this.utterances[index];
    // Core's one rule for "what was heard", shared with the providers' history mirrors.
    heard.push(cutUtterance.audioMs > 0 ? heardText(cutUtterance.transcript.trim(), cut.playedMs, cutUtterance.audioMs) : '');
    return heard.filter((t) => t !== '').join(' ');
  }
}

/** Most closed turns waiting for their playback to finish; beyond it the oldest is reported as it stands. */
const MAX_PENDING_TURNS = 8;

/** Collects the open assistant turn, the closed ones still playing, and the user's transcript segments. */
export class TurnTracker {
  #open = new AssistantTurn();
  readonly #pending: AssistantTurn[] = [];
  readonly #userSegments = new Map<string, string>();

  /** Assistant audio arrived (counted towards the utterance's length, for the heard-text estimate). */
  assistantAudio(utteranceId: string | undefined, durationMs: number): void {
    this.#open.utterance(utteranceId).audioMs += durationMs;
  }

  /** Assistant text output (a delta). */
  assistantText(delta: string): void {
    this.#open.text += delta;
  }

  /** An assistant transcript event. Ignored for an utterance that was cut off (its rest was never heard). */
  assistantTranscript(text: string, final: boolean, utteranceId: string | undefined): void {
    if (this.#open.cut !== undefined) return;
    const utterance = this.#open.utterance(utteranceId);
    if (!final) utterance.transcript += text;
    else if (text !== '') utterance.transcript = text;
  }

  /** The open turn was interrupted with `playedMs` of `utteranceId` heard (first call wins). */
  interruptOpen(utteranceId: string | undefined, playedMs: number | undefined): void {
    this.#open.cut ??= { utteranceId, playedMs };
  }

  /** Whether the open turn has been interrupted. */
  get openInterrupted(): boolean {
    return this.#open.cut !== undefined;
  }

  /**
   * Closes the open turn. Returns it at once unless `waitForPlayback` (a playback clock is present) and it has
   * audio not yet reported played: then it is returned later by {@link playbackFinished} (or {@link flush}).
   */
  closeAssistantTurn(status: S2STurnStatus, responseId: string | undefined, waitForPlayback: boolean): FinishedTurn[] {
    const turn = this.#open;
    this.#open = new AssistantTurn();
    turn.status = status;
    turn.responseId = responseId;
    if (!waitForPlayback || turn.cut !== undefined || !turn.hasAudio) return [turn.finished()];
    this.#pending.push(turn);
    return this.#pending.length > MAX_PENDING_TURNS ? [(this.#pending.shift() as AssistantTurn).finished()] : [];
  }

  /**
   * The playback clock reported the final `playedMs` of an utterance. Returns the closed turns that are now
   * complete: heard in full up to their last utterance, or cut off in this one.
   */
  playbackFinished(utteranceId: string | undefined, playedMs: number): FinishedTurn[] {
    const done: FinishedTurn[] = [];
    for (let i = 0; i < this.#pending.length; i++) {
      const turn = this.#pending[i];
      const index = turn.indexOf(utteranceId);
      if (index < 0 || (utteranceId === undefined && turn !== this.#pending[0])) continue;
      const utterance = turn.utterances[index];
      // Within core's tolerance of the end counts as heard in full (the playback clock rounds down).
      const cut = !isFullyHeard(playedMs, utterance.audioMs);
      if (cut) turn.cut = { utteranceId: utterance.id, playedMs };
      if (cut || index === turn.utterances.length - 1) {
        done.push(turn.finished());
        this.#pending.splice(i, 1);
        i -= 1;
      }
    }
    return done;
  }

  /** Reports every closed turn still waiting for playback, as it stands (pipeline ending). */
  flush(): FinishedTurn[] {
    return this.#pending.splice(0).map((turn) => turn.finished());
  }

  /** A user transcript event; returns the segment's whole text when it is final. */
  userTranscript(text: string, final: boolean, utteranceId: string | undefined): string | undefined {
    const key = utteranceId ?? '';
    const sofar = this.#userSegments.get(key) ?? '';
    if (!final) {
      this.#userSegments.set(key, sofar + text);
      return undefined;
    }
    this.#userSegments.delete(key);
    return (text !== '' ? text : sofar).trim();
  }
}
