/**
 * `serviceSwitcher(...)`: several interchangeable branches (S2S processors, whole cascades, LLMs, TTSs) of which
 * exactly one is active. Frames go into the active branch only and only its output leaves; the others stay idle.
 *
 * - **Manual switch**: a `service.switch` frame (from anywhere upstream, e.g. the application or a page button) or
 *   {@link ServiceSwitcher.switchTo}.
 * - **Failover**: a fatal error frame from the active branch switches to the next branch in order instead of ending
 *   the run; the error still travels on, marked non-fatal. When no branch is left the error stays fatal.
 * - **Lazy start**: a branch receives `start` when it first becomes active, so a standby S2S branch opens no
 *   provider connection until it is needed (`start: 'all'` warms every branch at once for faster failover).
 * - **Context moves along**: the conversation (from the outgoing branch's `conversation()`, the assistant's words as
 *   heard) is handed to the new branch as an `llm.messages` frame with `mode: 'replace'`, which a context aggregator
 *   and the S2S processor take; and on failover the user's audio since the failed branch last proved it had heard the
 *   user (a final user transcript) is replayed, so nothing said is lost. Audio frames carry their own rate, so
 *   branches with different provider rates need nothing special.
 *
 * Each switch is reported downstream as a `service.switched` frame and logged.
 *
 * @packageDocumentation
 */
import { Subject, type Observable } from 'rxjs';
import {
  UsageError,
  claimNode,
  assertFrameNode,
  makeFrame,
  type Frame,
  type FrameDirection,
  type FrameNode,
  type FrameTarget,
  type InputAudioFrame,
  type LlmMessage,
  type Logger,
  type ProcessorContext,
  type StartFrame,
} from '@voxframe/core';
import { ServiceSwitchFrame, ServiceSwitchedFrame } from './switch-frames';

/** One branch of a switcher. */
export interface SwitcherBranch {
  /** Name used by `service.switch` frames, logs and `service.switched` reports. */
  readonly name: string;
  /** The processor or pipeline. */
  readonly node: FrameNode;
  /**
   * The conversation so far as this branch knows it (e.g. `() => s2s.session?.conversation ?? []`, or a cascade's
   * `() => context.messages`), read when the switcher leaves the branch.
   */
  readonly conversation?: () => readonly LlmMessage[];
}

/** Options of {@link serviceSwitcher}. */
export interface ServiceSwitcherOptions {
  /** Name in logs. @defaultValue `'switcher'` */
  readonly name?: string;
  /** Branch active at start. @defaultValue the first */
  readonly initial?: string;
  /** Switch to the next branch on a fatal error from the active one. @defaultValue `true` */
  readonly failover?: boolean;
  /** `active`: a branch starts when first activated; `all`: every branch starts with the pipeline. @defaultValue `'active'` */
  readonly start?: 'active' | 'all';
  /** How much recent user audio is kept for replay after a failover. @defaultValue `15_000` */
  readonly replayMs?: number;
}

/** Defaults of {@link ServiceSwitcherOptions}. */
export const serviceSwitcherDefaults = {
  name: 'switcher',
  failover: true,
  start: 'active',
  replayMs: 15_000,
} as const satisfies ServiceSwitcherOptions;

interface BranchState {
  readonly branch: SwitcherBranch;
  started: boolean;
  /** Gave up for good (failed); not chosen by failover again. */
  failed: boolean;
}

/** The switcher; create it with {@link serviceSwitcher}. */
export class ServiceSwitcher implements FrameNode {
  readonly name: string;
  readonly children: readonly FrameNode[];
  readonly downstream: Observable<Frame>;
  readonly upstream: Observable<Frame>;
  readonly #down = new Subject<Frame>();
  readonly #up = new Subject<Frame>();
  readonly #branches: BranchState[];
  readonly #options: ServiceSwitcherOptions;
  #downTarget: FrameTarget | undefined;
  #upTarget: FrameTarget | undefined;
  #active: BranchState;
  #startFrame: StartFrame | undefined;
  #logger: Logger | undefined;
  /** Recent user audio frames for replay, oldest first, bounded by `replayMs`. */
  readonly #recentAudio: InputAudioFrame[] = [];
  #recentAudioMs = 0;

  constructor(branches: readonly SwitcherBranch[], options: ServiceSwitcherOptions = {}) {
    this.name = options.name ?? serviceSwitcherDefaults.name;
    if (branches.length === 0) throw new UsageError('serviceSwitcher() needs at least one branch.');
    const names = new Set<string>();
    for (const [index, { name, node }] of branches.entries()) {
      assertFrameNode(node, `serviceSwitcher() branch ${index}`);
      if (names.has(name)) throw new UsageError(`serviceSwitcher(): two branches are named '${name}'; names must be unique.`);
      names.add(name);
      claimNode(node, 'serviceSwitcher()');
    }
    this.#options = options;
    this.#branches = branches.map((branch) => ({ branch, started: false, failed: false }));
    this.children = branches.map((b) => b.node);
    const initial = options.initial ?? branches[0].name;
    const active = this.#branches.find((s) => s.branch.name === initial);
    if (active === undefined) throw new UsageError(`serviceSwitcher(): no branch is named '${initial}' (initial). Branches: ${[...names].join(', ')}.`);
    this.#active = active;
    for (const state of this.#branches) {
      const exit: FrameTarget = { receive: (frame, direction) => this.#exit(state, frame, direction) };
      state.branch.node.setTarget('downstream', exit);
      state.branch.node.setTarget('upstream', exit);
    }
    this.downstream = this.#down;
    this.upstream = this.#up;
  }

  /** Name of the active branch. */
  get active(): string {
    return this.#active.branch.name;
  }

  /**
   * Makes `target` the active branch: the old one is interrupted and left idle (still started, ready to come back),
   * the new one is started if needed and handed the conversation.
   * @throws {@link UsageError} for an unknown name.
   */
  switchTo(target: string, reason = 'manual'): void {
    const next = this.#branches.find((s) => s.branch.name === target);
    if (next === undefined) {
      throw new UsageError(`serviceSwitcher '${this.name}': no branch is named '${target}'. Branches: ${this.#branches.map((s) => s.branch.name).join(', ')}.`);
    }
    if (next === this.#active) return;
    this.#switch(next, reason, false);
  }

  receive(frame: Frame, direction: FrameDirection): void {
    if (ServiceSwitchFrame.is(frame)) {
      try {
        this.switchTo(frame.target, frame.reason ?? 'manual');
      } catch (error) {
        this.#logger?.warn({ err: error, target: frame.target }, 'service.switch named an unknown branch; staying');
        const raised = error instanceof UsageError ? error : new UsageError(String(error));
        this.#emit(makeFrame('error', { error: raised, fatal: false, processor: this.name }), 'upstream');
      }
      return;
    }
    if (direction === 'downstream') this.#receiveDownstream(frame);
    else this.#active.branch.node.receive(frame, direction);
  }

  setTarget(direction: FrameDirection, target: FrameTarget | undefined): void {
    if (direction === 'downstream') this.#downTarget = target;
    else this.#upTarget = target;
  }

  attach(context: ProcessorContext): void {
    this.#logger = context.logger.child({ processor: this.name });
    for (const node of this.children) node.attach(context);
  }

  dispose(): void {
    for (const node of this.children) {
      node.setTarget('downstream', undefined);
      node.setTarget('upstream', undefined);
    }
    for (const node of this.children) node.dispose();
    this.#down.complete();
    this.#up.complete();
  }

  // ------------------------------------------------------------------------------------------------ internals

  #receiveDownstream(frame: Frame): void {
    switch (frame.type) {
      case 'start': {
        this.#startFrame = frame;
        const startAll = (this.#options.start ?? serviceSwitcherDefaults.start) === 'all';
        for (const state of this.#branches) {
          if (state === this.#active || startAll) {
            state.started = true;
            state.branch.node.receive(frame, 'downstream');
          }
        }
        return;
      }
      case 'end':
      case 'cancel':
        // Every started branch must close what it holds (provider sessions); only the active one's copy leaves.
        for (const state of this.#branches) if (state.started) state.branch.node.receive(frame, 'downstream');
        return;
      case 'audio.input':
        this.#remember(frame);
        break;
      default:
        break;
    }
    this.#active.branch.node.receive(frame, 'downstream');
  }

  #remember(frame: InputAudioFrame): void {
    const limitMs = this.#options.replayMs ?? serviceSwitcherDefaults.replayMs;
    // Copy: audio frames may be views over pooled buffers.
    const kept = { ...frame, samples: frame.samples.slice() } as InputAudioFrame;
    this.#recentAudio.push(kept);
    this.#recentAudioMs += durationMs(kept);
    while (this.#recentAudioMs > limitMs && this.#recentAudio.length > 1) {
      const dropped = this.#recentAudio.shift() as InputAudioFrame;
      this.#recentAudioMs -= durationMs(dropped);
    }
  }

  #exit(state: BranchState, frame: Frame, direction: FrameDirection): void {
    if (state !== this.#active) {
      // An idle or failed branch: its late output must not reach the user. Its lifecycle acks do not matter.
      if (frame.type === 'error') this.#logger?.debug({ branch: state.branch.name, err: frame.error }, 'error from an inactive branch');
      return;
    }
    if (frame.type === 'transcript' && frame.role === 'user' && frame.final) {
      // The branch has heard the user up to here: this audio is in its conversation, no need to replay it.
      this.#recentAudio.length = 0;
      this.#recentAudioMs = 0;
    }
    if (frame.type === 'error' && frame.fatal && (this.#options.failover ?? serviceSwitcherDefaults.failover)) {
      const next = this.#nextHealthy(state);
      if (next !== undefined) {
        state.failed = true;
        this.#emit({ ...frame, fatal: false }, direction);
        this.#switch(next, frame.error.message, true);
        return;
      }
    }
    if (frame.type === 'end' && state.failed) return;
    this.#emit(frame, direction);
  }

  #nextHealthy(from: BranchState): BranchState | undefined {
    const at = this.#branches.indexOf(from);
    for (let step = 1; step < this.#branches.length; step++) {
      const candidate = this.#branches[(at + step) % this.#branches.length];
      if (!candidate.failed) return candidate;
    }
    return undefined;
  }

  #switch(next: BranchState, reason: string, failover: boolean): void {
    const previous = this.#active;
    const history = this.#conversationOf(previous);
    // Stop what the old branch was saying; it stays started (ready to come back) unless it failed.
    if (previous.started && !previous.failed) {
      previous.branch.node.receive(makeFrame('interruption.start', { reason: 'request' }), 'downstream');
    }
    this.#active = next;
    if (!next.started && this.#startFrame !== undefined) {
      next.started = true;
      next.branch.node.receive(this.#startFrame, 'downstream');
    }
    if (history.length > 0) next.branch.node.receive(makeFrame('llm.messages', { messages: history, mode: 'replace' }), 'downstream');
    let replayedMs = 0;
    if (failover) {
      for (const frame of this.#recentAudio) {
        replayedMs += durationMs(frame);
        next.branch.node.receive(frame, 'downstream');
      }
    }
    const report = { from: previous.branch.name, to: next.branch.name, reason, failover, replayedMs };
    this.#logger?.info(report, failover ? 'service switcher: failed over' : 'service switcher: switched');
    this.#emit(ServiceSwitchedFrame.create(report), 'downstream');
  }

  #conversationOf(state: BranchState): readonly LlmMessage[] {
    try {
      return state.branch.conversation?.() ?? [];
    } catch (error) {
      this.#logger?.warn({ err: error, branch: state.branch.name }, 'reading the conversation of a branch failed; switching without it');
      return [];
    }
  }

  #emit(frame: Frame, direction: FrameDirection): void {
    if (direction === 'downstream') {
      this.#downTarget?.receive(frame, direction);
      if (this.#down.observed) this.#down.next(frame);
    } else {
      this.#upTarget?.receive(frame, direction);
      if (this.#up.observed) this.#up.next(frame);
    }
  }
}

function durationMs(frame: InputAudioFrame): number {
  return (frame.samples.length / frame.channels / frame.sampleRate) * 1000;
}

/**
 * Holds interchangeable branches of which exactly one is active; switch by frame or method, or fail over on a fatal
 * error. See the module docs.
 *
 * @example
 * ```ts
 * const s2s = s2sProcessor({ s2s: createS2S('openai_realtime', config) });
 * const context = contextAggregator();
 * const switcher = serviceSwitcher([
 *   { name: 's2s', node: s2s, conversation: () => s2s.session?.conversation ?? [] },
 *   { name: 'cascade', node: pipeline(stt, context.user(), llm, tts), conversation: () => context.messages },
 * ]);
 * pipeline(input, sileroVad(), switcher, outputPacer(), output);
 * ```
 */
export function serviceSwitcher(branches: readonly SwitcherBranch[], options: ServiceSwitcherOptions = {}): ServiceSwitcher {
  return new ServiceSwitcher(branches, options);
}
