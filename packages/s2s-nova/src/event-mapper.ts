/**
 * Output events -> session events (protocol note §3.3, §3.4). Transcripts come from FINAL text only (the
 * SPECULATIVE preview is what the model plans to say, not what it said: nothing is reported twice); assistant
 * audio is decoded at the configured rate; the barge-in signal (`{ "interrupted" : true }` or an INTERRUPTED stop
 * reason) stops the turn's audio at once; tool uses become tool calls; usage deltas become usage events. It also
 * keeps the conversation mirror up to date.
 *
 * @packageDocumentation
 */
import type { Logger, S2SEvent, S2STurnStatus, Usage } from '@voxframe/core';
import type { ConversationHistory } from './history';
import { generationStage, isInterruptedSignal, type OutputEvent, type OutputEvents, type WireTokenCounts } from './protocol';

/** What the mapper needs from the session. */
export interface EventMapperDeps {
  readonly emit: (event: S2SEvent) => void;
  readonly history: ConversationHistory;
  readonly outputSampleRate: number;
  readonly model: string;
  readonly logger: Logger;
}

interface Content {
  readonly type: 'TEXT' | 'AUDIO' | 'TOOL';
  readonly role: 'USER' | 'ASSISTANT' | 'TOOL';
  readonly stage: 'SPECULATIVE' | 'FINAL' | undefined;
  text: string;
}

interface Turn {
  readonly responseId: string;
  /** The latest assistant audio block: the utterance a FINAL transcript belongs to. */
  utteranceId: string | undefined;
  /** Samples per audio block of this turn. */
  readonly audioSamples: Map<string, number>;
  interrupted: boolean;
  /** The audio block playing when the turn was interrupted, and how much of it was heard. */
  cut: { utteranceId: string | undefined; playedMs: number | undefined } | undefined;
  /** The audio ended its turn; the FINAL transcript (or the next user turn) closes it. */
  endingWith: S2STurnStatus | undefined;
}

/** Maps one session's output events; {@link reset} between streams. */
export class OutputEventMapper {
  readonly #deps: EventMapperDeps;
  readonly #contents = new Map<string, Content>();
  readonly #pendingToolCalls = new Set<string>();
  #turn: Turn | undefined;
  #responseCounter = 0;
  #userSpeaking = false;

  constructor(deps: EventMapperDeps) {
    this.#deps = deps;
  }

  /** Whether a turn is in progress (rotation waits for a pause). */
  get busy(): boolean {
    return this.#turn !== undefined || this.#userSpeaking || this.#pendingToolCalls.size > 0;
  }

  /** The utterance (audio content id) of the open turn, if any. */
  get currentUtteranceId(): string | undefined {
    return this.#turn?.utteranceId;
  }

  /** A tool result went back: the call is no longer pending. */
  toolAnswered(callId: string): void {
    this.#pendingToolCalls.delete(callId);
  }

  handle(event: OutputEvent): void {
    switch (event.name) {
      case 'completionStart':
        return;
      case 'contentStart':
        return this.#onContentStart(event.body);
      case 'textOutput':
        return this.#onText(event.body);
      case 'audioOutput':
        return this.#onAudio(event.body);
      case 'toolUse':
        return this.#onToolUse(event.body);
      case 'contentEnd':
        return this.#onContentEnd(event.body);
      case 'completionEnd':
        if (this.#turn !== undefined) this.#closeTurn(this.#turn.endingWith ?? (this.#turn.interrupted ? 'interrupted' : 'completed'));
        return;
      case 'usageEvent':
        return this.#onUsage(event.body);
    }
  }

  /**
   * The application stopped the turn (barge-in by a local VAD, or after the service's own signal): drop the rest
   * of its audio, and remember how much was heard for the conversation.
   */
  interrupt(playedMs: number | undefined, utteranceId: string | undefined): boolean {
    const turn = this.#turn;
    const target = utteranceId ?? turn?.utteranceId;
    if (playedMs !== undefined && target !== undefined) this.#deps.history.setPlayed(target, playedMs);
    if (turn === undefined) return false;
    const first = !turn.interrupted;
    this.#markInterrupted(turn, playedMs, target);
    return first;
  }

  /** A new stream: an open turn is lost with the old one. */
  reset(): void {
    if (this.#turn !== undefined) this.#closeTurn('failed');
    this.#contents.clear();
    this.#pendingToolCalls.clear();
    this.#userSpeaking = false;
  }

  #onContentStart(body: OutputEvents['contentStart']): void {
    const stage = body.type === 'TEXT' ? generationStage(body.additionalModelFields) : undefined;
    this.#contents.set(body.contentId, { type: body.type, role: body.role, stage, text: '' });
    if (body.role === 'USER') {
      // The user spoke again: an assistant turn still waiting for its transcript is over.
      if (this.#turn?.endingWith !== undefined) this.#closeTurn(this.#turn.endingWith);
      this.#userSpeaking = true;
      return;
    }
    const turn = this.#openTurn();
    if (body.type === 'AUDIO') {
      turn.utteranceId = body.contentId;
      turn.audioSamples.set(body.contentId, 0);
      const rate = body.audioOutputConfiguration?.sampleRateHertz;
      if (rate !== undefined && rate !== this.#deps.outputSampleRate) {
        this.#deps.logger.warn({ rate, expected: this.#deps.outputSampleRate }, 'nova audio block at an unexpected rate');
      }
    }
  }

  #onText(body: OutputEvents['textOutput']): void {
    const content = body.contentId === undefined ? undefined : this.#contents.get(body.contentId);
    if (isInterruptedSignal(body.content)) {
      // Barge-in: the model stopped; drop what is still coming of this turn (§3.3).
      if (this.#turn !== undefined && !this.#turn.interrupted) {
        this.#markInterrupted(this.#turn, undefined, this.#turn.utteranceId);
        this.#deps.emit({ type: 'interrupted', ...(this.#turn.utteranceId === undefined ? {} : { utteranceId: this.#turn.utteranceId }) });
      }
      return;
    }
    if (content === undefined) {
      this.#deps.logger.debug('text output outside a known content block; ignored');
      return;
    }
    content.text += body.content;
  }

  #onAudio(body: OutputEvents['audioOutput']): void {
    const turn = this.#turn;
    const contentId = body.contentId;
    if (turn === undefined || contentId === undefined) return;
    if (turn.interrupted) {
      // Dropped, but counted: the share of the words heard is played time over generated time.
      const count = base64ByteLength(body.content) >> 1;
      turn.audioSamples.set(contentId, (turn.audioSamples.get(contentId) ?? 0) + count);
      return;
    }
    const bytes = Buffer.from(body.content, 'base64');
    const samples = new Int16Array(bytes.length >> 1);
    new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 2));
    turn.audioSamples.set(contentId, (turn.audioSamples.get(contentId) ?? 0) + samples.length);
    this.#deps.emit({ type: 'audio', samples, sampleRate: this.#deps.outputSampleRate, utteranceId: contentId, responseId: turn.responseId });
  }

  #onToolUse(body: OutputEvents['toolUse']): void {
    this.#openTurn();
    this.#pendingToolCalls.add(body.toolUseId);
    this.#deps.history.addToolCall(body.toolUseId, body.toolName, body.content);
    this.#deps.emit({ type: 'tool.call', callId: body.toolUseId, name: body.toolName, arguments: body.content });
  }

  #onContentEnd(body: OutputEvents['contentEnd']): void {
    const content = this.#contents.get(body.contentId);
    this.#contents.delete(body.contentId);
    if (content === undefined) return;
    const turn = this.#turn;
    if (content.role === 'USER') {
      this.#userSpeaking = false;
      const text = content.text.trim();
      // The user's words from the FINAL stage only (a block without a stage counts as final).
      if (text !== '' && content.stage !== 'SPECULATIVE') {
        this.#deps.history.addUser(text);
        this.#deps.emit({ type: 'transcript', role: 'user', text, final: true });
      }
      return;
    }
    if (turn === undefined) return;
    if (content.type === 'AUDIO') {
      if (body.stopReason === 'INTERRUPTED' && !turn.interrupted) {
        this.#markInterrupted(turn, undefined, body.contentId);
        this.#deps.emit({ type: 'interrupted', utteranceId: body.contentId });
      }
      if (body.stopReason === 'END_TURN' || body.stopReason === 'INTERRUPTED') turn.endingWith = turn.interrupted ? 'interrupted' : 'completed';
      return;
    }
    if (content.type === 'TEXT' && content.stage !== 'SPECULATIVE') {
      const text = content.text.trim();
      const utteranceId = turn.utteranceId;
      if (text !== '') {
        const generatedMs = utteranceId === undefined ? 0 : ((turn.audioSamples.get(utteranceId) ?? 0) * 1000) / this.#deps.outputSampleRate;
        // Audio of this turn after the cut was never heard; the cut block was heard up to its played time.
        const playedMs = turn.cut === undefined ? undefined : turn.cut.utteranceId === utteranceId ? turn.cut.playedMs : 0;
        this.#deps.history.addAssistant(text, generatedMs, utteranceId, playedMs);
        this.#deps.emit({ type: 'transcript', role: 'assistant', text, final: true, ...(utteranceId === undefined ? {} : { utteranceId }) });
      }
      if (body.stopReason === 'END_TURN' || body.stopReason === 'INTERRUPTED' || turn.endingWith !== undefined) {
        this.#closeTurn(turn.interrupted || body.stopReason === 'INTERRUPTED' ? 'interrupted' : 'completed');
      }
    }
  }

  #onUsage(body: OutputEvents['usageEvent']): void {
    const delta = body.details?.delta;
    if (delta === undefined) return;
    this.#deps.emit({ type: 'usage', usage: usageOf(delta), model: this.#deps.model });
  }

  #openTurn(): Turn {
    if (this.#turn !== undefined) return this.#turn;
    this.#responseCounter += 1;
    const turn: Turn = {
      responseId: `nova-response-${this.#responseCounter}`,
      utteranceId: undefined,
      audioSamples: new Map(),
      interrupted: false,
      cut: undefined,
      endingWith: undefined,
    };
    this.#turn = turn;
    this.#deps.emit({ type: 'response.started', responseId: turn.responseId });
    return turn;
  }

  #markInterrupted(turn: Turn, playedMs: number | undefined, utteranceId: string | undefined): void {
    turn.interrupted = true;
    if (turn.cut === undefined || (turn.cut.playedMs === undefined && playedMs !== undefined)) turn.cut = { utteranceId, playedMs };
  }

  #closeTurn(status: S2STurnStatus): void {
    const turn = this.#turn;
    if (turn === undefined) return;
    this.#turn = undefined;
    this.#deps.emit({ type: 'turn.end', responseId: turn.responseId, status });
  }
}

function usageOf(delta: WireTokenCounts): Usage {
  const inputAudio = delta.input?.speechTokens ?? 0;
  const inputText = delta.input?.textTokens ?? 0;
  const outputAudio = delta.output?.speechTokens ?? 0;
  const outputText = delta.output?.textTokens ?? 0;
  return {
    inputTokens: inputAudio + inputText,
    outputTokens: outputAudio + outputText,
    totalTokens: inputAudio + inputText + outputAudio + outputText,
    inputAudioTokens: inputAudio,
    inputTextTokens: inputText,
    outputAudioTokens: outputAudio,
    outputTextTokens: outputText,
  };
}

/** Decoded length of a base64 string, without decoding it. */
function base64ByteLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length * 3) / 4 - padding;
}
