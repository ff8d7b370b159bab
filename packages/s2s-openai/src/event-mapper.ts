/**
 * Server events -> {@link S2SEvent}s (protocol note §8, §10), keeping the response sequencer, the truncation
 * bookkeeping and the conversation mirror up to date. Session lifecycle events (`session.*`, `error`) are the
 * session's business; everything a conversation produces is mapped here.
 *
 * @packageDocumentation
 */
import { S2SError, type Logger, type S2SEvent, type S2STurnStatus, type Usage } from '@voxframe/core';
import type { AudioCodec } from './audio-codec';
import { base64ByteLength } from './audio-codec';
import { OPENAI_REALTIME_PROVIDER } from './config';
import type { ConversationHistory } from './history';
import type { ServerEvent, WireRateLimit, WireResponse, WireUsage } from './protocol';
import type { ResponseSequencer } from './response-sequencer';
import type { TruncationTracker } from './truncation';

/** What the mapper reads and updates. */
export interface MapperDeps {
  readonly codec: AudioCodec;
  readonly sequencer: ResponseSequencer;
  readonly truncation: TruncationTracker;
  readonly history: ConversationHistory;
  readonly model: string;
  readonly logger: Logger;
  /** Server VAD cancels the active response itself when the user starts speaking (`interrupt_response`). */
  readonly serviceCancelsOnSpeech: boolean;
  emit(event: S2SEvent): void;
  now(): number;
}

/** Below this share of a rate limit left, a warning is logged. */
const LOW_RATE_LIMIT = 0.1;
/** Interrupted response ids remembered to drop their late deltas; responses are sequential, a few suffice. */
const REMEMBERED_INTERRUPTIONS = 16;
/**
 * Tool call ids remembered to run each call once (`arguments.done` and `response.done` both carry it, §10.4). The
 * oldest is forgotten one at a time, never all at once: a duplicate would need this many other calls in between.
 */
const REMEMBERED_CALLS = 4096;

/** Maps the conversation events of one session (across its connections). */
export class ServerEventMapper {
  readonly #deps: MapperDeps;
  readonly #interrupted = new Set<string>();
  readonly #userTranscripts = new Map<string, string>();
  readonly #assistantTranscripts = new Map<string, string>();
  readonly #seenCalls = new Set<string>();
  /** The response the service cancelled on its own at speech start (server VAD `interrupt_response`). */
  #serviceCancelled: string | undefined;
  readonly #audioMsByResponse = new Map<string, number>();
  #userSpeaking = false;
  #rateLimits: readonly WireRateLimit[] = [];

  constructor(deps: MapperDeps) {
    this.#deps = deps;
  }

  /** Server VAD says the user is speaking. */
  get userSpeaking(): boolean {
    return this.#userSpeaking;
  }

  /** The latest `rate_limits.updated` values. */
  get rateLimits(): readonly WireRateLimit[] {
    return this.#rateLimits;
  }

  /** Marks a response as interrupted by us: its late audio and partial transcripts are dropped. */
  markInterrupted(responseId: string): void {
    this.#interrupted.add(responseId);
    if (this.#interrupted.size > REMEMBERED_INTERRUPTIONS) this.#interrupted.delete(this.#interrupted.values().next().value as string);
  }

  /** Whether we interrupted a response. */
  isInterrupted(responseId: string | undefined): boolean {
    return responseId !== undefined && this.#interrupted.has(responseId);
  }

  /** Whether the service cancelled this response itself when the user started speaking. */
  cancelledByService(responseId: string): boolean {
    return this.#serviceCancelled === responseId;
  }

  /** The assistant transcript of an item received so far (its deltas), when its final transcript has not come. */
  partialAssistantText(itemId: string): string | undefined {
    return this.#assistantTranscripts.get(itemId);
  }

  /** Forgets per-connection state (a new connection starts). */
  reset(): void {
    this.#userTranscripts.clear();
    this.#assistantTranscripts.clear();
    this.#audioMsByResponse.clear();
    this.#userSpeaking = false;
    this.#serviceCancelled = undefined;
    this.#deps.codec.reset();
  }

  /** Maps one event; returns `false` for event types it does not handle. */
  handle(event: ServerEvent): boolean {
    const deps = this.#deps;
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        this.#userSpeaking = true;
        if (deps.serviceCancelsOnSpeech && deps.sequencer.activeResponseId !== undefined) this.#serviceCancelled = deps.sequencer.activeResponseId;
        deps.emit({ type: 'speech.started', ...optional('audioStartMs', event.audio_start_ms) });
        return true;
      case 'input_audio_buffer.speech_stopped':
        this.#userSpeaking = false;
        deps.emit({ type: 'speech.stopped', ...optional('audioEndMs', event.audio_end_ms) });
        return true;
      case 'input_audio_buffer.committed':
        if (event.item_id) deps.history.addUserAudio(event.item_id);
        return true;
      case 'conversation.item.input_audio_transcription.delta':
        this.#userTranscriptDelta(event);
        return true;
      case 'conversation.item.input_audio_transcription.completed':
        this.#userTranscriptDone(event);
        return true;
      case 'conversation.item.input_audio_transcription.failed':
        deps.emit(errorEvent('transcription_failed', `input transcription failed: ${event.error?.message ?? 'no reason given'}`));
        return true;
      case 'response.created':
        this.#responseCreated(event.response);
        return true;
      case 'response.output_item.added':
        if (event.item?.type === 'message' && event.item.role === 'assistant' && event.item.id) deps.history.addAssistant(event.item.id);
        return true;
      case 'response.output_audio.delta':
        this.#audioDelta(event);
        return true;
      case 'response.output_audio_transcript.delta':
        this.#assistantTranscriptDelta(event);
        return true;
      case 'response.output_audio_transcript.done':
        this.#assistantTranscriptDone(event, event.transcript);
        return true;
      case 'response.output_text.delta':
        if (event.delta && !this.isInterrupted(event.response_id)) {
          deps.emit({ type: 'text', text: event.delta, ...optional('utteranceId', event.item_id), ...optional('responseId', event.response_id) });
        }
        return true;
      case 'response.output_text.done':
        if (event.item_id && event.text !== undefined) deps.history.setAssistantText(event.item_id, event.text);
        return true;
      case 'response.function_call_arguments.done':
        this.#toolCall(event.call_id, event.name, event.arguments);
        return true;
      case 'response.done':
        this.#responseDone(event.response);
        return true;
      case 'rate_limits.updated':
        this.#onRateLimits(Array.isArray(event.rate_limits) ? event.rate_limits.filter((l) => typeof l === 'object' && l !== null) : []);
        return true;
      case 'conversation.created':
      case 'conversation.item.added':
      case 'conversation.item.done':
      case 'conversation.item.created':
      case 'conversation.item.truncated':
      case 'conversation.item.deleted':
      case 'input_audio_buffer.cleared':
      case 'response.output_item.done':
      case 'response.content_part.added':
      case 'response.content_part.done':
      case 'response.output_audio.done':
      case 'response.function_call_arguments.delta':
        return true; // lifecycle detail the contract does not surface (arguments are parsed only when done, §10.4)
      default:
        return false;
    }
  }

  #responseCreated(response: WireResponse | undefined): void {
    const id = response?.id ?? '';
    this.#deps.sequencer.onResponseCreated(id);
    this.#audioMsByResponse.set(id, 0);
    this.#deps.emit({ type: 'response.started', ...(id ? { responseId: id } : {}) });
  }

  #audioDelta(event: ServerEvent): void {
    if (!event.delta || !event.item_id) return;
    const ms = this.#deps.codec.durationMs(base64ByteLength(event.delta));
    // Audio the service generated counts for truncation even when we drop it after an interruption.
    this.#deps.truncation.addAudio(event.item_id, ms, event.response_id, this.#deps.now());
    if (event.response_id !== undefined) this.#audioMsByResponse.set(event.response_id, (this.#audioMsByResponse.get(event.response_id) ?? 0) + ms);
    if (this.isInterrupted(event.response_id)) return;
    const samples = this.#deps.codec.decode(event.delta);
    if (samples.length === 0) return;
    // Built without spreads: this runs for every audio delta.
    const audio: S2SEvent =
      event.response_id === undefined
        ? { type: 'audio', samples, sampleRate: this.#deps.codec.sampleRate, utteranceId: event.item_id }
        : { type: 'audio', samples, sampleRate: this.#deps.codec.sampleRate, utteranceId: event.item_id, responseId: event.response_id };
    this.#deps.emit(audio);
  }

  #assistantTranscriptDelta(event: ServerEvent): void {
    if (!event.item_id || !event.delta) return;
    this.#assistantTranscripts.set(event.item_id, (this.#assistantTranscripts.get(event.item_id) ?? '') + event.delta);
    if (this.isInterrupted(event.response_id)) return;
    // Partial transcripts are deltas (appended by the reader); the final one is the whole segment.
    this.#deps.emit({ type: 'transcript', role: 'assistant', text: event.delta, final: false, utteranceId: event.item_id });
  }

  #assistantTranscriptDone(event: ServerEvent, transcript: string | undefined): void {
    if (!event.item_id) return;
    const full = transcript ?? this.#assistantTranscripts.get(event.item_id) ?? '';
    this.#assistantTranscripts.delete(event.item_id);
    this.#deps.history.setAssistantText(event.item_id, full);
    const heard = this.#heardAssistantText(event.item_id, full);
    if (heard === '' && this.isInterrupted(event.response_id)) return;
    this.#deps.emit({ type: 'transcript', role: 'assistant', text: heard, final: true, utteranceId: event.item_id });
  }

  /** The final transcript of an interrupted item covers only what was heard (the history knows the cut). */
  #heardAssistantText(itemId: string, full: string): string {
    return this.#deps.history.heardAssistantText(itemId) ?? full;
  }

  #userTranscriptDelta(event: ServerEvent): void {
    if (!event.item_id || !event.delta) return;
    this.#userTranscripts.set(event.item_id, (this.#userTranscripts.get(event.item_id) ?? '') + event.delta);
    this.#deps.emit({ type: 'transcript', role: 'user', text: event.delta, final: false, utteranceId: event.item_id });
  }

  #userTranscriptDone(event: ServerEvent): void {
    if (!event.item_id) return;
    const text = event.transcript ?? this.#userTranscripts.get(event.item_id) ?? '';
    this.#userTranscripts.delete(event.item_id);
    this.#deps.history.setUserTranscript(event.item_id, text);
    this.#deps.emit({ type: 'transcript', role: 'user', text, final: true, utteranceId: event.item_id });
  }

  #toolCall(callId: string | undefined, name: string | undefined, args: string | undefined): void {
    if (!callId || !name || this.#seenCalls.has(callId)) return;
    this.#seenCalls.add(callId);
    if (this.#seenCalls.size > REMEMBERED_CALLS) this.#seenCalls.delete(this.#seenCalls.values().next().value as string);
    const argumentsText = args ?? '{}';
    this.#deps.history.addFunctionCall(callId, name, argumentsText);
    this.#deps.sequencer.onToolCall(callId);
    this.#deps.emit({ type: 'tool.call', callId, name, arguments: argumentsText });
  }

  #responseDone(response: WireResponse | undefined): void {
    const deps = this.#deps;
    const id = response?.id;
    // A function call whose `arguments.done` we missed still reaches the application.
    for (const item of response?.output ?? []) {
      if (item.type === 'function_call') this.#toolCall(item.call_id, item.name, item.arguments);
    }
    // We interrupted it but the service finished first: for the application the turn was still interrupted.
    const status = this.isInterrupted(id) && response?.status === 'completed' ? 'interrupted' : turnStatus(response);
    if (status === 'interrupted' && id !== undefined && !this.isInterrupted(id)) {
      this.markInterrupted(id);
      deps.emit({ type: 'interrupted' });
    }
    if (response?.status === 'failed') {
      const wire = response.status_details?.error;
      deps.emit(errorEvent(wire?.code ?? 'response_failed', `response failed: ${wire?.message ?? 'no reason given'}`));
    }
    const outputAudioMs = id === undefined ? undefined : this.#audioMsByResponse.get(id);
    if (id !== undefined) this.#audioMsByResponse.delete(id);
    if (response?.usage) deps.emit({ type: 'usage', usage: mapUsage(response.usage, outputAudioMs), model: deps.model });
    deps.emit({ type: 'turn.end', status, ...optional('responseId', id) });
    deps.sequencer.onResponseDone(id);
  }

  #onRateLimits(limits: readonly WireRateLimit[]): void {
    this.#rateLimits = limits;
    for (const limit of limits) {
      const low = typeof limit.limit === 'number' && typeof limit.remaining === 'number' && limit.limit > 0 && limit.remaining / limit.limit < LOW_RATE_LIMIT;
      const fields = { name: limit.name, limit: limit.limit, remaining: limit.remaining, resetSeconds: limit.reset_seconds };
      if (low) this.#deps.logger.warn(fields, 'openai realtime rate limit nearly used up');
      else this.#deps.logger.debug(fields, 'openai realtime rate limit');
    }
  }
}

/** How a response ended, in the contract's terms (§11 statuses). */
function turnStatus(response: WireResponse | undefined): S2STurnStatus {
  switch (response?.status) {
    case 'completed':
      return 'completed';
    case 'cancelled': {
      const reason = response.status_details?.reason;
      return reason === 'turn_detected' || reason === 'client_cancelled' ? 'interrupted' : 'cancelled';
    }
    case 'incomplete':
      return 'incomplete';
    case 'failed':
      return 'failed';
    default:
      return 'completed';
  }
}

/** `response.done.usage` -> {@link Usage} (§12). */
export function mapUsage(usage: WireUsage, outputAudioMs?: number): Usage {
  const input = usage.input_token_details ?? undefined;
  const output = usage.output_token_details ?? undefined;
  return {
    ...optional('inputTokens', usage.input_tokens),
    ...optional('outputTokens', usage.output_tokens),
    ...optional('totalTokens', usage.total_tokens),
    ...optional('inputTextTokens', input?.text_tokens),
    ...optional('inputAudioTokens', input?.audio_tokens),
    ...optional('cachedTokens', input?.cached_tokens),
    ...optional('outputTextTokens', output?.text_tokens),
    ...optional('outputAudioTokens', output?.audio_tokens),
    ...optional('outputAudioMs', outputAudioMs === undefined ? undefined : Math.round(outputAudioMs)),
  };
}

function errorEvent(code: string, message: string): S2SEvent {
  return { type: 'error', error: new S2SError(OPENAI_REALTIME_PROVIDER, code, message, { recoverable: true }), recoverable: true };
}

/** `{ [key]: value }` when the value is a number or string, else `{}` (the contract's optional fields). */
function optional<K extends string, V extends string | number>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === undefined || value === null ? {} : { [key]: value }) as { [P in K]?: V };
}
