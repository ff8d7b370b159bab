/**
 * `GeminiLiveSession`: one conversation with Gemini Live, over as many connections as it takes.
 *
 * The session owns the conversation (mirror, tool calls) and outlives its connections: after a `goAway` it opens a
 * new connection at a pause with the latest resumption handle *before* the old one ends (make before break),
 * holding the user's audio during the switch; an unexpected close (1011, a drop) is retried with backoff and
 * resumption; when no handle is valid it starts fresh and re-seeds from the mirror. 1007/1008 are fatal. Mapping of
 * server messages is in `event-mapper.ts`, the audio path in `input-audio.ts`, planning in `rotation.ts`.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import type { Observable } from 'rxjs';
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
import { schedulerClock, type Clock } from './clock';
import type { ResolvedGeminiConfig } from './config';
import { LiveConnection } from './connection';
import { GeminiLiveError, closeDisposition, connectionError } from './errors';
import { ServerMessageMapper } from './event-mapper';
import { SessionEvents } from './events';
import { ConversationHistory } from './history';
import { InputAudio } from './input-audio';
import { GEMINI_INPUT_SAMPLE_RATE, GEMINI_LIVE_PROVIDER, GEMINI_OUTPUT_SAMPLE_RATE } from './names';
import { durationMs, type ClientMessage, type ServerMessage } from './protocol';
import { GoAwayPlanner, reconnectDelayMs } from './rotation';
import { buildSetup, wireTools } from './setup';

/** Operations held while switching connections (text, tool results, commits). */
const MAX_DEFERRED_OPERATIONS = 1000;

type SessionState = 'connecting' | 'ready' | 'switching' | 'closed';

/** A live Gemini conversation. Create it with `createS2S('gemini_live', …).start()`. */
export class GeminiLiveSession implements S2SSession {
  readonly id: string;
  readonly provider = GEMINI_LIVE_PROVIDER;
  readonly capabilities: S2SCapabilities;
  readonly audioFormat: S2SAudioFormat = { inputSampleRate: GEMINI_INPUT_SAMPLE_RATE, outputSampleRate: GEMINI_OUTPUT_SAMPLE_RATE };
  readonly events: Observable<S2SEvent>;
  readonly #config: ResolvedGeminiConfig;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #events: SessionEvents;
  readonly #history: ConversationHistory;
  readonly #mapper: ServerMessageMapper;
  readonly #input: InputAudio;
  readonly #planner: GoAwayPlanner;
  readonly #lifetime = new AbortController();
  readonly #deferred: (() => void)[] = [];
  /** Cancel functions of delayed tool results. */
  readonly #pendingTimers = new Set<() => void>();
  #instructions: string | undefined;
  #tools: readonly ToolDefinition[];
  #state: SessionState = 'connecting';
  #connection: LiveConnection | undefined;
  #handle: string | undefined;
  #activityOpen = false;
  /** The connection that announced its end with `goAway` (its close is expected). */
  #goAwayFrom: LiveConnection | undefined;
  #closing: Promise<void> | undefined;
  /** Connections opened so far (1 + rotations + reconnects). */
  connectionCount = 0;

  /** Use {@link GeminiLiveSession.start}. */
  private constructor(config: ResolvedGeminiConfig, capabilities: S2SCapabilities, options: S2SStartOptions) {
    this.id = `gemini-${randomUUID()}`;
    this.#config = config;
    this.capabilities = capabilities;
    this.#logger = (options.logger ?? silentLogger()).child({ provider: GEMINI_LIVE_PROVIDER, session: this.id });
    this.#clock = schedulerClock(config.scheduler);
    this.#events = new SessionEvents(this.#logger);
    this.events = this.#events.observable;
    this.#instructions = config.instructions;
    this.#tools = config.tools;
    this.#history = new ConversationHistory(config.historyMaxItems);
    if (options.history) this.#history.addMessages(options.history);
    this.#mapper = new ServerMessageMapper({ history: this.#history, model: config.model, emit: (event) => this.#emit(event) });
    this.#input = new InputAudio(config.backlogMs, (json) => this.#connection?.sendRaw(json) ?? false, this.#logger);
    this.#planner = new GoAwayPlanner(this.#clock, config.pauseQuietMs, config.goAwayMarginMs, {
      isBusy: () => this.#mapper.responding || this.#mapper.pendingCallCount > 0 || this.#activityOpen,
      rotate: () => void this.#switch('go-away', true),
    });
  }

  /**
   * Connects, sends `setup`, waits for `setupComplete` and seeds `options.history`.
   *
   * @throws `GeminiLiveError` when the service refuses the setup (1007 bad argument or key, 1008 unknown model);
   * `S2SError` `unauthorized`, `connect_timeout`, `connection_failed`, `aborted`.
   */
  static async start(config: ResolvedGeminiConfig, capabilities: S2SCapabilities, options: S2SStartOptions = {}): Promise<GeminiLiveSession> {
    const session = new GeminiLiveSession(config, capabilities, options);
    const signal = options.signal ? AbortSignal.any([options.signal, session.#lifetime.signal]) : session.#lifetime.signal;
    try {
      session.#attach(await session.#open(false, signal), undefined);
    } catch (error) {
      session.#state = 'closed';
      session.#lifetime.abort();
      session.#events.complete();
      throw error;
    }
    return session;
  }

  /** The conversation so far: user transcripts, assistant text as heard, tool calls and results. */
  get conversation(): LlmMessage[] {
    return this.#history.toMessages();
  }

  /** The latest resumable handle, if any. */
  get resumptionHandle(): string | undefined {
    return this.#handle;
  }

  /** Samples of user audio handed to the socket so far (across connections). */
  get sentInputSamples(): number {
    return this.#input.sentSamples;
  }

  sendAudio(samples: Int16Array): void {
    if (!(samples instanceof Int16Array)) throw new InvalidFrameError('sendAudio expects PCM16 samples in an Int16Array.');
    if (this.#state === 'closed') return;
    if (this.#config.turnDetection === 'manual' && !this.#activityOpen && this.#state === 'ready') this.#startActivity();
    // Only while a goAway move waits for a pause: the user talking is no pause (cheap, and only then).
    if (this.#planner.pending && isLoud(samples)) this.#planner.notifyActivity();
    this.#input.push(samples);
  }

  sendText(text: string, options: SendTextOptions = {}): void {
    const role = options.role ?? 'user';
    const respond = options.respond ?? true;
    this.#whenReady(() => {
      this.#history.addText(role, text);
      if (role === 'user' && respond) {
        // realtimeInput.text is accepted by every Live model; mid-session clientContent is not (protocol §4.2).
        this.#send({ realtimeInput: { text } });
      } else {
        this.#send({ clientContent: { turns: [{ role: 'user', parts: [{ text: role === 'system' ? `[system] ${text}` : text }] }], turnComplete: respond } });
      }
      this.#planner.notifyActivity();
    });
  }

  /**
   * Answers a tool call by id. A result sent with `respond: false` (a call cut by barge-in) waits `pause_quiet_ms`
   * first: the service usually withdraws such calls itself (`toolCallCancellation`), and a result for a withdrawn id
   * is refused; it is sent only if the call was not withdrawn meanwhile. Results for withdrawn calls are dropped.
   */
  sendToolResult(result: S2SToolResult): void {
    if (this.#state === 'closed') return;
    if (result.respond === false) {
      const cancel = this.#clock.setTimer(this.#config.pauseQuietMs, () => {
        this.#pendingTimers.delete(cancel);
        this.#sendToolResultNow(result);
      });
      this.#pendingTimers.add(cancel);
      return;
    }
    this.#sendToolResultNow(result);
  }

  #sendToolResultNow(result: S2SToolResult): void {
    this.#whenReady(() => {
      if (this.#mapper.wasCancelled(result.callId)) {
        this.#logger.debug({ callId: result.callId }, 'tool result for a call the service withdrew; not sent');
        return;
      }
      const name = this.#mapper.callName(result.callId) ?? result.name;
      this.#mapper.callAnswered(result.callId);
      this.#history.addResult(result.callId, name, result.output);
      const nonBlocking = this.#config.toolBehavior === 'non_blocking';
      const scheduling = (result.respond ?? true) ? this.#config.toolScheduling : 'silent';
      this.#send({
        toolResponse: {
          functionResponses: [
            {
              id: result.callId,
              name,
              response: result.isError === true ? { error: parseOutput(result.output) } : { output: parseOutput(result.output) },
              ...(nonBlocking ? { scheduling: scheduling === 'when_idle' ? 'WHEN_IDLE' : scheduling === 'silent' ? 'SILENT' : 'INTERRUPT' } : {}),
            },
          ],
        },
      });
      this.#planner.notifyActivity();
    });
  }

  /**
   * Barge-in: drops the rest of the current turn's output at once and records the assistant's text as heard up to
   * `playedMs` (Gemini has no server-side truncation). With manual turns it also opens the user's activity, which
   * makes the service stop generating.
   */
  interrupt(options: InterruptOptions = {}): void {
    if (this.#state === 'closed') return;
    const event = this.#mapper.interruptLocally(options.playedMs, options.utteranceId);
    if (this.#config.turnDetection === 'manual' && !this.#activityOpen && this.#state === 'ready') this.#startActivity();
    if (event !== undefined) this.#emit(event);
  }

  /** Ends the user's turn: `activityEnd` with manual turns, `audioStreamEnd` with server VAD. */
  commitUserTurn(): void {
    this.#whenReady(() => {
      if (this.#config.turnDetection === 'manual') {
        if (!this.#activityOpen) return;
        this.#activityOpen = false;
        this.#send({ realtimeInput: { activityEnd: {} } });
      } else {
        this.#send({ realtimeInput: { audioStreamEnd: true } });
      }
      this.#planner.notifyActivity();
    });
  }

  /** Replaces the tools: see {@link GeminiLiveSession.updateSession}. */
  updateTools(tools: readonly ToolDefinition[]): void {
    this.updateSession({ tools });
  }

  /**
   * Changes instructions and/or tools. Sent at once as `contextUpdate` (which models accept it is not documented
   * yet), and always applied to the `setup` of every later connection (resumption may change them).
   */
  updateSession(update: S2SSessionUpdate): void {
    if (update.tools !== undefined) validateS2SConfig(GEMINI_LIVE_PROVIDER, { tools: update.tools });
    if (update.instructions !== undefined) this.#instructions = update.instructions;
    if (update.tools !== undefined) this.#tools = update.tools;
    this.#whenReady(() => {
      this.#send({
        contextUpdate: {
          ...(update.instructions === undefined ? {} : { systemInstruction: { parts: [{ text: update.instructions }] } }),
          ...(update.tools === undefined ? {} : { tools: { tools: update.tools.length === 0 ? [] : wireTools(this.#config, update.tools) } }),
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

  /** Opens a set-up connection: resuming with the handle when there is one, else fresh (seeded from the mirror). */
  async #open(resume: boolean, signal: AbortSignal): Promise<{ connection: LiveConnection; seeded: boolean }> {
    const handle = resume && this.#config.sessionResumption ? this.#handle : undefined;
    const seed = handle === undefined && this.#history.entries.length > 0;
    const setup = buildSetup(this.#config, {
      ...(this.#instructions === undefined ? {} : { instructions: this.#instructions }),
      tools: this.#tools,
      ...(handle === undefined ? {} : { handle }),
      seedHistory: seed,
    });
    try {
      const connection = await LiveConnection.open(this.#config, setup, this.#logger, this.#clock, signal);
      this.connectionCount += 1;
      return { connection, seeded: seed };
    } catch (error) {
      // A refused resumption (expired or unknown handle): start fresh and re-seed from the mirror.
      if (handle !== undefined && error instanceof GeminiLiveError && !error.recoverable) {
        this.#logger.warn({ closeCode: error.closeCode }, 'gemini live refused the resumption handle; starting a fresh session from the local history');
        this.#handle = undefined;
        return this.#open(false, signal);
      }
      throw error;
    }
  }

  /** Makes a connection the session's: seeds history if fresh, flushes held audio and operations, goes live. */
  #attach(opened: { connection: LiveConnection; seeded: boolean }, rotated: 'go-away' | 'reconnect' | undefined): void {
    const { connection, seeded } = opened;
    this.#connection = connection;
    this.#state = 'ready';
    connection.attach({
      onMessage: (message) => {
        if (connection === this.#connection) this.#onMessageSafely(message);
      },
      onGarbage: (length) => {
        if (connection === this.#connection) this.#onGarbage(length);
      },
      onClose: (code, reason) => this.#onClose(connection, code, reason),
    });
    if (seeded) this.#send({ clientContent: { turns: this.#history.toTurns(), turnComplete: true } });
    if (rotated !== undefined) {
      this.#logger.info({ reason: rotated, resumed: !seeded }, 'gemini live session moved to a new connection');
      this.#emit({ type: 'session.rotated', reason: rotated });
    }
    const wasInActivity = this.#activityOpen;
    this.#activityOpen = false;
    if (this.#config.turnDetection === 'manual' && (wasInActivity || this.#input.backlogSamples > 0)) this.#startActivity();
    this.#input.goOnline();
    for (const operation of this.#deferred.splice(0)) operation();
  }

  /**
   * Moves to a new connection. `go-away`: the old one still works, so the new one is set up first and the old one
   * closed after (audio held meanwhile). `reconnect`: the old one is gone; retried with backoff.
   */
  async #switch(reason: 'go-away' | 'reconnect', oldAlive: boolean): Promise<void> {
    if (this.#state !== 'ready') return;
    const old = this.#connection;
    this.#state = 'switching';
    this.#planner.cancel();
    this.#input.goOffline();
    if (!oldAlive) {
      this.#connection = undefined;
      if (this.#mapper.reset()) this.#logger.warn('the connection dropped mid-turn; the turn ended as failed');
    }
    const attempts = Math.max(1, this.#config.reconnectAttempts);
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const delay = attempt === 0 && (oldAlive || reason === 'go-away') ? 0 : reconnectDelayMs(attempt, this.#config.reconnectBackoffMs, this.#config.reconnectBackoffMaxMs);
      if (!(await this.#clock.sleep(delay, this.#lifetime.signal))) return;
      try {
        const opened = await this.#open(true, this.#lifetime.signal);
        if (this.#isClosed()) {
          opened.connection.terminate();
          return;
        }
        if (old !== undefined && oldAlive) {
          this.#connection = undefined;
          void old.close(1000, 'moved to a new connection');
          // Forced to move mid-turn (no pause before the deadline): the new connection will not finish that turn.
          if (this.#mapper.reset()) this.#logger.warn('moved to a new connection mid-turn (no pause before the goAway deadline); the turn ended as failed');
        }
        this.#attach(opened, reason);
        return;
      } catch (error) {
        if (this.#isClosed()) return;
        lastError = error;
        this.#logger.warn({ err: error, attempt: attempt + 1, attempts }, 'gemini live reconnect failed');
        if (error instanceof S2SError && !error.recoverable) break;
      }
    }
    old?.terminate();
    await this.#fail(
      lastError instanceof S2SError && !lastError.recoverable ? lastError : connectionError('connection_lost', `the connection was lost and ${attempts} reconnect attempt(s) failed.`, false, lastError),
    );
  }

  #onClose(connection: LiveConnection, code: number, reason: string): void {
    if (connection !== this.#connection || this.#state === 'closed') return;
    // A switch under way replaces this connection (its attempts and failures are handled there).
    if (this.#state === 'switching') return;
    const expected = this.#goAwayFrom === connection;
    if (!expected && closeDisposition(code) === 'fatal') {
      void this.#fail(new GeminiLiveError(code, reason, false));
      return;
    }
    if (expected) {
      // The connection ended before a pause came (any close code after goAway is expected, protocol §5.4).
      this.#logger.info({ code }, 'gemini live connection ended after goAway; resuming now');
    } else {
      const error = new GeminiLiveError(code, reason, true);
      this.#logger.warn({ code, reason }, 'gemini live connection closed unexpectedly; reconnecting');
      this.#emit({ type: 'error', error, recoverable: true });
    }
    void this.#switch(expected ? 'go-away' : 'reconnect', false);
  }

  // ---- server messages ------------------------------------------------------------------------------------------

  #onMessage(message: ServerMessage): void {
    if (message.sessionResumptionUpdate !== undefined) {
      const update = message.sessionResumptionUpdate;
      if (update.resumable === true && update.newHandle !== undefined && update.newHandle !== '') this.#handle = update.newHandle;
    }
    if (message.goAway !== undefined) {
      const timeLeftMs = durationMs(message.goAway.timeLeft) ?? 0;
      this.#logger.info({ timeLeftMs }, 'gemini live goAway: the connection ends soon');
      this.#goAwayFrom = this.#connection;
      this.#emit({ type: 'go-away', timeLeftMs });
      if (this.#state === 'ready') this.#planner.goAway(timeLeftMs);
    }
    this.#mapper.map(message);
    if (message.serverContent !== undefined || message.toolCall !== undefined || message.toolCallCancellation !== undefined) this.#planner.notifyActivity();
  }

  /** Handles one message; one the client cannot read (fields of unexpected types) becomes a typed error, not a crash. */
  #onMessageSafely(message: ServerMessage): void {
    try {
      this.#onMessage(message);
    } catch (cause) {
      this.#logger.warn({ keys: Object.keys(message).slice(0, 5) }, 'unreadable server message');
      this.#emit({ type: 'error', error: connectionError('invalid_server_message', 'the service sent a message with fields of unexpected types; ignored.', true, cause), recoverable: true });
    }
  }

  #onGarbage(length: number): void {
    this.#logger.warn({ length }, 'unreadable server message');
    this.#emit({ type: 'error', error: connectionError('invalid_server_message', `the service sent a frame that is not a JSON object (${length} bytes); ignored.`, true), recoverable: true });
  }

  // ---- helpers --------------------------------------------------------------------------------------------------

  #startActivity(): void {
    this.#activityOpen = true;
    this.#send({ realtimeInput: { activityStart: {} } });
  }

  #send(message: ClientMessage): boolean {
    return this.#connection?.send(message) ?? false;
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

  #emit(event: S2SEvent): void {
    this.#events.emit(event);
  }

  async #fail(error: S2SError): Promise<void> {
    if (this.#state === 'closed') return;
    this.#logger.error({ code: error.code }, 'gemini live session failed');
    this.#emit({ type: 'error', error, recoverable: false });
    this.#closing ??= this.#shutdown(`failed: ${error.code}`);
    await this.#closing;
  }

  async #shutdown(reason: string): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#planner.cancel();
    this.#lifetime.abort();
    this.#deferred.length = 0;
    for (const cancel of this.#pendingTimers) cancel();
    this.#pendingTimers.clear();
    this.#input.clear();
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection) await connection.close(1000, 'client closed');
    this.#emit({ type: 'closed', reason });
    this.#events.complete();
  }
}

/** RMS over which user audio counts as talking when looking for a pause (about -36 dBFS). */
const TALKING_RMS = 500;

/** Whether a frame is louder than {@link TALKING_RMS}. */
function isLoud(samples: Int16Array): boolean {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return samples.length > 0 && sum / samples.length > TALKING_RMS * TALKING_RMS;
}

/** A tool output as the JSON value it holds, else the text itself (`response` must be an object, protocol §4.4). */
function parseOutput(output: string): unknown {
  try {
    return JSON.parse(output) as unknown;
  } catch {
    return output;
  }
}
