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
  type S2SStartOptions,
  type S2SToolResult,
  type SendTextOptions,
  type ToolDefinition,
} from '@voxframe/core';
import { AudioCodec } from './audio-codec';
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

type SessionState = 'connecting' | 'ready' | 'recovering' | 'rotating' | 'closed';

/** A live OpenAI Realtime conversation. Create it with `createS2S('openai_realtime', …).start()`. */
export class OpenAIRealtimeSession implements S2SSession {
  readonly id: string;
  readonly provider = OPENAI_REALTIME_PROVIDER;
  readonly capabilities: S2SCapabilities;
  readonly audioFormat: S2SAudioFormat;
  readonly events: Observable<S2SEvent>;
  readonly #config: ResolvedOpenAIConfig;
  readonly #logger: Logger;
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
  /** Client event ids whose failure is expected and harmless (races the protocol note describes in §6, §10.5). */
  readonly #tolerated = { cancel: new ToleratedIds(), truncate: new ToleratedIds(), create: new ToleratedIds() };

  /** Use {@link OpenAIRealtimeSession.start}. */
  private constructor(config: ResolvedOpenAIConfig, capabilities: S2SCapabilities, options: S2SStartOptions) {
    this.id = `oai-${randomUUID()}`;
    this.#config = config;
    this.capabilities = capabilities;
    this.audioFormat = { inputSampleRate: config.sampleRate, outputSampleRate: config.sampleRate };
    this.#logger = (options.logger ?? silentLogger()).child({ provider: OPENAI_REALTIME_PROVIDER, session: this.id });
    this.#tools = config.tools;
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
      emit: (event) => this.#emit(event),
      now: () => Date.now(),
    });
    this.#scheduler = new RotationScheduler(config.maxSessionMs, ROTATION_QUIET_MS, {
      isBusy: () => this.#sequencer.busy || this.#mapper.userSpeaking,
      notBefore: () => this.#playbackEndEstimate(),
      rotate: () => void this.#rotate(),
    });
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
    const session = new OpenAIRealtimeSession(config, capabilities, options);
    if (config.temperatureIgnored) {
      session.#logger.warn('config.temperature is not supported by the GA Realtime interface; it is ignored');
    }
    if (config.deprecatedModel) {
      session.#logger.warn({ model: config.model }, 'this model is deprecated (shutdown announced for 2027-01-20); move to gpt-realtime-2.1');
    }
    const signal = options.signal ? AbortSignal.any([options.signal, session.#lifetime.signal]) : session.#lifetime.signal;
    try {
      const configured = await openConfiguredConnection(config, session.#tools, session.#logger, () => session.#nextEventId(), signal);
      session.#attach(configured, undefined, false);
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

  interrupt(options: InterruptOptions = {}): void {
    if (this.#state !== 'ready') return;
    const responseId = this.#sequencer.activeResponseId;
    let cancelled = false;
    if (responseId !== undefined && !this.#mapper.isInterrupted(responseId)) {
      this.#mapper.markInterrupted(responseId);
      const eventId = this.#nextEventId();
      this.#tolerated.cancel.add(eventId);
      this.#send({ type: 'response.cancel', event_id: eventId });
      cancelled = true;
    }
    const plan = this.#truncation.plan(options.utteranceId, options.playedMs, Date.now());
    if (plan !== undefined) {
      const eventId = this.#nextEventId();
      this.#tolerated.truncate.add(eventId);
      this.#send({ type: 'conversation.item.truncate', event_id: eventId, item_id: plan.itemId, content_index: 0, audio_end_ms: plan.audioEndMs });
      this.#history.truncateAssistant(plan.itemId, plan.audioEndMs, plan.generatedMs);
    }
    if (cancelled) {
      const playedMs = plan?.audioEndMs ?? options.playedMs;
      const utteranceId = plan?.itemId ?? options.utteranceId ?? this.#truncation.latestItemId;
      this.#emit({ type: 'interrupted', ...(playedMs === undefined ? {} : { playedMs }), ...(utteranceId === undefined ? {} : { utteranceId }) });
    }
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
    validateS2SConfig(OPENAI_REALTIME_PROVIDER, { tools });
    this.#tools = tools;
    this.#whenReady(() => {
      this.#send({ type: 'session.update', event_id: this.#nextEventId(), session: { type: 'realtime', tools: wireTools(tools) } });
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
  #attach(configured: ConfiguredConnection, rotated: 'expiry' | 'reconnect' | undefined, resumeResponse: boolean): void {
    const connection = configured.connection;
    this.#connection = connection;
    this.#expiredByService = false;
    this.#mapper.reset();
    this.#truncation.reset();
    for (const ids of Object.values(this.#tolerated)) ids.clear();
    for (const item of this.#history.toItems()) {
      this.#send({ type: 'conversation.item.create', event_id: this.#nextEventId(), item });
    }
    this.#history.forgetItemIds();
    this.#input.goOnline(rotated !== undefined);
    this.#state = 'ready';
    this.#scheduler.arm();
    if (rotated !== undefined) {
      this.#logger.info({ reason: rotated, serviceSession: connection.serviceSessionId }, 'openai realtime session rotated');
      this.#emit({ type: 'session.rotated', reason: rotated });
    }
    configured.attach({
      onEvent: (event) => {
        if (connection === this.#connection && this.#state !== 'rotating') this.#onEventSafely(event);
      },
      onGarbage: (length) => {
        if (connection === this.#connection) this.#onGarbage(length);
      },
      onClose: (code, reason) => this.#onConnectionClose(connection, code, reason),
    });
    for (const operation of this.#deferred.splice(0)) operation();
    if (resumeResponse) this.#sequencer.request();
    this.#sequencer.resume();
  }

  /** An unexpected close or a service expiry: reconnect with backoff and re-seed. */
  async #recover(reason: 'expiry' | 'reconnect'): Promise<void> {
    if (this.#state !== 'ready') return;
    this.#state = 'recovering';
    this.#scheduler.disarm();
    this.#sequencer.pause();
    this.#input.goOffline();
    const lostResponseId = this.#sequencer.activeResponseId;
    const wasResponding = this.#sequencer.onConnectionReset();
    if (lostResponseId !== undefined) this.#emit({ type: 'turn.end', status: 'failed', responseId: lostResponseId });
    this.#connection = undefined;
    const attempts = reason === 'expiry' ? Math.max(1, this.#config.reconnectAttempts) : this.#config.reconnectAttempts;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const delay = reason === 'expiry' && attempt === 0 ? 0 : reconnectDelayMs(attempt, this.#config.reconnectBackoffMs, this.#config.reconnectBackoffMaxMs);
      if (!(await sleep(delay, this.#lifetime.signal))) return;
      try {
        const configured = await openConfiguredConnection(this.#config, this.#tools, this.#logger, () => this.#nextEventId(), this.#lifetime.signal);
        if (this.#isClosed()) {
          configured.connection.terminate();
          return;
        }
        this.#attach(configured, reason, wasResponding);
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
    this.#logger.info({ ageMs: Date.now() - old.openedAt }, 'rotating the openai realtime session at a pause');
    try {
      const configured = await openConfiguredConnection(this.#config, this.#tools, this.#logger, () => this.#nextEventId(), this.#lifetime.signal);
      if (this.#state !== 'rotating') {
        configured.connection.terminate();
        return;
      }
      void old.close(1000, 'session rotated');
      this.#sequencer.onConnectionReset();
      this.#attach(configured, 'expiry', false);
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
    this.#send({ type: 'response.create', event_id: eventId });
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

/** Waits `ms`; resolves `false` when the signal aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
