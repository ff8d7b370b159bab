/**
 * `NovaSonicSession`: one conversation with Nova Sonic, over as many bidirectional streams as it takes.
 *
 * The session owns the conversation (mirror, heard text) and outlives its streams: a stream that fails or ends
 * silently is replaced by a new one with the conversation replayed and the user audio it never took moved over;
 * before the 8-minute limit the next stream is opened at a pause while the old one drains (no sample lost).
 * Output mapping lives in `event-mapper.ts`, the input lanes in `input-queue.ts`, one stream in `stream.ts`.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { Observable, Subject, type Subscription } from 'rxjs';
import {
  InvalidFrameError,
  S2SError,
  observableToAsyncIterator,
  silentLogger,
  validateS2SConfig,
  type InterruptOptions,
  type LlmMessage,
  type Logger,
  type S2SAudioFormat,
  type S2SCapabilities,
  type S2SEvent,
  type S2SSession,
  type S2SSessionUpdate,
  type S2SStartOptions,
  type S2SToolResult,
  type SendTextOptions,
  type ToolDefinition,
} from '@voxframe/core';
import { NOVA_INPUT_SAMPLE_RATE, type ResolvedNovaConfig } from './config';
import { NOVA_SONIC_PROVIDER, sessionError, type NovaSonicError } from './errors';
import { OutputEventMapper } from './event-mapper';
import { NOVA_2_SONIC_MODEL } from './models';
import { ConversationHistory } from './history';
import { InputQueue, type QueuedAudio } from './input-queue';
import type { OutputEvent } from './protocol';
import { RotationScheduler, reconnectDelayMs } from './rotation';
import { NovaStream, createBedrockClient, type StreamOutcome } from './stream';
import { closingEvents, openingEvents, streamNames, textBlock, toolResultBlock, type StreamNames } from './stream-events';

/** Events kept for a late first subscriber; beyond, the oldest are dropped with a warning. */
const MAX_UNOBSERVED_EVENTS = 2000;
/** How long a closing stream may take to finish after our `sessionEnd` before it is reset. */
const CLOSE_GRACE_MS = 2000;
/**
 * User audio louder than this (RMS, about -36 dBFS) is taken as speech the model has yet to answer: no rotation
 * until its transcript arrives, or until this long after the speech (the model may take it for noise).
 */
const SPEECH_RMS = 512;
const UNANSWERED_SPEECH_MS = 5000;

type SessionState = 'connecting' | 'live' | 'recovering' | 'closed';

/** A live Nova Sonic conversation. Create it with `createS2S('nova', …).start()`. */
export class NovaSonicSession implements S2SSession {
  readonly id: string;
  readonly provider = NOVA_SONIC_PROVIDER;
  readonly capabilities: S2SCapabilities;
  readonly audioFormat: S2SAudioFormat;
  readonly events: Observable<S2SEvent>;
  readonly #config: ResolvedNovaConfig;
  readonly #logger: Logger;
  readonly #subject = new Subject<S2SEvent>();
  readonly #unobserved: S2SEvent[] = [];
  #unobservedWarned = false;
  readonly #client: BedrockRuntimeClient;
  readonly #history: ConversationHistory;
  readonly #mapper: OutputEventMapper;
  readonly #rotation: RotationScheduler;
  readonly #retiring = new Set<NovaStream>();
  #stream: NovaStream | undefined;
  #names: StreamNames | undefined;
  #streamCounter = 0;
  #instructions: string | undefined;
  #tools: readonly ToolDefinition[];
  #failedAttempts = 0;
  #recoveryTimer: Subscription | undefined;
  #overflowReported = false;
  #state: SessionState = 'connecting';
  #closing: Promise<void> | undefined;
  #firstRequest: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  #sentSamples = 0;
  /** When user speech was last sent that the model has not transcribed yet (`undefined`: none pending). */
  #unansweredSpeechAt: number | undefined;

  /** Use {@link NovaSonicSession.start}. */
  private constructor(config: ResolvedNovaConfig, capabilities: S2SCapabilities, options: S2SStartOptions) {
    this.id = `nova-${randomUUID()}`;
    this.#config = config;
    this.capabilities = capabilities;
    this.audioFormat = { inputSampleRate: NOVA_INPUT_SAMPLE_RATE, outputSampleRate: config.outputSampleRate };
    this.#logger = (options.logger ?? silentLogger()).child({ provider: NOVA_SONIC_PROVIDER, session: this.id });
    this.#tools = config.tools;
    this.#instructions = config.instructions;
    this.#history = new ConversationHistory();
    for (const message of options.history ?? []) {
      // System messages of a seeded conversation belong with the instructions (Nova takes one SYSTEM block).
      if (message.role === 'system') this.#instructions = [this.#instructions, message.content].filter(Boolean).join('\n\n');
    }
    this.#history.addMessages(options.history ?? []);
    this.#client = createBedrockClient(config, this.#logger);
    this.#mapper = new OutputEventMapper({
      emit: (event) => this.#emit(event),
      history: this.#history,
      outputSampleRate: config.outputSampleRate,
      model: config.model,
      logger: this.#logger,
    });
    this.#rotation = new RotationScheduler(config.maxStreamMs, config.rotationQuietMs, config.scheduler, {
      isBusy: () => this.#mapper.busy || this.#speechPending(),
      rotate: () => this.#rotate(),
    });
    this.events = new Observable<S2SEvent>((subscriber) => {
      for (const event of this.#unobserved.splice(0)) subscriber.next(event);
      return this.#subject.subscribe(subscriber);
    });
  }

  /**
   * Opens the first stream and resolves once its request is signed and sent. The service answers only when it has
   * something to say (`send()` resolves on the first output event), so a refusal after that point (a validation
   * or access error) arrives as a fatal `error` event followed by `closed`.
   *
   * @throws `S2SError` when no credentials can be found, the endpoint cannot be reached, or `signal` aborts.
   */
  static async start(config: ResolvedNovaConfig, capabilities: S2SCapabilities, options: S2SStartOptions = {}): Promise<NovaSonicSession> {
    const session = new NovaSonicSession(config, capabilities, options);
    const sent = new Promise<void>((resolve, reject) => {
      session.#firstRequest = { resolve, reject };
    });
    const onAbort = (): void => session.#firstRequest?.reject(sessionError('aborted', 'starting the session was aborted.', false));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) throw sessionError('aborted', 'starting the session was aborted.', false);
      session.#openStream([]).start();
      await sent;
    } catch (error) {
      await session.#shutdown('failed to start', false);
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      session.#firstRequest = undefined;
    }
    return session;
  }

  /** The conversation so far: user transcripts and text, the assistant's words as heard, tool calls and results. */
  get conversation(): LlmMessage[] {
    return this.#history.toMessages();
  }

  /** User audio samples accepted by {@link sendAudio} so far (16 kHz). */
  get sentSamples(): number {
    return this.#sentSamples;
  }

  sendAudio(samples: Int16Array): void {
    if (!(samples instanceof Int16Array)) throw new InvalidFrameError('sendAudio expects PCM16 samples in an Int16Array.');
    const stream = this.#stream;
    if (this.#state === 'closed' || stream === undefined || samples.length === 0) return;
    // Encoded at once: the caller's buffer may be pooled. PCM16 little-endian, as the platform stores it.
    const base64 = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
    stream.queue.audio({ base64, samples: samples.length });
    this.#sentSamples += samples.length;
    if (isLoud(samples)) {
      // The stream must not rotate in the middle of a user turn: the old stream would never hear its end.
      this.#unansweredSpeechAt = this.#config.scheduler.now();
      this.#rotation.notifyActivity();
    }
  }

  /**
   * Sends typed text as an interactive USER block while audio keeps flowing (Nova 2). The model always answers it
   * (`respond` is not supported). `role: 'system'` text joins the instructions from the next stream on.
   *
   * @throws `S2SError` `text_input_unsupported` on Nova Sonic 1.
   */
  sendText(text: string, options: SendTextOptions = {}): void {
    if (this.#state === 'closed') return;
    if (options.role === 'system') {
      this.#instructions = [this.#instructions, text].filter(Boolean).join('\n\n');
      this.#logger.info('system text joins the instructions of the next stream (Nova takes one system prompt per stream)');
      return;
    }
    if (!this.#config.modelInfo.textInput) {
      throw sessionError('text_input_unsupported', `${this.#config.model} takes no text input while audio flows; use ${NOVA_2_SONIC_MODEL}.`, true);
    }
    this.#history.addUser(text);
    this.#control(textBlock(this.#currentNames(), 'USER', text, true));
  }

  sendToolResult(result: S2SToolResult): void {
    if (this.#state === 'closed') return;
    this.#history.addToolResult(result.callId, result.output);
    this.#mapper.toolAnswered(result.callId);
    this.#control(toolResultBlock(this.#currentNames(), result.callId, result.output));
    this.#rotation.notifyActivity();
  }

  /**
   * Stops the current turn's audio at once. Nova Sonic has no cancel or truncate call (it handles barge-in
   * itself); `playedMs` cuts the assistant's words in {@link conversation} and in replayed history.
   */
  interrupt(options: InterruptOptions = {}): void {
    if (this.#state === 'closed') return;
    if (this.#mapper.interrupt(options.playedMs, options.utteranceId)) {
      const utteranceId = options.utteranceId ?? this.#mapper.currentUtteranceId;
      this.#emit({
        type: 'interrupted',
        ...(options.playedMs === undefined ? {} : { playedMs: options.playedMs }),
        ...(utteranceId === undefined ? {} : { utteranceId }),
      });
    }
  }

  /** Changes instructions and/or tools from the next stream on (a rotation or a reconnect): a live stream cannot change. */
  updateSession(update: S2SSessionUpdate): void {
    if (update.tools !== undefined) {
      validateS2SConfig(NOVA_SONIC_PROVIDER, { tools: update.tools });
      this.#tools = update.tools;
    }
    if (update.instructions !== undefined) this.#instructions = update.instructions;
    this.#logger.info('session update applies from the next stream');
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown('closed by client', true);
    return this.#closing;
  }

  [Symbol.asyncIterator](): AsyncIterator<S2SEvent> {
    return observableToAsyncIterator(this.events);
  }

  // ---- streams --------------------------------------------------------------------------------------------------

  /** Makes the next stream current: its opening events and the moved-over audio are queued before anything else. */
  #openStream(leftover: readonly QueuedAudio[]): NovaStream {
    this.#streamCounter += 1;
    const names = streamNames(`${this.id.slice(5, 13)}-${this.#streamCounter}`);
    const queue = new InputQueue(names.promptName, names.audioContentName, (this.#config.backlogMs * NOVA_INPUT_SAMPLE_RATE) / 1000, (dropped) =>
      this.#onOverflow(dropped),
    );
    const history = this.#history.toReplay(this.#config.historyMaxMessages, this.#config.historyMessageMaxChars);
    for (const event of openingEvents(this.#config, { instructions: this.#instructions, tools: this.#tools, history }, names)) queue.control(event);
    for (const chunk of leftover) queue.audio(chunk);
    const stream: NovaStream = new NovaStream(
      this.#client,
      this.#config.model,
      queue,
      {
        onRequestSent: () => {
          if (stream === this.#stream && this.#state === 'connecting') {
            this.#state = 'live';
            this.#rotation.arm();
            this.#firstRequest?.resolve();
          }
        },
        onEvent: (event) => this.#onEvent(stream, event),
        onGarbage: (length) => this.#onGarbage(stream, length),
        onEnd: (outcome) => this.#onStreamEnd(stream, outcome),
      },
      this.#logger,
    );
    this.#stream = stream;
    this.#names = names;
    return stream;
  }

  /** Before the limit, at a pause: open the next stream, let the old one drain its audio and end. */
  #rotate(): void {
    const old = this.#stream;
    const names = this.#names;
    if (this.#state !== 'live' || old === undefined || names === undefined) return;
    this.#logger.info({ stream: old.id }, 'nova stream reached its age limit; opening the next one at a pause');
    old.finish(closingEvents(names));
    this.#retiring.add(old);
    this.#mapper.reset();
    this.#openStream([]).start();
    this.#rotation.arm();
    this.#emit({ type: 'session.rotated', reason: 'expiry' });
  }

  #onStreamEnd(stream: NovaStream, outcome: StreamOutcome): void {
    if (this.#retiring.delete(stream)) {
      if (outcome.kind === 'failed') this.#logger.debug({ code: outcome.error.code }, 'a retired nova stream ended with an error');
      return;
    }
    if (stream !== this.#stream || this.#state === 'closed') return;
    if (this.#state === 'connecting') {
      this.#firstRequest?.reject(outcome.kind === 'failed' ? outcome.error : sessionError('stream_ended', 'the stream ended before it started.', false));
      return;
    }
    if (outcome.kind === 'finished') {
      if (outcome.byService) {
        this.#logger.info('the service finished the stream; opening a new one');
        this.#recover('reconnect');
      }
      return;
    }
    const error = outcome.error;
    if (error.disposition === 'fatal') {
      void this.#fail(error);
      return;
    }
    this.#logger.warn({ code: error.code }, 'nova stream failed; resuming on a new stream');
    this.#emit({ type: 'error', error, recoverable: true });
    this.#recover(error.code === 'model_timeout' ? 'expiry' : 'reconnect');
  }

  /** Replaces a failed stream: a new one with the conversation replayed and the audio the old one never took. */
  #recover(reason: 'expiry' | 'reconnect'): void {
    const old = this.#stream;
    if (old === undefined || this.#state === 'closed') return;
    this.#state = 'recovering';
    this.#rotation.disarm();
    this.#mapper.reset();
    old.abort();
    this.#failedAttempts += 1;
    if (this.#failedAttempts > this.#config.reconnectAttempts) {
      void this.#fail(sessionError('connection_lost', `the stream failed and ${this.#config.reconnectAttempts} new stream(s) failed too.`, false));
      return;
    }
    const stream = this.#openStream(old.queue.takeAudio());
    const delay =
      reason === 'expiry' && this.#failedAttempts === 1
        ? 0
        : reconnectDelayMs(this.#failedAttempts - 1, this.#config.reconnectBackoffMs, this.#config.reconnectBackoffMaxMs);
    this.#recoveryTimer?.unsubscribe();
    this.#recoveryTimer = this.#config.scheduler.schedule(() => {
      this.#recoveryTimer = undefined;
      if (this.#state !== 'recovering' || stream !== this.#stream) return;
      stream.start();
      this.#state = 'live';
      this.#rotation.arm();
      this.#logger.info({ reason, attempt: this.#failedAttempts }, 'nova session resumed on a new stream');
      this.#emit({ type: 'session.rotated', reason });
    }, delay);
  }

  #onEvent(stream: NovaStream, event: OutputEvent): void {
    if (stream !== this.#stream || this.#state === 'closed') return;
    this.#failedAttempts = 0;
    if (event.name === 'contentStart' && event.body.role === 'USER') this.#unansweredSpeechAt = undefined;
    this.#mapper.handle(event);
    this.#rotation.notifyActivity();
  }

  #onGarbage(stream: NovaStream, length: number): void {
    if (stream !== this.#stream) return;
    this.#logger.warn({ length }, 'unreadable nova output chunk');
    this.#emit({ type: 'error', error: sessionError('invalid_server_message', `the service sent a chunk that is not a Nova event (${length} bytes); ignored.`, true), recoverable: true });
  }

  #onOverflow(droppedSamples: number): void {
    if (this.#overflowReported) return;
    this.#overflowReported = true;
    const message = `more than ${this.#config.backlogMs} ms of user audio waited for the stream; the oldest was dropped (${droppedSamples} samples). Reported once.`;
    this.#logger.warn({ droppedSamples }, 'user audio backlog overflow');
    this.#emit({ type: 'error', error: sessionError('audio_backlog_overflow', message, true), recoverable: true });
  }

  // ---- helpers --------------------------------------------------------------------------------------------------

  #speechPending(): boolean {
    const at = this.#unansweredSpeechAt;
    return at !== undefined && this.#config.scheduler.now() - at < UNANSWERED_SPEECH_MS;
  }

  #control(events: readonly Parameters<InputQueue['control']>[0][]): void {
    const queue = this.#stream?.queue;
    if (queue === undefined) return;
    for (const event of events) queue.control(event);
  }

  #currentNames(): StreamNames {
    return this.#names as StreamNames;
  }

  #emit(event: S2SEvent): void {
    if (this.#subject.observed) {
      this.#subject.next(event);
      return;
    }
    if (this.#unobserved.length >= MAX_UNOBSERVED_EVENTS) {
      if (!this.#unobservedWarned) this.#logger.warn({ kept: MAX_UNOBSERVED_EVENTS / 2 }, 'session events are not observed; dropping the oldest');
      this.#unobservedWarned = true;
      this.#unobserved.splice(0, MAX_UNOBSERVED_EVENTS / 2);
    }
    this.#unobserved.push(event);
  }

  async #fail(error: S2SError | NovaSonicError): Promise<void> {
    if (this.#state === 'closed') return;
    this.#logger.error({ code: error.code }, 'nova session failed');
    this.#emit({ type: 'error', error, recoverable: false });
    this.#closing ??= this.#shutdown(`failed: ${error.code}`, true);
    await this.#closing;
  }

  /** Ends every stream: the current one politely (contentEnd, promptEnd, sessionEnd after its audio), then resets. */
  async #shutdown(reason: string, announce: boolean): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#rotation.disarm();
    this.#recoveryTimer?.unsubscribe();
    const streams = [...this.#retiring, ...(this.#stream ? [this.#stream] : [])].filter((stream) => stream.started && !stream.ended);
    if (this.#stream !== undefined && this.#names !== undefined) this.#stream.finish(closingEvents(this.#names));
    if (streams.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_GRACE_MS);
        timer.unref?.();
      });
      await Promise.race([Promise.all(streams.map((stream) => stream.done)), grace]);
      clearTimeout(timer);
    }
    for (const stream of [...this.#retiring, ...(this.#stream ? [this.#stream] : [])]) stream.abort();
    this.#retiring.clear();
    this.#client.destroy();
    if (announce) this.#emit({ type: 'closed', reason });
    this.#subject.complete();
  }
}

/** Whether a chunk's RMS is above {@link SPEECH_RMS}. */
function isLoud(samples: Int16Array): boolean {
  let energy = 0;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i] as number;
    energy += sample * sample;
  }
  return energy > SPEECH_RMS * SPEECH_RMS * samples.length;
}
