/**
 * Maps `serverContent`, `toolCall`, `toolCallCancellation` and `usageMetadata` to S2S events, keeping the state of
 * the current model turn (its utterance id, generated audio, transcripts) and feeding the conversation mirror.
 * Gemini may pack several fields into one `serverContent` message: every field present is handled, in the order
 * the protocol gives them meaning (input transcript, model parts, output transcript, interrupted, completions).
 *
 * @packageDocumentation
 */
import type { S2SEvent, Usage } from '@voxframe/core';
import type { ConversationHistory } from './history';
import { GEMINI_OUTPUT_SAMPLE_RATE } from './names';
import type { ServerMessage, WireServerContent, WireUsageMetadata } from './protocol';

/** What the mapper needs from the session. */
export interface MapperContext {
  readonly history: ConversationHistory;
  readonly model: string;
  emit(event: S2SEvent): void;
}

/** Withdrawn call ids remembered. */
const MAX_CANCELLED_IDS = 100;

/** State of the model turn in progress. */
interface ModelTurn {
  readonly utteranceId: string;
  text: string;
  transcript: string;
  generatedMs: number;
  /** Output is dropped: interrupted locally or by the service. */
  interrupted: boolean;
  playedMs?: number;
}

/** Server messages to S2S events. */
export class ServerMessageMapper {
  readonly #context: MapperContext;
  #turn: ModelTurn | undefined;
  #turnCounter = 0;
  #userText = '';
  readonly #pendingCalls = new Map<string, string>();
  /** Recently withdrawn call ids (bounded: only the latest matter for late results). */
  readonly #cancelled = new Set<string>();

  constructor(context: MapperContext) {
    this.#context = context;
  }

  /** Whether the model is producing a turn (audio, text or tool calls) not yet complete. */
  get responding(): boolean {
    return this.#turn !== undefined;
  }

  /** Tool calls the model is waiting for. */
  get pendingCallCount(): number {
    return this.#pendingCalls.size;
  }

  /** Name of a pending call. */
  callName(callId: string): string | undefined {
    return this.#pendingCalls.get(callId);
  }

  /** A result went back: the call is no longer pending. */
  callAnswered(callId: string): void {
    this.#pendingCalls.delete(callId);
  }

  /** Whether the service withdrew this call (`toolCallCancellation`): a result for it must not be sent. */
  wasCancelled(callId: string): boolean {
    return this.#cancelled.has(callId);
  }

  /** Handles one server message (except setup, goAway and resumption updates, which the session owns). */
  map(message: ServerMessage): void {
    if (message.serverContent !== undefined) this.#content(message.serverContent);
    if (message.toolCall !== undefined) this.#toolCall(message.toolCall.functionCalls ?? []);
    if (message.toolCallCancellation !== undefined) this.#cancel(message.toolCallCancellation.ids ?? []);
    if (message.voiceActivity?.voiceActivityType === 'ACTIVITY_START') this.#context.emit({ type: 'speech.started' });
    if (message.voiceActivity?.voiceActivityType === 'ACTIVITY_END') this.#context.emit({ type: 'speech.stopped' });
    if (message.usageMetadata !== undefined) this.#usage(message.usageMetadata);
  }

  /**
   * Local barge-in ({@link S2SSession.interrupt}): output of the current turn is dropped from now on and the mirror
   * keeps what was heard. Returns the event to emit, or `undefined` when nothing was playing or it was already
   * interrupted (one `interrupted` per turn).
   */
  interruptLocally(playedMs: number | undefined, utteranceId: string | undefined): S2SEvent | undefined {
    const turn = this.#turn;
    if (turn === undefined || (utteranceId !== undefined && utteranceId !== turn.utteranceId)) {
      // The utterance ended already (its audio still playing): cut its mirrored text.
      if (utteranceId !== undefined && playedMs !== undefined) this.#context.history.setPlayed(utteranceId, playedMs);
      return undefined;
    }
    if (playedMs !== undefined) turn.playedMs = Math.min(turn.playedMs ?? Number.POSITIVE_INFINITY, playedMs);
    if (turn.interrupted) return undefined;
    this.#interrupt(turn);
    return { type: 'interrupted', utteranceId: turn.utteranceId, ...(playedMs === undefined ? {} : { playedMs }) };
  }

  /** The connection is gone mid-turn: the turn ends as failed. Returns whether one was open. */
  reset(): boolean {
    const turn = this.#turn;
    this.#flushUser();
    if (turn === undefined) return false;
    this.#finish(turn, 'failed');
    return true;
  }

  #content(content: WireServerContent): void {
    if (content.inputTranscription?.text !== undefined && content.inputTranscription.text !== '') {
      this.#userText += content.inputTranscription.text;
      this.#context.emit({ type: 'transcript', role: 'user', text: content.inputTranscription.text, final: false });
    }
    if (content.inputTranscription?.finished === true) this.#flushUser();
    for (const part of content.modelTurn?.parts ?? []) {
      if (part.inlineData?.data !== undefined) this.#audio(part.inlineData.data);
      else if (part.text !== undefined && part.thought !== true && part.text !== '') {
        const turn = this.#begin();
        turn.text += part.text;
        if (!turn.interrupted) this.#context.emit({ type: 'text', text: part.text, utteranceId: turn.utteranceId, responseId: turn.utteranceId });
      }
    }
    const transcript = content.outputTranscription?.text;
    if (transcript !== undefined && transcript !== '') {
      const turn = this.#begin();
      turn.transcript += transcript;
      if (!turn.interrupted) this.#context.emit({ type: 'transcript', role: 'assistant', text: transcript, final: false, utteranceId: turn.utteranceId });
    }
    if (content.interrupted === true) {
      const turn = this.#turn;
      if (turn !== undefined && !turn.interrupted) {
        this.#interrupt(turn);
        this.#context.emit({ type: 'interrupted', utteranceId: turn.utteranceId });
      }
    }
    if (content.turnComplete === true) {
      const turn = this.#turn;
      // After a barge-in, input transcription belongs to the user's next turn: it stays for after this one.
      if (turn === undefined || !turn.interrupted) this.#flushUser();
      if (turn !== undefined) this.#finish(turn, turn.interrupted ? 'interrupted' : 'completed');
    }
  }

  #audio(base64: string): void {
    const turn = this.#begin();
    const samples = decodePcm16(base64);
    turn.generatedMs += (samples.length * 1000) / GEMINI_OUTPUT_SAMPLE_RATE;
    if (turn.interrupted || samples.length === 0) return;
    this.#context.emit({ type: 'audio', samples, sampleRate: GEMINI_OUTPUT_SAMPLE_RATE, utteranceId: turn.utteranceId, responseId: turn.utteranceId });
  }

  #toolCall(calls: NonNullable<NonNullable<ServerMessage['toolCall']>['functionCalls']>): void {
    if (calls.length === 0) return;
    this.#flushUser();
    this.#begin();
    for (const call of calls) {
      const callId = call.id ?? `call-${this.#pendingCalls.size + 1}`;
      const name = call.name ?? '';
      const args = JSON.stringify(call.args ?? {});
      this.#pendingCalls.set(callId, name);
      this.#context.history.addCall(callId, name, args);
      this.#context.emit({ type: 'tool.call', callId, name, arguments: args });
    }
  }

  #cancel(ids: readonly string[]): void {
    for (const id of ids) this.#cancelled.add(id);
    if (this.#cancelled.size > MAX_CANCELLED_IDS) for (const id of [...this.#cancelled].slice(0, this.#cancelled.size - MAX_CANCELLED_IDS)) this.#cancelled.delete(id);
    const known = ids.filter((id) => this.#pendingCalls.delete(id));
    this.#context.history.removeCalls(ids);
    if (known.length > 0) this.#context.emit({ type: 'tool.cancelled', callIds: known });
  }

  #usage(usage: WireUsageMetadata): void {
    const byModality = (details: WireUsageMetadata['promptTokensDetails'], modality: string): number | undefined =>
      details?.find((d) => d.modality === modality)?.tokenCount;
    const fields: Usage = {
      ...defined('inputTokens', usage.promptTokenCount),
      ...defined('outputTokens', usage.responseTokenCount),
      ...defined('totalTokens', usage.totalTokenCount),
      ...defined('cachedTokens', usage.cachedContentTokenCount),
      ...defined('inputTextTokens', byModality(usage.promptTokensDetails, 'TEXT')),
      ...defined('inputAudioTokens', byModality(usage.promptTokensDetails, 'AUDIO')),
      ...defined('outputTextTokens', byModality(usage.responseTokensDetails, 'TEXT')),
      ...defined('outputAudioTokens', byModality(usage.responseTokensDetails, 'AUDIO')),
    };
    this.#context.emit({ type: 'usage', usage: fields, model: this.#context.model });
  }

  /** Marks a turn interrupted; the user's words so far came before it in the conversation. */
  #interrupt(turn: ModelTurn): void {
    this.#flushUser();
    turn.interrupted = true;
  }

  #begin(): ModelTurn {
    if (this.#turn !== undefined) return this.#turn;
    this.#flushUser();
    this.#turnCounter += 1;
    const turn: ModelTurn = { utteranceId: `gemini-turn-${this.#turnCounter}`, text: '', transcript: '', generatedMs: 0, interrupted: false };
    this.#turn = turn;
    this.#context.emit({ type: 'response.started', responseId: turn.utteranceId });
    return turn;
  }

  #flushUser(): void {
    const text = this.#userText.trim();
    this.#userText = '';
    if (text === '') return;
    this.#context.history.addText('user', text);
    this.#context.emit({ type: 'transcript', role: 'user', text, final: true });
  }

  #finish(turn: ModelTurn, status: 'completed' | 'interrupted' | 'failed'): void {
    this.#turn = undefined;
    const spoken = turn.transcript !== '' ? turn.transcript : turn.text;
    if (turn.transcript !== '' && !turn.interrupted) {
      this.#context.emit({ type: 'transcript', role: 'assistant', text: turn.transcript, final: true, utteranceId: turn.utteranceId });
    }
    // An interrupted turn without a playback report: assume the user heard nothing past what the service sent.
    this.#context.history.addAssistant(spoken, turn.generatedMs, turn.utteranceId, turn.playedMs);
    this.#context.emit({ type: 'turn.end', responseId: turn.utteranceId, status });
  }
}

/**
 * Base64 PCM16 into a fresh, aligned Int16Array, decoded straight into its memory (no intermediate Buffer and copy:
 * the output hot path). Unpadded or unusual input takes the general path.
 */
export function decodePcm16(base64: string): Int16Array {
  if (base64.length % 4 === 0) {
    const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
    const samples = new Int16Array(((base64.length / 4) * 3 - padding) >> 1);
    const written = Buffer.from(samples.buffer, 0, samples.byteLength).write(base64, 'base64');
    return written === samples.byteLength ? samples : samples.subarray(0, written >> 1);
  }
  const bytes = Buffer.from(base64, 'base64');
  const samples = new Int16Array(bytes.length >> 1);
  new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 2));
  return samples;
}

function defined<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
