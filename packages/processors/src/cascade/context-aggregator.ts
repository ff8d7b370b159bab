/**
 * The conversation context of a cascade: one provider-neutral `LlmMessage[]` history and the pair of processors
 * that keep it, as Pipecat users know them.
 *
 * - `context.user()` (after the STT): collects the user's final transcripts and, at the end of the user turn
 *   (`turn.end` role `user`, from the STT), appends one user message and emits `llm.context` for the LLM. A user
 *   `text` frame (typed input) is a turn by itself; `llm.messages` frames append to or replace the history.
 *   Upstream it reads the playback clock (`playback.progress`) and the bot's speaking state; it measures
 *   voice-to-voice latency (user stopped speaking -> bot audio started playing) and, when the user starts speaking
 *   while a response is being prepared (nothing audible yet, so the VAD does not interrupt), it interrupts it.
 * - `context.assistant()` (at the end of the pipeline, after the output): records each response (`tts.text` pieces,
 *   `tool.call`, `tool.result`) and commits it once it finished playing or was interrupted, cut to what the
 *   playback clock says was heard.
 *
 * The history is the same type S2S sessions seed from (`S2SSession.conversation`, `start({ history })`), so a
 * conversation can move between a cascade and an S2S session.
 *
 * @packageDocumentation
 */
import {
  FrameProcessor,
  makeFrame,
  type EndFrame,
  type Frame,
  type FrameDirection,
  type FrameProcessorOptions,
  type LlmMessage,
  type StartFrame,
} from '@voxframe/core';
import { AssistantTurn } from './assistant-turn';
import { CascadeOptionsError } from './errors';
import { latencyFrame } from './latency';
import { PlaybackLedger } from './playback-ledger';

/** Options of {@link contextAggregator}. */
export interface ContextAggregatorOptions {
  /** The history to start from (a system prompt, a conversation moved over from an S2S session). @defaultValue `[]` */
  readonly messages?: readonly LlmMessage[];
  /** A system prompt put first when `messages` has none. */
  readonly systemPrompt?: string;
  /**
   * Interrupt a response still being prepared (LLM thinking, TTS synthesizing, nothing audible) when the user starts
   * speaking again, so it is not spoken over them. A response already audible is interrupted by the VAD itself.
   * @defaultValue `true`
   */
  readonly interruptPendingResponse?: boolean;
  /**
   * Most messages kept (system messages are always kept). Beyond it the oldest turns are dropped, whole: the
   * history always restarts at a user message, so a tool result never loses its call.
   * @defaultValue 400
   */
  readonly maxMessages?: number;
}

/** Defaults of {@link ContextAggregatorOptions}. */
export const contextAggregatorDefaults = {
  messages: [],
  interruptPendingResponse: true,
  maxMessages: 400,
} as const satisfies ContextAggregatorOptions;

/** The history and its two processors. Create it with {@link contextAggregator}. */
export class ContextAggregator {
  readonly #messages: LlmMessage[] = [];
  readonly #maxMessages: number;
  readonly #ledger = new PlaybackLedger();
  readonly #user: ContextUserProcessor;
  readonly #assistant: ContextAssistantProcessor;
  /** A user turn went to the LLM and its response is not committed yet. */
  responsePending = false;

  constructor(options: ContextAggregatorOptions = {}) {
    this.#maxMessages = options.maxMessages ?? contextAggregatorDefaults.maxMessages;
    if (!(Number.isInteger(this.#maxMessages) && this.#maxMessages > 1)) {
      throw new CascadeOptionsError('contextAggregator', `maxMessages must be an integer > 1, got ${this.#maxMessages}.`);
    }
    const initial = options.messages ?? contextAggregatorDefaults.messages;
    if (options.systemPrompt !== undefined && !initial.some((m) => m.role === 'system')) this.#messages.push({ role: 'system', content: options.systemPrompt });
    this.#messages.push(...initial);
    this.#user = new ContextUserProcessor(this, this.#ledger, options.interruptPendingResponse ?? contextAggregatorDefaults.interruptPendingResponse);
    this.#assistant = new ContextAssistantProcessor(this, this.#ledger);
  }

  /** The conversation, oldest first. A live view: copy it to keep a snapshot. */
  get messages(): readonly LlmMessage[] {
    return this.#messages;
  }

  /** The user-side processor (place it right after the STT). */
  user(): ContextUserProcessor {
    return this.#user;
  }

  /** The assistant-side processor (place it last, after the output transport). */
  assistant(): ContextAssistantProcessor {
    return this.#assistant;
  }

  /** Appends messages. */
  add(...messages: LlmMessage[]): void {
    this.#messages.push(...messages);
    this.#trim();
  }

  /** Replaces the whole history. */
  set(messages: readonly LlmMessage[]): void {
    this.#messages.length = 0;
    this.#messages.push(...messages);
    this.#trim();
  }

  /**
   * Puts a tool result that arrived after its response was committed (a barge-in cut the response first) right
   * after the results of the same assistant message, so each call stays followed by its result.
   */
  insertLateToolResult(message: LlmMessage): void {
    const callId = message.toolCallId;
    const at = this.#messages.findIndex((m) => m.toolCalls?.some((c) => c.callId === callId) === true);
    if (at === -1) {
      this.#messages.push(message);
      return;
    }
    let end = at + 1;
    while (end < this.#messages.length && this.#messages[end].role === 'tool') end += 1;
    this.#messages.splice(end, 0, message);
  }

  #trim(): void {
    if (this.#messages.length <= this.#maxMessages) return;
    const system = this.#messages.filter((m) => m.role === 'system');
    let rest = this.#messages.filter((m) => m.role !== 'system');
    rest = rest.slice(rest.length - (this.#maxMessages - system.length));
    const firstUser = rest.findIndex((m) => m.role === 'user');
    rest = firstUser === -1 ? [] : rest.slice(firstUser);
    this.#messages.length = 0;
    this.#messages.push(...system, ...rest);
  }
}

/** The user side of a {@link ContextAggregator}. */
export class ContextUserProcessor extends FrameProcessor {
  readonly #context: ContextAggregator;
  readonly #ledger: PlaybackLedger;
  readonly #interruptPending: boolean;
  #pending: string[] = [];
  #allowInterruptions = true;
  #botSpeaking = false;
  #userStoppedAtMs: number | undefined;
  #awaitingFirstAudio = false;

  constructor(context: ContextAggregator, ledger: PlaybackLedger, interruptPending: boolean, options: FrameProcessorOptions = {}) {
    super({ name: 'context.user', ...options });
    this.#context = context;
    this.#ledger = ledger;
    this.#interruptPending = interruptPending;
  }

  protected override onStart(frame: StartFrame): void {
    this.#allowInterruptions = frame.allowInterruptions;
  }

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction === 'upstream') {
      this.#upstream(frame);
      this.push(frame, direction);
      return;
    }
    switch (frame.type) {
      case 'transcript':
        if (frame.role === 'user' && frame.final && frame.text.trim() !== '') this.#pending.push(frame.text.trim());
        break;
      case 'user.started-speaking':
        if (this.#interruptPending && this.#allowInterruptions && this.#context.responsePending && !this.#botSpeaking) {
          this.logger.debug('user spoke while a response was being prepared; interrupting it');
          this.#context.responsePending = false;
          this.push(frame, direction);
          this.push(makeFrame('interruption.start', { reason: 'user-speech' }));
          return;
        }
        break;
      case 'user.stopped-speaking':
        this.#userStoppedAtMs = this.scheduler.now();
        break;
      case 'turn.end':
        if (frame.role !== 'user') break;
        this.push(frame, direction);
        this.#endUserTurn(true);
        return;
      case 'text':
        if (frame.role !== 'user') break;
        this.#pending.push(frame.text);
        this.#endUserTurn(false);
        return;
      case 'llm.messages':
        if (frame.mode === 'replace') this.#context.set(frame.messages);
        else this.#context.add(...frame.messages);
        return;
      default:
        break;
    }
    this.push(frame, direction);
  }

  #upstream(frame: Frame): void {
    switch (frame.type) {
      case 'playback.progress':
        this.#ledger.progress(frame.utteranceId, frame.playedMs, frame.final);
        return;
      case 'bot.started-speaking':
        this.#botSpeaking = true;
        if (this.#awaitingFirstAudio && this.#userStoppedAtMs !== undefined) {
          this.#awaitingFirstAudio = false;
          this.push(latencyFrame('voice-to-voice', this.name, this.scheduler.now() - this.#userStoppedAtMs));
        }
        return;
      case 'bot.stopped-speaking':
        this.#botSpeaking = false;
        return;
      default:
        return;
    }
  }

  #endUserTurn(spoken: boolean): void {
    const text = this.#pending.join(' ').trim();
    this.#pending = [];
    if (text === '') {
      this.logger.debug('user turn ended with no transcript; no response');
      return;
    }
    this.#context.add({ role: 'user', content: text });
    this.#context.responsePending = true;
    this.#awaitingFirstAudio = spoken;
    this.push(makeFrame('llm.context', { messages: [...this.#context.messages] }));
  }
}

/** The assistant side of a {@link ContextAggregator}. */
export class ContextAssistantProcessor extends FrameProcessor {
  readonly #context: ContextAggregator;
  readonly #ledger: PlaybackLedger;
  #turn: AssistantTurn | undefined;

  constructor(context: ContextAggregator, ledger: PlaybackLedger, options: FrameProcessorOptions = {}) {
    super({ name: 'context.assistant', ...options });
    this.#context = context;
    this.#ledger = ledger;
    ledger.onFinal = (utteranceId) => {
      const turn = this.#turn;
      if (turn !== undefined && turn.ended && (turn.utteranceId ?? '') === utteranceId) this.#commit();
    };
  }

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction === 'downstream') {
      switch (frame.type) {
        case 'response.started':
          this.#commit();
          this.#turn = new AssistantTurn();
          break;
        case 'tts.text':
          this.#current().spokenPiece(frame, frame.utteranceId);
          break;
        case 'text':
          if (frame.role === 'assistant') this.#current().text(frame.text);
          break;
        case 'tool.call':
          this.#current().toolCall(frame.callId, frame.name, frame.arguments);
          break;
        case 'tool.result':
          if (this.#turn === undefined) this.#context.insertLateToolResult({ role: 'tool', toolCallId: frame.callId, content: frame.output });
          else this.#turn.toolResult(frame.callId, frame.output);
          break;
        case 'response.ended':
          if (this.#turn !== undefined) {
            this.#turn.ended = true;
            this.#commitIfPlayed();
          }
          break;
        default:
          break;
      }
    }
    this.push(frame, direction);
  }

  protected override onInterruption(): void {
    // The pacer reported its final progress upstream before this frame came down: cut at it.
    this.#commit();
  }

  protected override onEnd(frame: EndFrame): void {
    void frame;
    this.#commit();
  }

  #current(): AssistantTurn {
    this.#turn ??= new AssistantTurn();
    return this.#turn;
  }

  #commitIfPlayed(): void {
    const turn = this.#turn as AssistantTurn;
    // Text-only pipelines and pipelines without a playback clock commit at once; spoken ones when playback ends.
    if (!turn.spoken || !this.#ledger.hasClock || this.#ledger.isFinal(turn.utteranceId)) this.#commit();
  }

  #commit(): void {
    const turn = this.#turn;
    this.#turn = undefined;
    if (turn === undefined) return;
    this.#context.responsePending = false;
    if (turn.empty) return;
    const playedMs = turn.spoken ? this.#ledger.played(turn.utteranceId) : undefined;
    const messages = turn.messages(playedMs);
    this.logger.debug({ utteranceId: turn.utteranceId, playedMs, messages: messages.length }, 'assistant response recorded');
    this.#context.add(...messages);
  }
}

/**
 * Creates a conversation context with its user and assistant processors.
 *
 * @example
 * ```ts
 * const context = contextAggregator({ systemPrompt: 'You are a helpful voice assistant.' });
 * pipeline(input, sileroVad(), stt, context.user(), llm, tts, outputPacer(), output, context.assistant());
 * ```
 */
export function contextAggregator(options: ContextAggregatorOptions = {}): ContextAggregator {
  return new ContextAggregator(options);
}
