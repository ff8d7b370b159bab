/**
 * `ScriptedS2S`: a speech-to-speech engine whose sessions follow a test's script, record every call, and emit the
 * events the test tells them to. Its typing breaks when `S2SSession` grows, so the kit never lags the contract.
 *
 * @packageDocumentation
 */
import { Observable, Subject } from 'rxjs';
import { S2SError, VoxframeError } from '../errors';
import { observableToAsyncIterator } from '../s2s/event-iterator';
import type { LlmMessage } from '../frames';
import type {
  InterruptOptions,
  S2S,
  S2SAudioFormat,
  S2SCapabilities,
  S2SEvent,
  S2SSession,
  S2SSessionUpdate,
  S2SStartOptions,
  S2SToolResult,
  SendTextOptions,
  ToolDefinition,
} from '../s2s/types';

/** Names of the session's methods. */
export type SessionMethodName = Exclude<
  { [K in keyof S2SSession]-?: NonNullable<S2SSession[K]> extends (...args: never[]) => unknown ? K : never }[keyof S2SSession],
  typeof Symbol.asyncIterator
>;

/** One recorded call: method name and arguments, typed from `S2SSession`. */
export type SessionCall = {
  [K in SessionMethodName]: { readonly method: K; readonly args: Parameters<NonNullable<S2SSession[K]>> };
}[SessionMethodName];

/**
 * Every session method, recorded. `satisfies Record<SessionMethodName, true>` makes this fail to compile when the
 * session interface gains a method the scripted session does not implement.
 */
const RECORDED_METHODS = {
  sendAudio: true,
  sendText: true,
  sendToolResult: true,
  interrupt: true,
  commitUserTurn: true,
  updateTools: true,
  updateSession: true,
  close: true,
} as const satisfies Record<SessionMethodName, true>;

/** The recorded method names. */
export const scriptedMethods = Object.keys(RECORDED_METHODS) as SessionMethodName[];

/** A step of a script. */
export type ScriptStep =
  /** The next (non-ignored) call must be `expect` (and satisfy `where`); then `reply` events are emitted. */
  | {
      readonly expect: SessionMethodName;
      readonly where?: (call: SessionCall) => boolean;
      readonly reply?: readonly S2SEvent[] | ((call: SessionCall) => readonly S2SEvent[]);
    }
  /** Emit events now (at session start for leading steps, else right after the previous expectation is met). */
  | { readonly emit: readonly S2SEvent[] };

/** Options of {@link ScriptedS2S}. */
export interface ScriptedS2SOptions {
  /** @defaultValue `'scripted'` */
  readonly provider?: string;
  /** Overrides of the default capabilities (everything `true` except resumption, maxSessionMs unset). */
  readonly capabilities?: Partial<S2SCapabilities>;
  /** @defaultValue 24 kHz in, 24 kHz out */
  readonly audioFormat?: Partial<S2SAudioFormat>;
  /** Script each session follows. @defaultValue no script: every call is just recorded */
  readonly script?: readonly ScriptStep[];
  /**
   * Methods recorded but not matched against the script (audio is usually too frequent to script).
   * @defaultValue `['sendAudio']`
   */
  readonly ignore?: readonly SessionMethodName[];
  /** Make `start()` reject with this error (a dead provider). */
  readonly startError?: Error;
}

/** A call the script did not expect. */
export class UnexpectedCallError extends VoxframeError {
  constructor(call: SessionCall, expected: string) {
    super('unexpected_call', `ScriptedS2S: unexpected ${call.method}() call; the script expected ${expected}.`, { recoverable: false });
  }
}

/** The session ended (or `assertDone()` was called) while script steps remained. */
export class MissingCallError extends VoxframeError {
  constructor(remaining: readonly ScriptStep[]) {
    super(
      'missing_call',
      `ScriptedS2S: ${remaining.length} script step(s) never happened; next: ${describeStep(remaining[0])}.`,
      { recoverable: false },
    );
  }
}

const defaultCapabilities: S2SCapabilities = {
  truncation: true,
  serverVad: true,
  manualTurns: true,
  resumption: false,
  textInput: true,
  toolCalling: true,
  toolCancellation: true,
  midSessionToolUpdate: true,
  userTranscripts: true,
  assistantTranscripts: true,
};

/** A scripted engine: every `start()` opens a new {@link ScriptedS2SSession}. */
export class ScriptedS2S implements S2S {
  readonly provider: string;
  readonly capabilities: S2SCapabilities;
  readonly audioFormat: S2SAudioFormat;
  /** Every session started, in order. */
  readonly sessions: ScriptedS2SSession[] = [];
  readonly #options: ScriptedS2SOptions;

  constructor(options: ScriptedS2SOptions = {}) {
    this.#options = options;
    this.provider = options.provider ?? 'scripted';
    this.capabilities = { ...defaultCapabilities, ...options.capabilities };
    this.audioFormat = { inputSampleRate: 24000, outputSampleRate: 24000, ...options.audioFormat };
  }

  /** The latest session. @throws when none was started. */
  get session(): ScriptedS2SSession {
    const last = this.sessions[this.sessions.length - 1];
    if (last === undefined) throw new VoxframeError('no_session', 'ScriptedS2S: no session was started yet.');
    return last;
  }

  start(options: S2SStartOptions = {}): Promise<ScriptedS2SSession> {
    if (this.#options.startError) return Promise.reject(this.#options.startError);
    const session = new ScriptedS2SSession(this, `scripted-${this.sessions.length + 1}`, this.#options, options.history ?? []);
    this.sessions.push(session);
    return Promise.resolve(session);
  }
}

/** A session that records calls, checks them against the script, and emits what it is told to. */
export class ScriptedS2SSession implements S2SSession {
  readonly id: string;
  readonly provider: string;
  readonly capabilities: S2SCapabilities;
  readonly audioFormat: S2SAudioFormat;
  readonly events: Observable<S2SEvent>;
  /** Every call, in order (ignored methods included). */
  readonly calls: SessionCall[] = [];
  /** Script violations (unexpected calls); also thrown from the offending call. */
  readonly violations: VoxframeError[] = [];
  /** Whether `close()` was called. */
  closed = false;
  readonly #subject = new Subject<S2SEvent>();
  readonly #pending: S2SEvent[] = [];
  readonly #script: ScriptStep[];
  readonly #ignore: ReadonlySet<SessionMethodName>;

  /** The history the session was started with (`start({ history })`). */
  readonly seed: readonly LlmMessage[];
  readonly #remembered: LlmMessage[] = [];

  constructor(engine: ScriptedS2S, id: string, options: ScriptedS2SOptions, seed: readonly LlmMessage[] = []) {
    this.id = id;
    this.seed = seed;
    this.provider = engine.provider;
    this.capabilities = engine.capabilities;
    this.audioFormat = engine.audioFormat;
    this.#script = [...(options.script ?? [])];
    this.#ignore = new Set(options.ignore ?? ['sendAudio']);
    // Events emitted before anyone subscribed are kept and delivered to the first subscriber, not lost.
    this.events = new Observable<S2SEvent>((subscriber) => {
      const subscription = this.#subject.subscribe(subscriber);
      const backlog = this.#pending.splice(0);
      for (const event of backlog) subscriber.next(event);
      return subscription;
    });
    this.#runEmitSteps();
  }

  /** The seed followed by what `remember` added: what a real provider's mirror would hold. */
  get conversation(): readonly LlmMessage[] {
    return [...this.seed, ...this.#remembered];
  }

  /** Adds messages to `conversation` (a test plays the provider's part of keeping the mirror). */
  remember(...messages: LlmMessage[]): void {
    this.#remembered.push(...messages);
  }

  /** Emits events now. */
  emit(...events: S2SEvent[]): void {
    for (const event of events) {
      if (this.#subject.observed) this.#subject.next(event);
      else this.#pending.push(event);
    }
  }

  /** Emits a provider error event. */
  fail(message: string, recoverable = true, code = 'provider_error'): void {
    this.emit({ type: 'error', error: new S2SError(this.provider, code, message, { recoverable }), recoverable });
  }

  /** Calls of one method, with their typed arguments. */
  callsOf<K extends SessionMethodName>(method: K): Parameters<NonNullable<S2SSession[K]>>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args as Parameters<NonNullable<S2SSession[K]>>);
  }

  /** Total samples received by `sendAudio`. */
  get audioSamplesReceived(): number {
    return this.callsOf('sendAudio').reduce((sum, [samples]) => sum + samples.length, 0);
  }

  /** Throws the first violation, or a {@link MissingCallError} if script steps remain. */
  assertDone(): void {
    if (this.violations.length > 0) throw this.violations[0];
    const remaining = this.#script.filter((s) => 'expect' in s);
    if (remaining.length > 0) throw new MissingCallError(remaining);
  }

  sendAudio(samples: Int16Array): void {
    // Copy: callers may pass views over pooled buffers.
    this.#record({ method: 'sendAudio', args: [samples.slice()] });
  }

  sendText(text: string, options?: SendTextOptions): void {
    this.#record({ method: 'sendText', args: options === undefined ? [text] : [text, options] });
  }

  sendToolResult(result: S2SToolResult): void {
    this.#record({ method: 'sendToolResult', args: [result] });
  }

  interrupt(options?: InterruptOptions): void {
    this.#record({ method: 'interrupt', args: options === undefined ? [] : [options] });
  }

  commitUserTurn(): void {
    this.#record({ method: 'commitUserTurn', args: [] });
  }

  updateTools(tools: readonly ToolDefinition[]): void {
    this.#record({ method: 'updateTools', args: [tools] });
  }

  updateSession(update: S2SSessionUpdate): void {
    this.#record({ method: 'updateSession', args: [update] });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.#record({ method: 'close', args: [] });
      this.closed = true;
      this.emit({ type: 'closed', reason: 'closed by client' });
      this.#subject.complete();
    }
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterator<S2SEvent> {
    return observableToAsyncIterator(this.events);
  }

  #record(call: SessionCall): void {
    this.calls.push(call);
    if (this.#ignore.has(call.method)) return;
    const step = this.#script[0];
    if (step === undefined || !('expect' in step)) return; // no script left: record only
    if (step.expect !== call.method || (step.where !== undefined && !step.where(call))) {
      const error = new UnexpectedCallError(call, describeStep(step));
      this.violations.push(error);
      throw error;
    }
    this.#script.shift();
    const reply = typeof step.reply === 'function' ? step.reply(call) : step.reply;
    if (reply) this.emit(...reply);
    this.#runEmitSteps();
  }

  #runEmitSteps(): void {
    while (this.#script.length > 0 && 'emit' in this.#script[0]) {
      const step = this.#script.shift() as { readonly emit: readonly S2SEvent[] };
      this.emit(...step.emit);
    }
  }
}

function describeStep(step: ScriptStep | undefined): string {
  if (step === undefined) return 'nothing more';
  return 'expect' in step ? `${step.expect}()${step.where ? ' (with a condition)' : ''}` : `emit of ${step.emit.length} event(s)`;
}
