/**
 * The S2S processor: drives one speech-to-speech session from a pipeline (the seeds' AsFrameProcessor, done right).
 *
 * Frames in:
 * - `audio.input` -> `sendAudio`, resampled to the provider's input rate (mono; see `multichannelInput`);
 * - `text` (user/system) -> `sendText`; assistant text passes on;
 * - `user.stopped-speaking` from a local VAD -> `commitUserTurn()` under local turn-taking;
 * - `interruption.start` -> `interrupt({ playedMs, utteranceId })` by the playback clock, once per response;
 * - `playback.progress` / `bot.*-speaking` (upstream, from the output side) -> the playback clock;
 * - `tool.result` (from the application, `unknownTools: 'external'`) -> `sendToolResult`.
 *
 * Events out: `audio.output` at the provider's true rate, `text`, `transcript`, `tool.call` / `tool.result`,
 * `response.started`, `turn.end` + `response.ended`, `user.*-speaking` from server VAD, metrics (TTFB, usage) and
 * error frames. Hooks are called; a hook that throws becomes an error frame.
 *
 * @packageDocumentation
 */
import type { Subscription } from 'rxjs';
import {
  FrameProcessor,
  invokeHook,
  makeFrame,
  VoxframeError,
  InvalidFrameError,
  type EndFrame,
  type Frame,
  type FrameDirection,
  type HookName,
  type Hooks,
  type InputAudioFrame,
  type LlmMessage,
  type LlmMessagesFrame,
  type S2S,
  type S2SSessionFrame,
  type S2SStartOptions,
  type SettingsUpdateFrame,
  type ToolDefinition,
  type S2SEvent,
  type S2SSession,
  type StartFrame,
  type StartInterruptionFrame,
  type TextFrame,
  type ToolResultFrame,
} from '@voxframe/core';
import { ToolRegistry } from '../tools/tool-registry';
import type { ToolCancelReason } from '../tools/errors';
import type { ToolOutcome } from '../tools/tool-outcome';
import { S2SCapabilityError, S2SSessionClosedError, S2SStartError } from './errors';
import { assistantTextFrame, assistantTurnEndFrames, outputAudioFrame, toolCallFrame, transcriptFrame } from './event-mapper';
import { closeWithin } from './close-session';
import { InputAudioConverter } from './input-audio';
import { ResponseState } from './response-state';
import { assertS2SProcessorOptions, s2sProcessorDefaults, type S2SProcessorOptions } from './options';
import { ToolRunner } from './tool-runner';
import { TurnTracker, type FinishedTurn } from './turn-tracker';

type EventOf<T extends S2SEvent['type']> = Extract<S2SEvent, { type: T }>;

/** Drives one S2S session. Create it with {@link s2sProcessor}. */
export class S2SProcessor extends FrameProcessor {
  readonly #options: S2SProcessorOptions;
  readonly #registry: ToolRegistry;
  readonly #turns = new TurnTracker();
  readonly #sendAudio = (samples: Int16Array): void => this.#toSession(samples);
  #session: S2SSession | undefined;
  #events: Subscription | undefined;
  #input: InputAudioConverter | undefined;
  #tools: ToolRunner | undefined;
  /** We are closing the session (end, cancel, dispose): its `closed` event is expected. */
  #closing = false;
  /** The session can take no more input (closed or failed fatally). */
  #sessionDown = false;
  #disposed = false;
  #allowInterruptions = true;
  /** User audio held while a fresh session seeded by an `llm.messages` replace frame connects. */
  #reseedHeld: Int16Array[] | undefined;
  #reseeds = 0;
  /** Aborts a connect still in progress when the pipeline is cancelled. */
  readonly #starting = new AbortController();

  // Output state.
  readonly #response = new ResponseState();
  /** Turns cut by the flush of the interruption in progress, reported once it completed. */
  readonly #cutTurns: FinishedTurn[] = [];
  #outputPtsMs = 0;
  #awaitingFirstAudio = false;
  #pendingInterrupt: StartInterruptionFrame | undefined;
  #droppedOutput = 0;

  // Input state.
  #localVad = false;
  #droppedInput = 0;
  #multichannelReported = false;
  #audioErrorReported = false;

  constructor(options: S2SProcessorOptions) {
    assertS2SProcessorOptions(options);
    super({ name: 's2s', ...options });
    this.#options = options;
    const tools = options.tools;
    this.#registry = tools instanceof ToolRegistry ? tools : new ToolRegistry(tools ?? []);
  }

  /** The session, once started. */
  get session(): S2SSession | undefined {
    return this.#session;
  }

  /** Output audio events dropped because their utterance had been interrupted. */
  get droppedStaleAudioEvents(): number {
    return this.#droppedOutput;
  }

  // ---------------------------------------------------------------- lifecycle

  protected override async onStart(frame: StartFrame): Promise<void> {
    this.#allowInterruptions = frame.allowInterruptions;
    let session = this.#options.session;
    if (session === undefined) {
      const engine = this.#options.s2s as S2S;
      try {
        session = await engine.start(this.#startOptions(engine));
      } catch (error) {
        this.#sessionDown = true;
        if (this.#closing) this.logger.debug({ err: error }, 'connecting was aborted by shutdown');
        else this.#fail(new S2SStartError(engine.provider, error));
        return;
      }
      if (this.#disposed || this.#closing) {
        // Cancelled while connecting: nobody will drive this session.
        void session.close().catch((error: unknown) => this.logger.debug({ err: error }, 'closing a session started too late failed'));
        return;
      }
    }
    this.#session = session;
    this.#input = new InputAudioConverter(session.audioFormat.inputSampleRate, this.#options.resamplerQuality ?? s2sProcessorDefaults.resamplerQuality);
    this.#tools = new ToolRunner(this.#registry, {
      scheduler: this.scheduler,
      logger: this.logger,
      onOutcome: (outcome, reason) => this.#onToolOutcome(outcome, reason),
    });
    this.logger.info({ provider: session.provider, session: session.id, audioFormat: session.audioFormat }, 's2s session started');
  }

  /**
   * The session's start options: the run's clock, the tool registry's definitions (tools are given in one place),
   * and G.711 pass-through when the input is telephony audio the provider can take as is. No hooks: this
   * processor calls its own, so none is called twice.
   */
  #startOptions(engine: S2S): S2SStartOptions {
    const encoding = this.#options.inputEncoding;
    const passThrough = encoding !== undefined && (engine.capabilities.encodedAudio ?? []).includes(encoding);
    if (encoding !== undefined && !passThrough) {
      this.logger.info({ encoding, provider: engine.provider }, 'the provider cannot take this encoding as is; input is resampled to its PCM rate');
    }
    const definitions = this.#registry.definitions();
    return {
      ...this.#options.startOptions,
      ...(definitions.length > 0 && this.#options.startOptions?.tools === undefined ? { tools: definitions } : {}),
      ...(passThrough ? { audioEncoding: encoding } : {}),
      signal: this.#starting.signal,
      logger: this.logger,
      scheduler: this.scheduler,
    };
  }

  protected override async onEnd(frame: EndFrame): Promise<void> {
    void frame;
    const session = this.#session;
    if (session !== undefined && this.#input !== undefined && !this.#sessionDown) this.#input.flush(this.#sendAudio);
    for (const turn of this.#turns.flush()) this.#hook('onTurn', turn.info);
    await this.#close('pipeline ended');
  }

  protected override onCancel(): void {
    void this.#close('pipeline cancelled');
  }

  protected override onDispose(): void {
    this.#disposed = true;
    void this.#close('processor disposed');
  }

  /** Subscribes to session events once the start frame went downstream, so nothing the session emits precedes it. */
  protected override afterStart(): void {
    this.#subscribe();
  }

  /**
   * Completes an interruption once `interruption.start` went downstream: by then the output side flushed and
   * reported, in the same tick, how much of the utterance was heard.
   */
  protected override afterInterruption(frame: StartInterruptionFrame): void {
    if (this.#pendingInterrupt === frame) this.#completeInterrupt(frame);
  }

  // ---------------------------------------------------------------- frames in

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction === 'downstream') {
      switch (frame.type) {
        case 'audio.input':
          this.#onInputAudio(frame);
          if (this.#options.passThroughInput === true) this.push(frame, direction);
          return;
        case 'text':
          if (frame.role === 'assistant') break;
          this.#onInputText(frame);
          return;
        case 'user.started-speaking':
          this.#localVad = true;
          break;
        case 'user.stopped-speaking':
          this.#localVad = true;
          this.#onLocalUserStopped();
          break;
        case 'tool.result':
          this.#forwardExternalToolResult(frame);
          break;
        case 'settings.update':
          this.#onSettings(frame);
          break;
        case 'llm.messages':
          // A conversation handed over (e.g. by a service switcher) seeds a fresh session; `append` adds to this one.
          if (frame.mode === 'replace') void this.#reseed(frame.messages);
          else this.#onLlmMessages(frame);
          return;
        default:
          break;
      }
    } else {
      switch (frame.type) {
        case 'playback.progress':
          this.#onPlaybackProgress(frame.utteranceId, frame.playedMs, frame.final);
          break;
        case 'bot.started-speaking':
          this.#response.botSpeaking(true);
          break;
        case 'bot.stopped-speaking':
          this.#response.botSpeaking(false);
          break;
        case 'tool.result':
          this.#forwardExternalToolResult(frame);
          break;
        default:
          break;
      }
    }
    this.push(frame, direction);
  }

  protected override onInterruption(frame: StartInterruptionFrame): void {
    const cancelled = this.#tools?.cancelForInterruption() ?? 0;
    if (cancelled > 0) this.logger.debug({ cancelled }, 'barge-in cancelled tool calls');
    if (this.#session === undefined || this.#sessionDown || !this.#response.interruptible) {
      this.logger.debug({ reason: frame.reason }, 'interruption with nothing playing or already interrupted; session not interrupted');
      return;
    }
    // Finished in push(), once this frame went downstream and the output side reported what was heard.
    this.#pendingInterrupt = frame;
  }

  #onInputAudio(frame: InputAudioFrame): void {
    const session = this.#session;
    const input = this.#input;
    if (session === undefined || input === undefined || this.#sessionDown) {
      this.#droppedInput += 1;
      if (this.#droppedInput === 1) this.logger.warn('input audio arrived with no live session; dropping it (logged once)');
      return;
    }
    if (!(Number.isInteger(frame.sampleRate) && frame.sampleRate > 0 && Number.isInteger(frame.channels) && frame.channels > 0)) {
      this.pushError(new InvalidFrameError(`audio.input frame with sampleRate ${frame.sampleRate} and channels ${frame.channels}; dropped.`));
      return;
    }
    let samples = frame.samples;
    if (frame.channels !== 1) {
      const reject = (this.#options.multichannelInput ?? s2sProcessorDefaults.multichannelInput) === 'reject';
      if (!this.#multichannelReported) {
        this.#multichannelReported = true;
        this.pushError(
          new InvalidFrameError(
            `audio.input has ${frame.channels} channels; the voice path is mono, so input is ${reject ? 'dropped' : 'downmixed (channels averaged)'}. ` +
              'Send mono audio to avoid this (reported once).',
          ),
          false,
        );
      }
      if (reject) return;
      samples = input.downmix(samples, frame.channels);
    }
    input.convert(samples, frame.sampleRate, this.#sendAudio);
  }

  #toSession(samples: Int16Array): void {
    if (this.#reseedHeld !== undefined) {
      this.#reseedHeld.push(samples.slice());
      return;
    }
    try {
      (this.#session as S2SSession).sendAudio(samples);
      this.#audioErrorReported = false;
    } catch (error) {
      // One report per run of failures: a broken socket must not turn into 50 error frames a second.
      if (!this.#audioErrorReported) this.pushError(error, false);
      this.#audioErrorReported = true;
    }
  }

  #onInputText(frame: TextFrame): void {
    const session = this.#session;
    if (session === undefined || this.#sessionDown) {
      this.logger.warn('text input arrived with no live session; dropped');
      return;
    }
    if (!session.capabilities.textInput) {
      this.pushError(new S2SCapabilityError(session.provider, 'this provider takes no text input; the text frame was dropped.'));
      return;
    }
    try {
      session.sendText(frame.text, { role: frame.role === 'system' ? 'system' : 'user' });
      this.#expectResponse();
    } catch (error) {
      this.pushError(error);
    }
  }

  #onLocalUserStopped(): void {
    const session = this.#session;
    if (session === undefined || this.#sessionDown) return;
    const turnTaking = this.#options.turnTaking ?? s2sProcessorDefaults.turnTaking;
    const local = turnTaking === 'local' || (turnTaking === 'auto' && !session.capabilities.serverVad);
    if (!local) return;
    if (typeof session.commitUserTurn !== 'function') {
      this.pushError(new S2SCapabilityError(session.provider, 'local turn-taking needs commitUserTurn(), which this provider lacks.'));
      return;
    }
    try {
      session.commitUserTurn();
      this.#expectResponse();
    } catch (error) {
      this.pushError(error);
    }
  }

  #forwardExternalToolResult(frame: ToolResultFrame): void {
    const session = this.#session;
    if (session === undefined || this.#sessionDown) return;
    try {
      session.sendToolResult({ callId: frame.callId, name: frame.name, output: frame.output, isError: frame.isError });
    } catch (error) {
      this.pushError(error);
    }
  }

  #onPlaybackProgress(utteranceId: string | undefined, playedMs: number, final: boolean): void {
    this.#response.progress(utteranceId, playedMs);
    if (!final) return;
    for (const turn of this.#turns.playbackFinished(utteranceId, playedMs)) {
      this.#hook('onTurn', turn.info);
      // Cut by a barge-in after its turn.end went out: the output's flush dropped that turn.end, so a fresh one
      // (interrupted) follows the flush, with the heard text (see #completeInterrupt).
      if (turn.info.status !== 'interrupted') continue;
      if (this.#pendingInterrupt === undefined) this.#pushCutTurn(turn);
      else this.#cutTurns.push(turn);
    }
  }

  /** `settings.update` for this processor (or all): new instructions and/or tools for the session. */
  #onSettings(frame: SettingsUpdateFrame): void {
    if (frame.target !== undefined && frame.target !== this.name) return;
    const { instructions, tools } = frame.settings as { instructions?: unknown; tools?: unknown };
    if (instructions === undefined && tools === undefined) return;
    const session = this.#session;
    if (session === undefined || this.#sessionDown) return;
    if (typeof session.updateSession !== 'function') {
      this.pushError(new S2SCapabilityError(session.provider, 'this provider cannot change instructions or tools mid-session; settings.update ignored.'), false);
      return;
    }
    if ((instructions !== undefined && typeof instructions !== 'string') || (tools !== undefined && !Array.isArray(tools))) {
      this.pushError(new InvalidFrameError('settings.update: instructions must be a string and tools an array of tool definitions.'), false);
      return;
    }
    try {
      session.updateSession({
        ...(instructions === undefined ? {} : { instructions }),
        ...(tools === undefined ? {} : { tools: tools as ToolDefinition[] }),
      });
    } catch (error) {
      this.pushError(error, false);
    }
  }

  /**
   * `llm.messages` (append): user and system messages join the conversation without asking for a response. An
   * S2S session cannot take assistant or tool messages as input, nor replace its context mid-session: those are
   * refused with a recoverable error (seed a new session with `startOptions.history` instead).
   */
  #onLlmMessages(frame: LlmMessagesFrame): void {
    const session = this.#session;
    if (session === undefined || this.#sessionDown) return;
    let refused = 0;
    for (const message of frame.messages) {
      if (message.role !== 'user' && message.role !== 'system') {
        refused += 1;
        continue;
      }
      try {
        session.sendText(message.content, { role: message.role, respond: false });
      } catch (error) {
        this.pushError(error, false);
      }
    }
    if (refused > 0) this.pushError(new S2SCapabilityError(session.provider, `llm.messages: ${refused} assistant/tool message(s) cannot be sent to a live S2S session; dropped.`), false);
  }

  // ---------------------------------------------------------------- interruption

  #completeInterrupt(frame: StartInterruptionFrame): void {
    this.#pendingInterrupt = undefined;
    const session = this.#session;
    if (session === undefined) return;
    // The playback clock: what the output side reported heard. Without one, the provider decides (no truncation).
    const { utteranceId, playedMs, responseActive, unplayedUtteranceIds } = this.#response.interrupt();
    // A finished response's turn is cut by the final progress of its audio instead (see TurnTracker).
    if (responseActive) this.#turns.interruptOpen(utteranceId, playedMs);
    try {
      session.interrupt({
        ...(playedMs === undefined ? {} : { playedMs }),
        ...(utteranceId === undefined ? {} : { utteranceId }),
        ...(unplayedUtteranceIds.length === 0 ? {} : { unplayedUtteranceIds }),
      });
    } catch (error) {
      this.pushError(error);
    }
    // Turns the flush cut after their turn.end went out: what was heard, then one turn.end (interrupted).
    for (const turn of this.#cutTurns.splice(0)) this.#pushCutTurn(turn);
    this.logger.debug({ reason: frame.reason, playedMs, utteranceId }, 'session interrupted');
    this.#hook('onInterrupt', { reason: frame.reason, ...(playedMs === undefined ? {} : { playedMs }), ...(utteranceId === undefined ? {} : { utteranceId }) });
  }

  /** Barge-in detected by the provider: interrupt this processor and everything downstream, like a local VAD would. */
  #interruptFromProvider(reason: string): void {
    if (!this.#allowInterruptions || !this.#response.audible) return;
    this.receive(makeFrame('interruption.start', { reason }), 'downstream');
  }

  // ---------------------------------------------------------------- session events

  #subscribe(): void {
    const session = this.#session;
    if (session === undefined || this.#events !== undefined) return;
    this.#events = session.events.subscribe({
      next: (event) => this.#onEvent(event),
      error: (error: unknown) => this.#onSessionGone(error instanceof Error ? error.message : String(error), error),
      complete: () => this.#onSessionGone('event stream completed'),
    });
  }

  #onEvent(event: S2SEvent): void {
    if (this.#disposed) return;
    // A throw here must not end the subscription (and with it the conversation): report it and go on.
    try {
      this.#dispatch(event);
    } catch (error) {
      this.pushError(error);
    }
  }

  #dispatch(event: S2SEvent): void {
    switch (event.type) {
      case 'audio':
        return this.#onAudio(event);
      case 'text':
        if (this.#response.isStale(event.utteranceId)) return;
        this.#turns.assistantText(event.text);
        return this.push(assistantTextFrame(event));
      case 'transcript':
        return this.#onTranscript(event);
      case 'tool.call':
        return this.#onToolCall(event);
      case 'tool.cancelled': {
        const cancelled = this.#tools?.cancel(event.callIds, 'provider') ?? 0;
        this.logger.debug({ callIds: event.callIds, cancelled }, 'provider cancelled tool calls');
        return;
      }
      case 'speech.started':
        if (!this.#localVad) this.push(makeFrame('user.started-speaking', {}));
        if (this.#options.interruptOnServerVad ?? s2sProcessorDefaults.interruptOnServerVad) this.#interruptFromProvider('user-speech');
        return;
      case 'speech.stopped':
        if (!this.#localVad) this.push(makeFrame('user.stopped-speaking', {}));
        this.#expectResponse();
        return;
      case 'response.started':
        this.#response.beginResponse();
        return this.push(makeFrame('response.started', event.responseId === undefined ? {} : { responseId: event.responseId }));
      case 'turn.end':
        return this.#onTurnEnd(event);
      case 'interrupted':
        this.logger.debug('provider reports its output was interrupted');
        return this.#interruptFromProvider('provider');
      case 'usage':
        return this.pushUsage(event.usage, event.model);
      case 'error':
        if (!event.recoverable) this.#sessionDown = true;
        return this.#fail(event.error, !event.recoverable);
      case 'session.go-away':
      case 'go-away': // deprecated name of session.go-away
        // The session rotates by itself (resumption); the frame tells applications and observers.
        this.logger.info({ timeLeftMs: event.timeLeftMs }, 'provider announced the connection ends soon');
        return this.#pushLifecycle('go-away', { timeLeftMs: event.timeLeftMs });
      case 'session.rotated':
        this.logger.info({ reason: event.reason }, 'session moved to a fresh provider connection');
        return this.#pushLifecycle('rotated', { reason: event.reason });
      case 'closed':
        this.#pushLifecycle('closed', { reason: event.reason });
        return this.#onSessionGone(event.reason);
    }
  }

  #onAudio(event: EventOf<'audio'>): void {
    if (this.#response.isStale(event.utteranceId)) {
      this.#droppedOutput += 1;
      this.logger.debug({ utteranceId: event.utteranceId, dropped: this.#droppedOutput }, 'dropped output audio of an interrupted utterance');
      return;
    }
    if (this.#awaitingFirstAudio) {
      this.#awaitingFirstAudio = false;
      this.stopTtfb();
    }
    this.#response.audioOut(event.utteranceId);
    const durationMs = (event.samples.length / event.sampleRate) * 1000;
    this.#turns.assistantAudio(event.utteranceId, durationMs);
    this.push(outputAudioFrame(event, this.#outputPtsMs));
    this.#outputPtsMs += durationMs;
  }

  #onTranscript(event: EventOf<'transcript'>): void {
    if (event.role === 'user') {
      this.push(transcriptFrame(event));
      const text = this.#turns.userTranscript(event.text, event.final, event.utteranceId);
      if (text !== undefined) this.#hook('onTurn', { role: 'user', text, status: 'completed' });
      return;
    }
    // Transcript of assistant speech that was cut off was never heard: neither emitted nor remembered.
    if (this.#response.isStale(event.utteranceId)) return;
    this.#turns.assistantTranscript(event.text, event.final, event.utteranceId);
    this.push(transcriptFrame(event));
  }

  #onToolCall(event: EventOf<'tool.call'>): void {
    this.push(toolCallFrame(event));
    this.#hook('onToolCall', { callId: event.callId, name: event.name, arguments: event.arguments });
    const unknownTools = this.#options.unknownTools ?? s2sProcessorDefaults.unknownTools;
    if (!this.#registry.has(event.name) && unknownTools === 'external') {
      this.logger.debug({ tool: event.name, callId: event.callId }, 'tool call left to the application (unknownTools: external)');
      return;
    }
    this.#tools?.run({ callId: event.callId, name: event.name, arguments: event.arguments });
  }

  #onToolOutcome(outcome: ToolOutcome, cancelReason: ToolCancelReason | undefined): void {
    if (this.#disposed) return;
    if (outcome.isError) this.logger.warn({ tool: outcome.name, callId: outcome.callId, status: outcome.status }, 'tool call failed; the model gets an error result');
    // A call the provider withdrew, or one cut by shutdown, has nobody waiting for its result.
    const wanted = cancelReason !== 'provider' && cancelReason !== 'shutdown';
    const session = this.#session;
    if (wanted && session !== undefined && !this.#sessionDown) {
      try {
        session.sendToolResult({
          callId: outcome.callId,
          name: outcome.name,
          output: outcome.output,
          isError: outcome.isError,
          // Cancelled by barge-in: the user is talking, so the model answers them, not the failed call.
          ...(cancelReason === 'interruption' ? { respond: false } : {}),
        });
      } catch (error) {
        this.pushError(error);
      }
    }
    this.push(makeFrame('tool.result', { callId: outcome.callId, name: outcome.name, output: outcome.output, isError: outcome.isError }));
  }

  #onTurnEnd(event: EventOf<'turn.end'>): void {
    const interrupted = this.#turns.openInterrupted;
    const status = interrupted ? 'interrupted' : event.status;
    const waitForPlayback = this.#response.hasPlaybackClock && !this.#response.interrupted;
    const closed = this.#turns.closeAssistantTurn(event.status, event.responseId, waitForPlayback);
    if (interrupted) {
      // Cut while generating: the heard text as the final transcript (late transcript events were dropped).
      for (const turn of closed) this.push(makeFrame('transcript', { role: 'assistant', text: turn.info.text, final: true, ...itemOf(turn.cutUtteranceId) }));
    }
    for (const frame of assistantTurnEndFrames(status, event.responseId, this.#response.utteranceId)) this.push(frame);
    for (const turn of closed) this.#hook('onTurn', turn.info);
    this.#response.endResponse();
    this.#awaitingFirstAudio = false;
  }

  /** A turn cut after its end went out: its heard text, then one `turn.end` + `response.ended`, interrupted. */
  #pushCutTurn(turn: FinishedTurn): void {
    this.push(makeFrame('transcript', { role: 'assistant', text: turn.info.text, final: true, ...itemOf(turn.cutUtteranceId) }));
    for (const frame of assistantTurnEndFrames('interrupted', turn.info.responseId, turn.cutUtteranceId)) this.push(frame);
  }

  /** The model was asked to answer (user turn ended, text sent): time to its first audio. */
  #expectResponse(): void {
    this.#awaitingFirstAudio = true;
    this.startTtfb();
  }

  /**
   * Replaces the session by a fresh one seeded with `messages` (an `llm.messages` frame with `mode: 'replace'`, as a
   * service switcher sends when it hands a conversation over). User audio that arrives meanwhile is held and sent to
   * the fresh session. Only possible with an engine (`s2s`), not with a given `session`.
   */
  async #reseed(messages: readonly LlmMessage[]): Promise<void> {
    const engine = this.#options.s2s;
    if (engine === undefined || this.#session === undefined || this.#sessionDown || this.#closing || this.#disposed) {
      this.logger.warn({ messages: messages.length }, 'llm.messages (replace) ignored: no engine or no live session to re-seed');
      return;
    }
    const generation = ++this.#reseeds;
    this.#reseedHeld ??= [];
    let fresh: S2SSession;
    try {
      fresh = await engine.start({ ...this.#options.startOptions, history: messages, signal: this.#starting.signal, logger: this.logger });
    } catch (error) {
      if (generation === this.#reseeds) this.#flushHeld();
      if (!this.#closing) this.pushError(new S2SStartError(engine.provider, error), false);
      return;
    }
    if (this.#closing || this.#disposed || generation !== this.#reseeds) {
      void fresh.close().catch((error: unknown) => this.logger.debug({ err: error }, 'closing a superseded seeded session failed'));
      return;
    }
    const old = this.#session;
    this.#events?.unsubscribe();
    this.#events = undefined;
    this.#session = fresh;
    this.#subscribe();
    this.logger.info({ provider: fresh.provider, session: fresh.id, messages: messages.length }, 's2s session re-seeded with a handed-over conversation');
    this.#flushHeld();
    void old.close().catch((error: unknown) => this.logger.debug({ err: error }, 'closing the replaced session failed'));
  }

  #flushHeld(): void {
    const held = this.#reseedHeld ?? [];
    this.#reseedHeld = undefined;
    for (const samples of held) this.#toSession(samples);
  }

  #onSessionGone(reason: string, cause?: unknown): void {
    const wasDown = this.#sessionDown;
    this.#sessionDown = true;
    if (this.#closing || this.#disposed) {
      this.logger.debug({ reason }, 's2s session closed');
      return;
    }
    if (wasDown) {
      // Already reported fatally (a non-recoverable error event precedes the close).
      this.logger.info({ reason }, 's2s session closed after a fatal error');
      return;
    }
    const provider = this.#session?.provider ?? 's2s';
    const error = new S2SSessionClosedError(provider, reason);
    if (cause !== undefined) this.logger.debug({ err: cause }, 'session event stream failed');
    this.#fail(error, true);
  }

  // ---------------------------------------------------------------- helpers

  #pushLifecycle(event: S2SSessionFrame['event'], fields: { reason?: string; timeLeftMs?: number }): void {
    this.push(makeFrame('s2s.session', { event, provider: this.#session?.provider ?? 's2s', ...fields }));
  }

  #fail(error: VoxframeError, fatal = !error.recoverable): void {
    this.pushError(error, fatal);
    this.#hook('onError', error);
  }

  #hook<N extends HookName>(name: N, arg: Parameters<NonNullable<Hooks[N]>>[0]): void {
    void invokeHook(this.#options.hooks, name, arg, (error) => this.pushError(error, false));
  }

  async #close(reason: string): Promise<void> {
    this.#tools?.cancelAll('shutdown');
    this.#starting.abort(reason);
    if (this.#closing) return;
    this.#closing = true;
    const session = this.#session;
    if (session === undefined) return;
    const timeoutMs = this.#options.closeTimeoutMs ?? s2sProcessorDefaults.closeTimeoutMs;
    try {
      const result = await closeWithin(session, this.scheduler, timeoutMs);
      if (result === 'timeout') this.logger.warn({ timeoutMs, reason }, 's2s session did not close in time; leaving it behind');
    } catch (error) {
      this.logger.warn({ err: error, reason }, 'closing the s2s session failed');
    } finally {
      this.#events?.unsubscribe();
      this.#sessionDown = true;
    }
  }
}

/**
 * Creates the S2S processor for one session.
 *
 * @example
 * ```ts
 * const tools = new ToolRegistry([weather]);
 * const engine = createS2S('openai_realtime', { voice: 'marin' }); // tools: given once, to the processor
 * const agent = pipeline(transport.input(), s2sProcessor({ s2s: engine, tools, hooks }), outputPacer(), transport.output());
 * ```
 * @throws {@link S2SProcessorOptionsError} when neither (or both of) `s2s` and `session` are given, or an option is
 * out of range.
 */
export function s2sProcessor(options: S2SProcessorOptions): S2SProcessor {
  return new S2SProcessor(options);
}

/** `{ itemId }` when known, for transcript frames. */
function itemOf(utteranceId: string | undefined): { itemId?: string } {
  return utteranceId === undefined ? {} : { itemId: utteranceId };
}
