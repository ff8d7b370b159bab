/**
 * `pipeline(...)`: processors chained in series, itself a node so pipelines nest.
 *
 * @packageDocumentation
 */
import type { Observable } from 'rxjs';
import type { ProcessorContext } from './context';
import { UsageError } from './errors';
import type { Frame, FrameDirection } from './frames';
import type { FrameNode, FrameTarget } from './node';
import { assertFrameNode } from './processor';

/** Nodes already linked into a composite: a node has one place in one pipeline. */
const linked = new WeakSet<FrameNode>();

/**
 * Marks a node as linked into a composite; throws a `UsageError` if it already is (a processor holds per-stream state
 * and has one place in one pipeline). For authors of composite nodes (like `pipeline`, `parallel`, a service switcher):
 * call it once for each child.
 */
export function claimNode(node: FrameNode, where: string): void {
  if (linked.has(node)) {
    throw new UsageError(
      `${where}: processor '${node.name}' is already part of a pipeline. A processor holds per-stream state and ` +
        'has one place in one pipeline: create a new instance for each place and each session.',
    );
  }
  linked.add(node);
}

/** Options of {@link pipeline}. */
export interface PipelineOptions {
  /** Name in logs. @defaultValue `'pipeline'` */
  readonly name?: string;
}

/** Processors in series: frames going downstream pass through them in order, upstream frames in reverse. */
export class Pipeline implements FrameNode {
  readonly name: string;
  readonly children: readonly FrameNode[];
  readonly downstream: Observable<Frame>;
  readonly upstream: Observable<Frame>;
  readonly #head: FrameNode;
  readonly #tail: FrameNode;

  constructor(nodes: readonly FrameNode[], options: PipelineOptions = {}) {
    this.name = options.name ?? 'pipeline';
    if (nodes.length === 0) throw new UsageError('pipeline() needs at least one processor.');
    nodes.forEach((node, index) => {
      assertFrameNode(node, `pipeline() argument ${index}`);
      claimNode(node, 'pipeline()');
    });
    this.children = [...nodes];
    this.#head = nodes[0];
    this.#tail = nodes[nodes.length - 1];
    for (let i = 0; i + 1 < nodes.length; i++) {
      const before = nodes[i];
      const after = nodes[i + 1];
      before.setTarget('downstream', after);
      after.setTarget('upstream', before);
    }
    this.downstream = this.#tail.downstream;
    this.upstream = this.#head.upstream;
  }

  receive(frame: Frame, direction: FrameDirection): void {
    if (direction === 'downstream') this.#head.receive(frame, direction);
    else this.#tail.receive(frame, direction);
  }

  setTarget(direction: FrameDirection, target: FrameTarget | undefined): void {
    if (direction === 'downstream') this.#tail.setTarget(direction, target);
    else this.#head.setTarget(direction, target);
  }

  attach(context: ProcessorContext): void {
    for (const node of this.children) node.attach(context);
  }

  dispose(): void {
    for (const node of this.children) node.dispose();
  }
}

/**
 * Chains processors in series. Pipelines nest: a pipeline is a node like any processor.
 *
 * @example
 * ```ts
 * const agent = pipeline(transport.input(), vad, s2s, transport.output());
 * ```
 */
export function pipeline(...nodes: FrameNode[]): Pipeline {
  return new Pipeline(nodes);
}
