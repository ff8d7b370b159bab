/**
 * Where the assistant's output stands: the response in progress, what the output side says is audible and heard
 * (the playback clock), and the gate that drops output of an interrupted utterance. No side effects: the S2S
 * processor asks it questions and tells it what happened.
 *
 * @packageDocumentation
 */

/** Most utterances whose playback progress is remembered (older ones finished long ago). */
const MAX_PROGRESS_ENTRIES = 16;

/** Utterances remembered in emission order, to tell the one playing from those queued behind it. */
const MAX_EMITTED = 16;

/** What an interruption cut: the utterance being heard and how much of it was heard. */
export interface InterruptionPoint {
  readonly utteranceId: string | undefined;
  /** Utterances emitted after it that the user never heard (queued behind it at the output). */
  readonly unplayedUtteranceIds: readonly string[];
  /** `undefined` when no playback clock reports from downstream: then nobody knows. */
  readonly playedMs: number | undefined;
  /** The response was still being generated (its audio may keep arriving and must be dropped). */
  readonly responseActive: boolean;
}

/** The assistant's output state for one session. */
export class ResponseState {
  /** Utterance of the latest output audio. */
  #utteranceId: string | undefined;
  /** A response is in progress: started or producing audio, not yet ended. */
  #active = false;
  /** The current response produced audio. */
  #audible = false;
  /** The current response was interrupted: later interruptions do not interrupt it again. */
  #interrupted = false;
  /** Output of this utterance still arriving is stale (it was cut off) until the next response. */
  #staleGate: { readonly utteranceId: string | undefined } | undefined;
  /** `bot.*-speaking` from downstream: the output side says the bot is audible. */
  #botSpeaking = false;
  /** A playback clock (`playback.progress`) reports from downstream. */
  #playbackClock = false;
  readonly #playedMs = new Map<string, number>();
  /** Utterance ids in the order their audio went out. */
  readonly #emitted: string[] = [];
  /** How many of {@link #emitted} belong to the current response. */
  #emittedInResponse = 0;

  /** Utterance of the latest output audio. */
  get utteranceId(): string | undefined {
    return this.#utteranceId;
  }

  /** A playback clock reports from downstream. */
  get hasPlaybackClock(): boolean {
    return this.#playbackClock;
  }

  /** The current response was interrupted. */
  get interrupted(): boolean {
    return this.#interrupted;
  }

  /**
   * Worth interrupting on a local VAD's barge-in: a response is being generated or the bot is audible, and it was
   * not interrupted already (a second VAD reporting the same speech must not interrupt twice).
   */
  get interruptible(): boolean {
    return !this.#interrupted && (this.#active || this.#botSpeaking);
  }

  /**
   * Worth a barge-in on the provider's own VAD: the bot is audible (before its first audio, the provider handles
   * its turn itself), and it was not interrupted already.
   */
  get audible(): boolean {
    return !this.#interrupted && (this.#botSpeaking || this.#audible);
  }

  /** A new response started: the previous one's gate and interruption are over. */
  beginResponse(): void {
    this.#emittedInResponse = 0;
    this.#active = true;
    this.#audible = false;
    this.#interrupted = false;
    this.#staleGate = undefined;
  }

  /** The response ended (completed, interrupted or failed). */
  endResponse(): void {
    this.#active = false;
    this.#audible = false;
    this.#interrupted = false;
    this.#staleGate = undefined;
  }

  /** Output audio of `utteranceId` is about to be emitted. */
  audioOut(utteranceId: string | undefined): void {
    if (!this.#active) this.beginResponse();
    this.#audible = true;
    this.#utteranceId = utteranceId;
    if (utteranceId !== undefined && this.#emitted[this.#emitted.length - 1] !== utteranceId && !this.#emitted.includes(utteranceId)) {
      this.#emitted.push(utteranceId);
      this.#emittedInResponse += 1;
      if (this.#emitted.length > MAX_EMITTED) this.#emitted.shift();
    }
  }

  /**
   * Whether output of `utteranceId` is stale: it belongs to the utterance that was cut off. Output of another
   * utterance (a known, different id) closes the gate: the interrupted one is over.
   */
  isStale(utteranceId: string | undefined): boolean {
    const gate = this.#staleGate;
    if (gate === undefined) return false;
    if (gate.utteranceId !== undefined && utteranceId !== undefined && utteranceId !== gate.utteranceId) {
      this.#staleGate = undefined;
      return false;
    }
    return true;
  }

  /** The output side reports the bot audible or not. */
  botSpeaking(speaking: boolean): void {
    this.#botSpeaking = speaking;
  }

  /** The output side reports `playedMs` of `utteranceId` heard. */
  progress(utteranceId: string | undefined, playedMs: number): void {
    this.#playbackClock = true;
    const key = utteranceId ?? '';
    this.#playedMs.delete(key);
    this.#playedMs.set(key, playedMs);
    if (this.#playedMs.size > MAX_PROGRESS_ENTRIES) this.#playedMs.delete(this.#playedMs.keys().next().value as string);
  }

  /**
   * Records an interruption and returns where it was cut. With a playback clock, the utterance cut is the one the
   * user was hearing: the latest one with played time reported (the output plays utterances in order), or the first
   * of the response when none played yet; later ones were queued behind it, never heard. Without a clock: the latest
   * utterance, played time unknown.
   */
  interrupt(): InterruptionPoint {
    const responseActive = this.#active;
    this.#interrupted = true;
    let utteranceId = this.#utteranceId;
    let unplayed: readonly string[] = [];
    if (this.#playbackClock && this.#emitted.length > 0) {
      let at = -1;
      for (let i = this.#emitted.length - 1; i >= 0; i--) {
        if ((this.#playedMs.get(this.#emitted[i]) ?? 0) > 0) {
          at = i;
          break;
        }
      }
      if (at < 0) at = Math.max(0, this.#emitted.indexOf(this.#utteranceId ?? '') - this.#emittedInResponse + 1);
      utteranceId = this.#emitted[at];
      unplayed = this.#emitted.slice(at + 1);
    }
    const reported = this.#playedMs.get(utteranceId ?? '');
    const playedMs = reported ?? (this.#playbackClock ? 0 : undefined);
    // A finished response sends nothing more; its heard part is settled by the final progress instead.
    if (responseActive) this.#staleGate = { utteranceId: this.#utteranceId };
    return { utteranceId, unplayedUtteranceIds: unplayed, playedMs, responseActive };
  }
}
