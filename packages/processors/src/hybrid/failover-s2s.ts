/**
 * Failover between speech-to-speech providers: an {@link S2S} engine made of several engines, used like any other
 * (`s2sProcessor({ s2s: createFailoverS2S([openai, gemini, nova]) })`). A session runs on the first provider that
 * connects; when that provider fails for good (a fatal error, or its connection closes under it), the session moves
 * to the next one within the same call:
 *
 * 1. the conversation so far (`session.conversation`, the assistant's words as heard) seeds the backup through
 *    `start({ history })`;
 * 2. the user's audio since the failed provider last proved it had heard it is replayed to the backup, resampled
 *    when the providers' input rates differ, so nothing the user said is lost; audio that arrives while switching
 *    is kept in the same bounded buffer;
 * 3. a circuit breaker skips a failed provider for new sessions until its cool-down has passed.
 *
 * Output audio events keep their own `sampleRate`, so the S2S processor emits each provider's audio at its true rate.
 *
 * @packageDocumentation
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import {
  S2SError,
  observableToAsyncIterator,
  silentLogger,
  type InterruptOptions,
  type LlmMessage,
  type Logger,
  type S2S,
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
import { createResampler, type StreamResampler } from '../audio/resampler';
import { CircuitBreaker } from './circuit-breaker';
import { ReplayBuffer } from './replay-buffer';

/** What a switch looked like, for logs, metrics and the `onSwitch` callback. */
export interface FailoverSwitch {
  /** Provider that failed. */
  readonly from: string;
  /** Provider now serving the session. */
  readonly to: string;
  /** Why the previous provider was left. */
  readonly reason: string;
  /** Milliseconds from the failure being known to the backup being ready (seeded, audio replayed). */
  readonly switchMs: number;
  /** User audio replayed to the backup, in ms at the session's input rate. */
  readonly replayedMs: number;
  /** User audio that was older than the replay bound and could not be replayed, in ms. */
  readonly lostMs: number;
}

/** Options of {@link createFailoverS2S}. */
export interface FailoverS2SOptions {
  /** How long a failed provider is skipped for new sessions. @defaultValue `30_000` */
  readonly cooldownMs?: number;
  /** How much recent user audio is kept for replay after a failure. @defaultValue `15_000` */
  readonly replayMs?: number;
  /** Bound on connecting to one candidate before the next is tried. @defaultValue `5_000` */
  readonly startTimeoutMs?: number;
  /**
   * Decides which events of the active session mean "this provider is gone". The default: a non-recoverable
   * `error`. (An unexpected `closed` always counts.) Widen it to fail over on the first dropped connection instead of
   * waiting for the provider's own reconnect attempts, or configure those attempts down on the primary.
   */
  readonly shouldFailover?: (event: S2SEvent) => boolean;
  /** Called after each switch. */
  readonly onSwitch?: (info: FailoverSwitch) => void;
  /** Clock, for tests. @defaultValue `Date.now` */
  readonly now?: () => number;
}

/** Defaults of {@link FailoverS2SOptions}. */
export const failoverS2SDefaults = {
  cooldownMs: 30_000,
  replayMs: 15_000,
  startTimeoutMs: 5_000,
} as const satisfies FailoverS2SOptions;

const isFatalError = (event: S2SEvent): boolean => event.type === 'error' && !event.recoverable;

/** Every provider refused or failed. */
export class FailoverExhaustedError extends S2SError {
  constructor(attempts: readonly { readonly provider: string; readonly error: unknown }[]) {
    const tried = attempts.map((a) => `${a.provider} (${a.error instanceof Error ? a.error.message : String(a.error)})`).join('; ');
    super('failover', 'failover_exhausted', `no provider could serve the session; tried: ${tried}. Check each provider's configuration and reachability.`, {
      recoverable: false,
      cause: attempts[attempts.length - 1]?.error,
    });
  }
}

/** An engine that fails over between `engines`, in order of preference. */
export class FailoverS2S implements S2S {
  readonly provider = 'failover';
  /** The first engine's capabilities (each session reports those of the provider it started on). */
  readonly capabilities: S2SCapabilities;
  /** The first engine's format (each session reports that of the provider it started on). */
  readonly audioFormat: S2SAudioFormat;
  readonly engines: readonly S2S[];
  readonly breaker: CircuitBreaker;
  readonly #options: FailoverS2SOptions;

  constructor(engines: readonly S2S[], options: FailoverS2SOptions = {}) {
    if (engines.length === 0) throw new RangeError('createFailoverS2S needs at least one engine.');
    this.engines = [...engines];
    this.#options = options;
    this.capabilities = engines[0].capabilities;
    this.audioFormat = engines[0].audioFormat;
    this.breaker = new CircuitBreaker({ cooldownMs: options.cooldownMs, now: options.now });
  }

  async start(options: S2SStartOptions = {}): Promise<FailoverS2SSession> {
    const logger = options.logger ?? silentLogger();
    const opened = await this.connect(options.history ?? [], options, logger, undefined);
    return new FailoverS2SSession(this, opened, options, this.#options, logger);
  }

  /**
   * Starts a session on the first candidate that connects (breaker order), skipping `failed`.
   * @internal
   */
  async connect(history: readonly LlmMessage[], options: S2SStartOptions, logger: Logger, failed: S2S | undefined): Promise<OpenedSession> {
    const candidates = this.breaker.order(
      this.engines.filter((e) => e !== failed),
      (e) => e.provider,
    );
    if (failed !== undefined) candidates.push(failed); // last resort: it may have recovered
    const attempts: { provider: string; error: unknown }[] = [];
    const timeoutMs = this.#options.startTimeoutMs ?? failoverS2SDefaults.startTimeoutMs;
    for (const engine of candidates) {
      if (options.signal?.aborted) break;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      try {
        const session = await engine.start({ ...options, history, logger, signal });
        this.breaker.recordSuccess(engine.provider);
        return { engine, session };
      } catch (error) {
        this.breaker.recordFailure(engine.provider);
        attempts.push({ provider: engine.provider, error });
        logger.warn({ provider: engine.provider, err: error }, 'failover: provider could not start a session; trying the next');
      }
    }
    throw new FailoverExhaustedError(attempts);
  }
}

/** @internal */
interface OpenedSession {
  readonly engine: S2S;
  readonly session: S2SSession;
}

type State = 'active' | 'switching' | 'closed';

/** A session that moves to the next provider when its provider fails. */
export class FailoverS2SSession implements S2SSession {
  readonly id: string;
  readonly provider = 'failover';
  readonly capabilities: S2SCapabilities;
  readonly audioFormat: S2SAudioFormat;
  readonly events: Observable<S2SEvent>;
  /** Switches so far. */
  readonly switches: FailoverSwitch[] = [];
  readonly #owner: FailoverS2S;
  readonly #options: FailoverS2SOptions;
  readonly #startOptions: S2SStartOptions;
  readonly #logger: Logger;
  readonly #subject = new Subject<S2SEvent>();
  readonly #replay: ReplayBuffer;
  readonly #now: () => number;
  #state: State = 'active';
  #active: OpenedSession;
  #subscription: Subscription | undefined;
  /** Input resampler when the active provider's input rate differs from this session's. */
  #resampler: StreamResampler | undefined;
  /** Replay position up to which the active provider demonstrably heard the user. */
  #heardUpTo = 0;
  /** A response was started and has not ended: it is lost with its provider. */
  #openResponseId: string | undefined | null = null;
  #lastConversation: readonly LlmMessage[] = [];
  #lastUpdate: S2SSessionUpdate | undefined;
  readonly #pendingText: { text: string; options?: SendTextOptions }[] = [];
  #commitPending = false;

  constructor(owner: FailoverS2S, opened: OpenedSession, startOptions: S2SStartOptions, options: FailoverS2SOptions, logger: Logger) {
    this.#owner = owner;
    this.#options = options;
    this.#startOptions = startOptions;
    this.#logger = logger;
    this.#now = options.now ?? Date.now;
    this.#active = opened;
    this.id = `failover-${opened.session.id}`;
    this.capabilities = opened.session.capabilities;
    this.audioFormat = opened.session.audioFormat;
    const replayMs = options.replayMs ?? failoverS2SDefaults.replayMs;
    this.#replay = new ReplayBuffer(Math.max(1, Math.round((replayMs / 1000) * this.audioFormat.inputSampleRate)));
    this.#lastConversation = startOptions.history ?? [];
    this.events = this.#subject.asObservable();
    this.#follow(opened);
  }

  /** The provider serving the session now. */
  get activeProvider(): string {
    return this.#active.engine.provider;
  }

  get conversation(): readonly LlmMessage[] {
    if (this.#state === 'active') {
      try {
        this.#lastConversation = this.#active.session.conversation;
      } catch (error) {
        this.#logger.debug({ err: error }, 'failover: reading the active conversation failed; using the last one read');
      }
    }
    return this.#lastConversation;
  }

  sendAudio(samples: Int16Array): void {
    if (this.#state === 'closed') return;
    this.#replay.write(samples);
    if (this.#state === 'active') this.#forwardAudio(samples);
  }

  sendText(text: string, options?: SendTextOptions): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'switching') this.#pendingText.push({ text, options });
    else this.#active.session.sendText(text, options);
  }

  sendToolResult(result: S2SToolResult): void {
    if (this.#state !== 'active') {
      this.#logger.warn({ callId: result.callId, name: result.name }, 'failover: dropped a tool result while switching providers (its call died with the provider)');
      return;
    }
    this.#active.session.sendToolResult(result);
  }

  interrupt(options?: InterruptOptions): void {
    if (this.#state === 'active') this.#active.session.interrupt(options);
  }

  commitUserTurn(): void {
    if (this.#state === 'switching') {
      this.#commitPending = true;
      return;
    }
    if (this.#state === 'active') this.#active.session.commitUserTurn?.();
  }

  updateTools(tools: readonly ToolDefinition[]): void {
    this.updateSession({ tools });
  }

  updateSession(update: S2SSessionUpdate): void {
    this.#lastUpdate = { ...this.#lastUpdate, ...update };
    if (this.#state === 'active') this.#applyUpdate(this.#active.session, update);
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#subscription?.unsubscribe();
    try {
      await this.#active.session.close();
    } finally {
      this.#subject.next({ type: 'closed', reason: 'closed by client' });
      this.#subject.complete();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<S2SEvent> {
    return observableToAsyncIterator(this.events);
  }

  // ------------------------------------------------------------------------------------------------ internals

  #follow(opened: OpenedSession): void {
    const inRate = opened.session.audioFormat.inputSampleRate;
    this.#resampler = inRate === this.audioFormat.inputSampleRate ? undefined : createResampler({ fromRate: this.audioFormat.inputSampleRate, toRate: inRate });
    const heardMark = opened.session.capabilities.userTranscripts ? 'transcript' : 'turn.end';
    this.#subscription = opened.session.events.subscribe({
      next: (event) => this.#onEvent(opened, event, heardMark),
      complete: () => {
        if (this.#active === opened && this.#state === 'active') void this.#failover('the provider session ended unexpectedly');
      },
    });
  }

  #onEvent(opened: OpenedSession, event: S2SEvent, heardMark: 'transcript' | 'turn.end'): void {
    if (this.#active !== opened || this.#state !== 'active') return;
    if (event.type === 'closed') {
      void this.#failover(`the provider closed the session (${event.reason})`);
      return;
    }
    const shouldFailover = this.#options.shouldFailover ?? isFatalError;
    if (shouldFailover(event)) {
      const reason = event.type === 'error' ? event.error.message : event.type;
      // Still visible to the pipeline and logs, but not fatal: the session goes on elsewhere.
      if (event.type === 'error') this.#subject.next({ type: 'error', error: event.error, recoverable: true });
      void this.#failover(reason);
      return;
    }
    if (event.type === 'response.started') this.#openResponseId = event.responseId;
    if (event.type === 'turn.end') this.#openResponseId = null;
    // Everything the user said before this point is in the provider's conversation (and so in the seed).
    const heard = heardMark === 'transcript' ? event.type === 'transcript' && event.role === 'user' && event.final : event.type === 'turn.end';
    if (heard) this.#heardUpTo = this.#replay.position;
    this.#subject.next(event);
  }

  #forwardAudio(samples: Int16Array): void {
    const resampler = this.#resampler;
    if (resampler === undefined) this.#active.session.sendAudio(samples);
    else {
      const out = resampler.process(samples);
      if (out.length > 0) this.#active.session.sendAudio(out);
    }
  }

  #applyUpdate(session: S2SSession, update: S2SSessionUpdate): void {
    if (session.updateSession) session.updateSession(update);
    else if (update.tools !== undefined && session.updateTools) session.updateTools(update.tools);
  }

  async #failover(reason: string): Promise<void> {
    if (this.#state !== 'active') return;
    const failedAt = this.#now();
    const failed = this.#active;
    this.#state = 'switching';
    this.#subscription?.unsubscribe();
    this.#owner.breaker.recordFailure(failed.engine.provider);
    const history = this.#conversationOf(failed.session);
    this.#lastConversation = history;
    this.#logger.warn({ provider: failed.engine.provider, reason }, 'failover: provider failed; switching to the next');
    if (this.#openResponseId !== null) {
      this.#subject.next({ type: 'turn.end', status: 'failed', ...(this.#openResponseId ? { responseId: this.#openResponseId } : {}) });
      this.#openResponseId = null;
    }
    void failed.session.close().catch((error: unknown) => this.#logger.debug({ err: error }, 'failover: closing the failed session failed'));
    let opened: OpenedSession;
    try {
      opened = await this.#owner.connect(history, this.#startOptions, this.#logger, failed.engine);
    } catch (error) {
      if (this.#isClosed()) return;
      this.#state = 'closed';
      const fatal = error instanceof S2SError ? error : new FailoverExhaustedError([{ provider: failed.engine.provider, error }]);
      this.#subject.next({ type: 'error', error: fatal, recoverable: false });
      this.#subject.next({ type: 'closed', reason: 'every provider failed' });
      this.#subject.complete();
      return;
    }
    if (this.#isClosed()) {
      void opened.session.close().catch(() => undefined);
      return;
    }
    this.#active = opened;
    this.#state = 'active';
    this.#follow(opened);
    if (this.#lastUpdate !== undefined) this.#applyUpdate(opened.session, this.#lastUpdate);
    // Replay what the failed provider may not have heard, then whatever waited.
    const { samples, lost } = this.#replay.since(this.#heardUpTo);
    const chunk = Math.max(1, Math.round(this.audioFormat.inputSampleRate / 50)); // 20 ms pieces, like live audio
    for (let at = 0; at < samples.length; at += chunk) this.#forwardAudio(samples.subarray(at, at + chunk));
    this.#heardUpTo = this.#replay.position - samples.length; // not heard by the backup until it proves it
    for (const { text, options } of this.#pendingText.splice(0)) opened.session.sendText(text, options);
    if (this.#commitPending) {
      this.#commitPending = false;
      opened.session.commitUserTurn?.();
    }
    const rate = this.audioFormat.inputSampleRate;
    const info: FailoverSwitch = {
      from: failed.engine.provider,
      to: opened.engine.provider,
      reason,
      switchMs: this.#now() - failedAt,
      replayedMs: (samples.length / rate) * 1000,
      lostMs: (lost / rate) * 1000,
    };
    this.switches.push(info);
    this.#logger.info({ ...info }, 'failover: session moved to the next provider');
    this.#subject.next({ type: 'session.rotated', reason: 'failover' });
    try {
      this.#options.onSwitch?.(info);
    } catch (error) {
      this.#logger.warn({ err: error }, 'failover: onSwitch threw');
    }
  }

  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  /** The failed session's conversation, or the last one read when it can no longer tell. */
  #conversationOf(session: S2SSession): readonly LlmMessage[] {
    try {
      return session.conversation;
    } catch (error) {
      this.#logger.debug({ err: error }, 'failover: the failed session could not report its conversation');
      return this.#lastConversation;
    }
  }
}

/**
 * Creates an engine that fails over between `engines` (in order of preference): a provider that cannot connect is
 * skipped at once; one that fails mid-call is replaced by the next, seeded with the conversation and the user's
 * unheard audio. See the module docs.
 *
 * @example
 * ```ts
 * const s2s = createFailoverS2S([createS2S('openai_realtime', {...}), createS2S('gemini_live', {...})]);
 * pipeline(input, sileroVad(), s2sProcessor({ s2s }), outputPacer(), output);
 * ```
 */
export function createFailoverS2S(engines: readonly S2S[], options: FailoverS2SOptions = {}): FailoverS2S {
  return new FailoverS2S(engines, options);
}
