/**
 * `OpenAIRealtimeSession`: one conversation with the OpenAI Realtime service, over as many connections as it takes.
 *
 * The session owns the conversation (history mirror, response sequencing, truncation bookkeeping) and outlives its
 * connections: an unexpected close reconnects with backoff and re-seeds the conversation; the 60-minute cap is met
 * by rotating to a fresh service session at a pause, buffering the user's audio meanwhile. Mapping of server events
 * lives in `event-mapper.ts`, the audio path in `input-audio.ts`, the connection in `connection.ts`.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { Observable, Subject } from 'rxjs';
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
import { AudioCodec } from './audio-codec';
import { clockFor, sleep, type Clock } from './clock';
import { OPENAI_REALTIME_PROVIDER, type ResolvedOpenAIConfig } from './config';
import type { RealtimeConnection } from './connection';
import { openConfiguredConnection, type ConfiguredConnection } from './connector';
import { OpenAIRealtimeError, connectionError, errorDisposition } from './errors';
import { ServerEventMapper } from './event-mapper';
import { ConversationHistory } from './history';
import { InputAudio } from './input-audio';
import type { ClientEvent, ServerEvent, WireError, WireRateLimit } from './protocol';
import { ResponseSequencer } from './response-sequencer';
import { RotationScheduler, reconnectDelayMs } from './rotation';
import { wireTools } from './session-config';
import { SessionHooks } from './session-hooks';
import { ToleratedIds } from './tolerated-errors';
import { TruncationTracker } from './truncation';

/** Quiet time that makes a pause for rotation (the service answers a finished user turn well within it). */
const ROTATION_QUIET_MS = 1000;
/** A failed rotation is retried after this long (the old connection keeps serving meanwhile). */
const ROTATION_RETRY_MS = 30_000;
/** Events kept for a late first subscriber; beyond, the oldest are dropped with a warning. */
const MAX_UNOBSERVED_EVENTS = 2000;
/** Operations held while reconnecting (text, tool results, commits). */
const MAX_DEFERRED_OPERATIONS = 1000;
/** Asks the model to go on after a reply the connection cut (the user heard its beginning already). */
const CONTINUE_AFTER_DROP =
  'Your previous reply was cut off by a connection problem; the conversation shows the words the user heard. ' +
  'Continue the reply from there without repeating them.';

type SessionState = 'connecting' | 'ready' | 'recovering' | 'rotating' | 'closed';

/** A live OpenAI Realtime conversation. Create it with `createS2S('openai_realtime', …).start()`. */
export class OpenAIRealtimeSession implements S2SSession {
  readonly id: string;
  readonly provider = OPENAI_REALTIME_PROVIDER;
  readonly capabilities: S2SCapabilities;
  readonly audioFormat: S2SAudioFormat;
  readonly events: Observable<S2SEvent>;
  #config: ResolvedOpenAIConfig;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #hooks: SessionHooks | undefined;
  readonly #subject = new Subject<S2SEvent>();
  readonly #unobserved: S2SEvent[] = [];
  #unobservedWarned = false;
  readonly #history: ConversationHistory;
  readonly #sequencer: ResponseSequencer;
  readonly #truncation = new TruncationTracker();
  readonly #mapper: ServerEventMapper;
  readonly #scheduler: RotationScheduler;
  readonly #input: InputAudio;
  readonly #lifetime = new AbortController();
  readonly #deferred: (() => void)[] = [];
  #tools: readonly ToolDefinition[];
  #state: SessionState = 'connecting';
  #connection: RealtimeConnection | undefined;
  #eventCounter = 0;
  #expiredByService = false;
  #closing: Promise<void> | undefined;
  /**
   * What the next connection does about a response the lost one cut: nothing, ask again (nothing of it was heard),
   * or ask to continue it (the user heard its beginning, see {@link CONTINUE_AFTER_DROP}). A barge-in meanwhile
   * makes it nothing: the user is talking.
   */
  #resume: 'none' | 'again' | 'continue' = 'none';
  /** The next `response.create` continues a cut reply. */
  #continueReply = false;
  /** Client event ids whose failure is expected and harmless (races the protocol note describes in §6, §10.5). */
  readonly #tolerated = { cancel: new ToleratedIds(), truncate: new ToleratedIds(), create: new ToleratedIds() };

  /** Use {@link OpenAIRealtimeSession.start}. */
  private constructor(config: ResolvedOpenAIConfig, capabilities: S2SCapabilities, options: S2SStartOptions) {
    this.id = `oai-${randomUUID()}`;
    this.#config = config;
    this.capabilities = capabilities;
    this.audioFormat = { inputSampleRate: config.sampleRate, outputSampleRate: config.sampleRate };
    this.#logger = (options.logger ?? silentLogger()).child({ provider: OPENAI_REALTIME_PROVIDER, session: this.id });
    this.#clock = clockFor(options.scheduler);
    this.#hooks = options.hooks === undefined ? undefined : new SessionHooks(options.hooks, this.#logger);
    this.#tools = options.tools ?? config.tools;
    this.#history = new ConversationHistory(config.historyMaxItems);
    if (options.history) this.#history.addMessages(options.history);
    this.#sequencer = new ResponseSequencer(() => this.#sendCreate());
    this.#sequencer.pause();
    this.#input = new InputAudio(config, (event) => this.#send(event), this.#logger);
    this.#mapper = new ServerEventMapper({
      codec: new AudioCodec(config.audioFormat),
      sequencer: this.#sequencer,
      truncation: this.#truncation,
      history: this.#history,
      model: config.model,
      logger: this.#logger,
      serviceCancelsOnSpeech: config.turnDetection !== 'none' && config.interruptResponse,
      emit: (event) => this.#emit(event),
      now: () => this.#clock.now(),
    });
    this.#scheduler = new RotationScheduler(config.maxSessionMs, ROTATION_QUIET_MS, {
      isBusy: () => this.#sequencer.busy || this.#mapper.userSpeaking,
      notBefore: () => this.#playbackEndEstimate(),
      rotate: () => void this.#rotate(),
    }, this.#clock);
    // Events emitted before anyone subscribed go to the first subscriber instead of being lost.
    this.events = new Observable<S2SEvent>((subscriber) => {
      // Backlog first: after close the subject is complete and would end the subscriber before it.
      for (const event of this.#unobserved.splice(0)) subscriber.next(event);
      return this.#subject.subscribe(subscriber);
    });
  }

  /**
   * Connects, configures and seeds a session.
   *
   * @throws `S2SError` when the service cannot be reached or refuses the key or the configuration.
   */
  static async start(config: ResolvedOpenAIConfig, capabilities: S2SCapabilities, options: S2SStartOptions = {}): Promise<OpenAIRealtimeSession> {
    if (options.tools !== undefined) validateS2SConfig(OPENAI_REALTIME_PROVIDER, { tools: options.tools });
    const encoding = options.audioEncoding;
    // Telephony pass-through: G.711 on the wire at 8 kHz, so 8 kHz caller audio is never resampled.
    const sessionConfig: ResolvedOpenAIConfig = encoding === undefined || encoding === config.audioFormat ? config : { ...config, audioFormat: encoding, sampleRate: 8000 };
    const session = new OpenAIRealtimeSession(sessionConfig, capabilities, options);
    if (config.temperatureIgnored) {
      session.#logger.warn('config.temperature is not supported by the GA Realtime interface; it is ignored');
    }
    if (config.deprecatedModel) {
      session.#logger.warn({ model: config.model }, 'this model is deprecated (shutdown announced for 2027-01-20); move to gpt-realtime-2.1');
    }
    const signal = options.signal ? AbortSignal.any([options.signal, session.#lifetime.signal]) : session.#lifetime.signal;
    try {
      const configured = await openConfiguredConnection(sessionConfig, session.#tools, session.#logger, () => session.#nextEventId(), signal, session.#clock);
      session.#attach(configured, undefined);
    } catch (error) {
      session.#state = 'closed';
      session.#lifetime.abort();
      throw error;
    }
    return session;
  }

  /** The conversation so far as the session mirrors it (what the user heard of the assistant), for failover. */
  get conversation(): LlmMessage[] {
    return this.#history.toMessages();
  }

  /** The latest rate limits the service reported. */
  get rateLimits(): readonly WireRateLimit[] {
    return this.#mapper.rateLimits;
  }

  sendAudio(samples: Int16Array): void {
    if (!(samples instanceof Int16Array)) throw new InvalidFrameError('sendAudio expects PCM16 samples in an Int16Array.');
    if (this.#state === 'closed') return;
    this.#input.push(samples);
  }

  /**
   * Sends user audio already encoded in the session's wire format, base64 (with `audio_format: 'g711_ulaw'`, a
   * Twilio media payload as it arrives): no decode and re-encode on the way to the service.
   */
  sendEncodedAudio(base64: string): void {
    if (this.#state === 'closed') return;
    this.#input.pushEncoded(base64);
  }

  sendText(text: string, options: SendTextOptions = {}): void {
    const role = options.role ?? 'user';
    this.#whenReady(() => {
      this.#history.addText(role, text);
      this.#send({
        type: 'conversation.item.create',
        event_id: this.#nextEventId(),
        item: role === 'system'
          ? { type: 'message', role: 'system', content: [{ type: 'input_text', text }] }
          : { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
      });
      if (options.respond ?? true) this.#sequencer.request();
    });
  }

  sendToolResult(result: S2SToolResult): void {
    this.#whenReady(() => {
      this.#history.addFunctionOutput(result.callId, result.output);
      this.#send({
        type: 'conversation.item.create',
        event_id: this.#nextEventId(),
        item: { type: 'function_call_output', call_id: result.callId, output: result.output },
      });
      // Several calls of one response: the sequencer responds once, after the last result (§10.4).
      this.#sequencer.onToolResult(result.callId, result.respond ?? true);
      this.#scheduler.notifyActivity();
    });
  }

  /**
   * Stops the response in progress and cuts the model's memory to what was heard. During a reconnect or a rotation
   * the conversation mirror is still cut (the fresh session is seeded from it), though nothing can be sent.
   */
  interrupt(options: InterruptOptions = {}): void {
    if (this.#state === 'closed') return;
    this.#resume = 'none';
    const responseId = this.#sequencer.activeResponseId;
    let cancelled = false;
    if (responseId !== undefined && !this.#mapper.isInterrupted(responseId)) {
      this.#mapper.markInterrupted(responseId);
      cancelled = true;
      // Server VAD with interrupt_response cancelled it already at speech start (§10.5): a cancel would only draw
      // `response_cancel_not_active`.
      if (this.#state === 'ready' && !this.#mapper.cancelledByService(responseId)) {
        const eventId = this.#nextEventId();
        this.#tolerated.cancel.add(eventId);
        this.#send({ type: 'response.cancel', event_id: eventId });
      }
    }
    const plan = this.#truncation.plan(options.utteranceId, options.playedMs, this.#clock.now());
    if (plan !== undefined) this.#truncate(plan.itemId, plan.audioEndMs, plan.generatedMs);
    // Utterances already sent after the one playing were never heard: gone from the model's memory too.
    for (const itemId of options.unplayedUtteranceIds ?? []) {
      const never = this.#truncation.plan(itemId, 0, this.#clock.now());
      if (never !== undefined) this.#truncate(never.itemId, 0, never.generatedMs);
    }
    if (cancelled) {
      const playedMs = plan?.audioEndMs ?? options.playedMs;
      const utteranceId = plan?.itemId ?? options.utteranceId ?? this.#truncation.latestItemId;
      this.#emit({ type: 'interrupted', ...(playedMs === undefined ? {} : { playedMs }), ...(utteranceId === undefined ? {} : { utteranceId }) });
    }
  }

  /** Cuts an assistant item in the mirror, and on the service while a connection is open. */
  #truncate(itemId: string, audioEndMs: number, generatedMs: number): void {
    this.#history.truncateAssistant(itemId, audioEndMs, generatedMs);
    if (this.#connection === undefined || !this.#connection.isOpen) return;
    const eventId = this.#nextEventId();
    this.#tolerated.truncate.add(eventId);
    this.#send({ type: 'conversation.item.truncate', event_id: eventId, item_id: itemId, content_index: 0, audio_end_ms: audioEndMs });
  }

  commitUserTurn(): void {
    this.#whenReady(() => {
      if (!this.#input.prepareCommit(this.#config.turnDetection !== 'none')) return;
      this.#send({ type: 'input_audio_buffer.commit', event_id: this.#nextEventId() });
      this.#input.onBufferEmptied();
      this.#sequencer.request();
    });
  }

  updateTools(tools: readonly ToolDefinition[]): void {
    this.updateSession({ tools });
  }

  /** Changes instructions and/or tools at once (`session.update`); a reconnect or rotation keeps them. */
  updateSession(update: S2SSessionUpdate): void {
    if (update.tools !== undefined) validateS2SConfig(OPENAI_REALTIME_PROVIDER, { tools: update.tools });
    if (update.tools !== undefined) this.#tools = update.tools;
    if (update.instructions !== undefined) this.#config = { ...this.#config, instructions: update.instructions };
    if (update.tools === undefined && update.instructions === undefined) return;
    this.#whenReady(() => {
      this.#send({
        type: 'session.update',
        event_id: this.#nextEventId(),
        session: {
          type: 'realtime',
          ...(update.instructions === undefined ? {} : { instructions: update.instructions }),
          ...(update.tools === undefined ? {} : { tools: wireTools(update.tools) }),
        },
      });
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown('closed by client');
    return this.#closing;
  }

  [Symbol.asyncIterator](): AsyncIterator<S2SEvent> {
    return observableToAsyncIterator(this.events);
  }

  // ---- connections ----------------------------------------------------------------------------------------------

  /** Makes a configured connection the session's: seeds the conversation, flushes held audio, goes live. */
  #attach(configured: ConfiguredConnection, rotated: 'expiry' | 'reconnect' | undefined): void {
    const connection = configured.connection;
    this.#connection = connection;
    this.#expiredByService = false;
    this.#mapper.reset();
    this.#truncation.reset();
    for (const ids of Object.values(this.#tolerated)) ids.clear();
    for (const item of this.#history.toItems()) {
      this.#send({ type: 'conversation.item.create', event_id: this.#nextEventId(), item });
    }
    // Item ids stay in the mirror (the service's ids are unique): late events of the old connection still find them.
    this.#input.goOnline(rotated !== undefined);
    this.#state = 'ready';
    this.#scheduler.arm();
    if (rotated !== undefined) {
      this.#logger.info({ reason: rotated, serviceSession: connection.serviceSessionId }, 'openai realtime session rotated');
      this.#emit({ type: 'session.rotated', reason: rotated });
    }
    configured.attach({
      onEvent: (event) => {
        if (connection === this.#connection) this.#onEventSafely(event);
        else this.#onRetiredEvent(event);
      },
      onGarbage: (length) => {
        if (connection === this.#connection) this.#onGarbage(length);
      },
      onClose: (code, reason) => this.#onConnectionClose(connection, code, reason),
    });
    for (const operation of this.#deferred.splice(0)) operation();
    if (this.#resume !== 'none') {
      this.#continueReply = this.#resume === 'continue';
      this.#resume = 'none';
      this.#sequencer.request();
    }
    this.#sequencer.resume();
  }

  /**
   * An event of a connection the session moved away from (rotation, or its closing handshake): only what completes
   * the conversation mirror counts, i.e. a user transcript the old service finished late.
   */
  #onRetiredEvent(event: ServerEvent): void {
    if (this.#state === 'closed') return;
    if (event.type === 'conversation.item.input_audio_transcription.completed') this.#mapper.handle(event);
  }

  /** An unexpected close or a service expiry: reconnect with backoff and re-seed. */
  async #recover(reason: 'expiry' | 'reconnect'): Promise<void> {
    if (this.#state !== 'ready') return;
    this.#state = 'recovering';
    this.#scheduler.disarm();
    this.#sequencer.pause();
    this.#input.goOffline();
    const lostResponseId = this.#sequencer.activeResponseId;
    // What the user heard of a reply cut mid-way goes into the mirror; asking again from the start would make them
    // hear its beginning twice, so the fresh session is asked to continue it instead.
    const heardSome = lostResponseId !== undefined && this.#keepHeardPart(lostResponseId);
    const wasResponding = this.#sequencer.onConnectionReset();
    if (lostResponseId !== undefined) this.#emit({ type: 'turn.end', status: 'failed', responseId: lostResponseId });
    this.#resume = !wasResponding ? 'none' : heardSome ? 'continue' : 'again';
    this.#connection = undefined;
    const attempts = reason === 'expiry' ? Math.max(1, this.#config.reconnectAttempts) : this.#config.reconnectAttempts;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const delay = reason === 'expiry' && attempt === 0 ? 0 : reconnectDelayMs(attempt, this.#config.reconnectBackoffMs, this.#config.reconnectBackoffMaxMs);
      if (!(await sleep(this.#clock, delay, this.#lifetime.signal))) return;
      try {
        const configured = await openConfiguredConnection(this.#config, this.#tools, this.#logger, () => this.#nextEventId(), this.#lifetime.signal, this.#clock);
        if (this.#isClosed()) {
          configured.connection.terminate();
          return;
        }
        this.#attach(configured, reason);
        return;
      } catch (error) {
        if (this.#isClosed()) return;
        lastError = error;
        this.#logger.warn({ err: error, attempt: attempt + 1, attempts }, 'openai realtime reconnect failed');
        if (error instanceof S2SError && !error.recoverable) break;
      }
    }
    const message = `the connection was lost and ${attempts} reconnect attempt(s) failed.`;
    await this.#fail(lastError instanceof S2SError && !lastError.recoverable ? lastError : connectionError('connection_lost', message, false, lastError));
  }

  /** Proactive rotation at a pause before the service's cap: connect the fresh session, then switch over. */
  async #rotate(): Promise<void> {
    if (this.#state !== 'ready' || this.#connection === undefined) return;
    const old = this.#connection;
    this.#state = 'rotating';
    this.#scheduler.disarm();
    this.#sequencer.pause();
    this.#input.goOffline();
    this.#logger.info({ ageMs: this.#clock.now() - old.openedAt }, 'rotating the openai realtime session at a pause');
    try {
      const configured = await openConfiguredConnection(this.#config, this.#tools, this.#logger, () => this.#nextEventId(), this.#lifetime.signal, this.#clock);
      if (this.#state !== 'rotating') {
        configured.connection.terminate();
        return;
      }
      void old.close(1000, 'session rotated');
      this.#sequencer.onConnectionReset();
      this.#resume = 'none';
      this.#attach(configured, 'expiry');
    } catch (error) {
      if (this.#state !== 'rotating') return;
      this.#logger.warn({ err: error }, 'openai realtime rotation failed; staying on the current session for now');
      this.#state = 'ready';
      if (old.isOpen) {
        this.#input.goOnline(false);
        for (const operation of this.#deferred.splice(0)) operation();
        this.#sequencer.resume();
        this.#scheduler.arm(ROTATION_RETRY_MS);
      } else {
        void this.#recover('reconnect');
      }
    }
  }

  #onConnectionClose(connection: RealtimeConnection, code: number, reason: string): void {
    if (connection !== this.#connection || this.#state === 'closed') return;
    this.#logger.info({ code, reason }, 'openai realtime connection closed by the service');
    if (this.#state === 'rotating') {
      this.#connection = undefined; // the rotation in flight takes over (or falls back to reconnecting)
      return;
    }
    if (code === 4000) {
      void this.#fail(connectionError('beta_api_shape_disabled', `the service closed the session (4000 ${reason}).`, false));
      return;
    }
    void this.#recover(this.#expiredByService || code === 1001 ? 'expiry' : 'reconnect');
  }

  // ---- server events --------------------------------------------------------------------------------------------

  #onEvent(event: ServerEvent): void {
    switch (event.type) {
      case 'session.created':
      case 'session.updated':
        break;
      case 'error':
        this.#onErrorEvent(event.error ?? {});
        break;
      case 'input_audio_buffer.committed':
        this.#input.onBufferEmptied();
        this.#mapper.handle(event);
        break;
      case 'conversation.item.truncated':
        this.#tolerated.truncate.settleOldest();
        break;
      default:
        if (!this.#mapper.handle(event)) this.#logger.debug({ type: event.type }, 'ignored unknown server event');
    }
    this.#scheduler.notifyActivity();
  }

  #onErrorEvent(wire: WireError): void {
    if (this.#isToleratedError(wire)) {
      this.#logger.debug({ code: wire.code }, 'expected race with the service; ignored');
      return;
    }
    const disposition = errorDisposition(wire);
    if (disposition === 'expired') {
      this.#expiredByService = true; // the service closes with 1001 next; the close handler rotates
      return;
    }
    const error = new OpenAIRealtimeError(wire, disposition !== 'fatal');
    this.#logger.warn({ code: error.code, param: error.param, errorType: error.errorType }, 'openai realtime error event');
    if (disposition === 'fatal') void this.#fail(error);
    else this.#emit({ type: 'error', error, recoverable: true });
  }

  #isToleratedError(wire: WireError): boolean {
    if (wire.code === 'response_cancel_not_active') return this.#tolerated.cancel.match(wire.event_id);
    if (wire.code === 'conversation_already_has_active_response' && this.#tolerated.create.match(wire.event_id)) {
      this.#sequencer.onCreateRefused();
      return true;
    }
    // A truncate past the generated audio: the service truncates at the real end anyway (§10.5).
    if (/already shorter/i.test(wire.message ?? '')) return this.#tolerated.truncate.match(wire.event_id);
    return false;
  }

  /** Handles one event; one whose fields have shapes the client cannot read becomes a typed error, not a crash. */
  #onEventSafely(event: ServerEvent): void {
    try {
      this.#onEvent(event);
    } catch (cause) {
      const type = event.type.slice(0, 60);
      const error = connectionError('invalid_server_message', `the service sent a '${type}' event with fields of unexpected types; ignored.`, true, cause);
      this.#logger.warn({ type }, 'unreadable server event');
      this.#emit({ type: 'error', error, recoverable: true });
    }
  }

  #onGarbage(length: number): void {
    const error = connectionError('invalid_server_message', `the service sent a frame that is not a JSON event (${length} characters); ignored.`, true);
    this.#logger.warn({ length }, 'unreadable server message');
    this.#emit({ type: 'error', error, recoverable: true });
  }

  // ---- helpers --------------------------------------------------------------------------------------------------

  #sendCreate(): void {
    const eventId = this.#nextEventId();
    this.#tolerated.create.add(eventId);
    if (this.#continueReply) {
      this.#continueReply = false;
      // Per-response instructions replace the session's for this response only: keep them and add the request.
      const instructions = this.#config.instructions === undefined ? CONTINUE_AFTER_DROP : `${this.#config.instructions}\n\n${CONTINUE_AFTER_DROP}`;
      this.#send({ type: 'response.create', event_id: eventId, response: { instructions } });
      return;
    }
    this.#send({ type: 'response.create', event_id: eventId });
  }

  /**
   * Mirrors the part of a lost response's audio the user heard (estimated: real-time playback from its first delta,
   * the only clock left once the connection is gone). Returns whether any of it was heard.
   */
  #keepHeardPart(responseId: string): boolean {
    const itemId = this.#truncation.latestItemIdOf(responseId);
    if (itemId === undefined) return false;
    const partial = this.#mapper.partialAssistantText(itemId);
    if (partial !== undefined) this.#history.setAssistantText(itemId, partial);
    // Not marked truncated: a barge-in reported by the playback clock during the reconnect still cuts it exactly.
    const generatedMs = this.#truncation.generatedMs(itemId);
    const playedMs = this.#truncation.estimatePlayedMs(itemId, this.#clock.now()) ?? 0;
    this.#history.truncateAssistant(itemId, playedMs, generatedMs);
    return playedMs > 0;
  }

  #send(event: ClientEvent): boolean {
    const connection = this.#connection;
    return connection !== undefined && connection.send(event);
  }

  #whenReady(operation: () => void): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'ready') {
      operation();
      return;
    }
    if (this.#deferred.length >= MAX_DEFERRED_OPERATIONS) {
      this.#emit({ type: 'error', error: connectionError('backlog_full', 'too many operations queued while reconnecting; dropped one.', true), recoverable: true });
      return;
    }
    this.#deferred.push(operation);
  }

  /** Read through a method: TypeScript would otherwise narrow the state across awaits. */
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #nextEventId(): string {
    this.#eventCounter += 1;
    return `vf_${this.#eventCounter}`;
  }

  #playbackEndEstimate(): number {
    const latest = this.#truncation.latestItemId;
    return latest === undefined ? 0 : this.#truncation.playbackEndsAt(latest);
  }

  #emit(event: S2SEvent): void {
    this.#hooks?.observe(event);
    if (this.#subject.observed) {
      this.#subject.next(event);
      return;
    }
    if (this.#unobserved.length >= MAX_UNOBSERVED_EVENTS) {
      // Drop the older half at once (not one per event), and say so once.
      if (!this.#unobservedWarned) this.#logger.warn({ kept: MAX_UNOBSERVED_EVENTS / 2 }, 'session events are not observed; dropping the oldest');
      this.#unobservedWarned = true;
      this.#unobserved.splice(0, MAX_UNOBSERVED_EVENTS / 2);
    }
    this.#unobserved.push(event);
  }

  async #fail(error: S2SError): Promise<void> {
    if (this.#state === 'closed') return;
    this.#logger.error({ code: error.code }, 'openai realtime session failed');
    this.#emit({ type: 'error', error, recoverable: false });
    this.#closing ??= this.#shutdown(`failed: ${error.code}`);
    await this.#closing;
  }

  async #shutdown(reason: string): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#scheduler.disarm();
    this.#lifetime.abort();
    this.#deferred.length = 0;
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection) await connection.close(1000, 'client closed');
    this.#emit({ type: 'closed', reason });
    this.#subject.complete();
  }
}
