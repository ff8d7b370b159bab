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

/**
 * How many frames fed into the branches are remembered for deduplication. Frames a branch consumes (audio eaten by
 * an S2S model) never come out, so the memory is bounded and the oldest entries go first; 4096 entries cover
 * over a minute of 20 ms audio, far longer than any frame stays inside a branch.
 */
const DEDUP_MEMORY = 4096;

/** Lifecycle frames wait for every branch, so `end` leaves only when all branches drained. */
const WAIT_FOR_ALL = new Set<string>(['start', 'end']);

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
  /** Frame id -> how many branches still have to emit it, per direction of exit. */
  readonly #pending = { downstream: new Map<number, number>(), upstream: new Map<number, number>() };
  /** Frame ids already emitted once (the first copy wins), per direction of exit. */
  readonly #emitted = { downstream: new Set<number>(), upstream: new Set<number>() };

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
    this.#remember(frame.id, direction);
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

  #remember(id: number, direction: FrameDirection): void {
    const pending = this.#pending[direction];
    pending.set(id, this.children.length);
    if (pending.size > DEDUP_MEMORY) {
      const oldest = pending.keys().next().value as number;
      pending.delete(oldest);
      this.#emitted[direction].delete(oldest);
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

  #exit(frame: Frame, direction: FrameDirection): void {
    const pending = this.#pending[direction];
    const remaining = pending.get(frame.id);
    if (remaining === undefined) {
      this.#emit(frame, direction); // made inside a branch: unique
      return;
    }
    const left = remaining - 1;
    if (left <= 0) pending.delete(frame.id);
    else pending.set(frame.id, left);
    if (WAIT_FOR_ALL.has(frame.type)) {
      if (left <= 0) this.#emit(frame, direction);
      return;
    }
    const emitted = this.#emitted[direction];
    if (emitted.has(frame.id)) {
      if (left <= 0) emitted.delete(frame.id);
      return;
    }
    if (left > 0) emitted.add(frame.id);
    this.#emit(frame, direction);
  }
}

/**
 * Runs branches side by side. Each frame entering goes to every branch; frames coming out are merged. A frame that
 * several branches pass through comes out once; `start` and `end` come out once all branches passed them, so the
 * end drain covers every branch; frames a branch makes are all kept.
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
