/**
 * `parallel(...)`: branches that all receive every frame, with their outputs merged (hybrid S2S/cascade pipelines).
 *
 * @packageDocumentation
 */
import { Subject, type Observable } from 'rxjs';
import type { ProcessorContext } from './context';
import { UsageError } from './errors';
import type { Frame, FrameDirection } from './frames';
import type { FrameNode, FrameTarget } from './node';
import { claimNode } from './pipeline';
import { assertFrameNode } from './processor';

/** Lifecycle frames wait for every branch, so `end` leaves only when all branches drained. */
const WAIT_FOR_ALL = new Set<string>(['start', 'end']);

interface Fed {
  remaining: number;
  emitted: boolean;
}

/** Branches run side by side: every frame goes to each branch; what comes out is merged. */
export class ParallelPipeline implements FrameNode {
  readonly name: string;
  readonly children: readonly FrameNode[];
  readonly downstream: Observable<Frame>;
  readonly upstream: Observable<Frame>;
  readonly #down = new Subject<Frame>();
  readonly #up = new Subject<Frame>();
  #downTarget: FrameTarget | undefined;
  #upTarget: FrameTarget | undefined;
  /**
   * Frames fed into the branches (by identity) -> how many branches may still pass them on and whether one copy
   * already left, per direction. Weak: a frame a branch consumes (audio eaten by an S2S model) is forgotten when it
   * is garbage, while a frame a branch still holds, however long, is remembered.
   */
  readonly #fed = { downstream: new WeakMap<Frame, Fed>(), upstream: new WeakMap<Frame, Fed>() };

  constructor(branches: readonly FrameNode[], options: { readonly name?: string } = {}) {
    this.name = options.name ?? 'parallel';
    if (branches.length === 0) throw new UsageError('parallel() needs at least one branch.');
    branches.forEach((branch, index) => {
      assertFrameNode(branch, `parallel() branch ${index}`);
      claimNode(branch, 'parallel()');
    });
    this.children = [...branches];
    const exit: FrameTarget = { receive: (frame, direction) => this.#exit(frame, direction) };
    for (const branch of branches) {
      branch.setTarget('downstream', exit);
      branch.setTarget('upstream', exit);
    }
    this.downstream = this.#down;
    this.upstream = this.#up;
  }

  receive(frame: Frame, direction: FrameDirection): void {
    this.#remember(frame, direction);
    for (const branch of this.children) branch.receive(frame, direction);
  }

  setTarget(direction: FrameDirection, target: FrameTarget | undefined): void {
    if (direction === 'downstream') this.#downTarget = target;
    else this.#upTarget = target;
  }

  attach(context: ProcessorContext): void {
    for (const branch of this.children) branch.attach(context);
  }

  dispose(): void {
    for (const branch of this.children) {
      branch.setTarget('downstream', undefined);
      branch.setTarget('upstream', undefined);
    }
    for (const branch of this.children) branch.dispose();
    this.#down.complete();
    this.#up.complete();
  }

  #remember(frame: Frame, direction: FrameDirection): void {
    const fed = this.#fed[direction];
    const entry = fed.get(frame);
    if (entry === undefined) fed.set(frame, { remaining: this.children.length, emitted: false });
    else entry.remaining += this.children.length; // the same object sent again
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

  #exit(frame: Frame, direction: FrameDirection): void {
    const fed = this.#fed[direction];
    const entry = fed.get(frame);
    if (entry === undefined) {
      this.#emit(frame, direction); // made (or transformed) inside a branch: its own frame
      return;
    }
    entry.remaining -= 1;
    const last = entry.remaining <= 0;
    if (last) fed.delete(frame);
    if (WAIT_FOR_ALL.has(frame.type)) {
      if (last) this.#emit(frame, direction);
      return;
    }
    if (entry.emitted) return;
    entry.emitted = true;
    this.#emit(frame, direction);
  }
}

/**
 * Runs branches side by side. Each frame entering goes to every branch; frames coming out are merged:
 * - a frame that branches pass on **unchanged** (the same object) comes out once, when the first branch passes it;
 * - a frame a branch **makes or transforms** (a new object, e.g. from `withFields`, even with the same `id`) is that
 *   branch's own output and always comes out: `parallel(upper, passThrough)` on `text "hi"` emits `hi` and `HI`.
 *   A branch that should replace a frame rather than add to it must not let the original through in the other
 *   branches;
 * - `start` and `end` come out once all branches passed them, so the end drain covers every branch.
 *
 * A frame held in a branch is remembered however long it stays there: it never comes out twice.
 *
 * @example
 * ```ts
 * // S2S conversation plus a separate STT for transcripts
 * pipeline(input, vad, parallel(s2s, pipeline(stt, transcriptLogger)), output);
 * ```
 */
export function parallel(...branches: FrameNode[]): ParallelPipeline {
  return new ParallelPipeline(branches);
}
