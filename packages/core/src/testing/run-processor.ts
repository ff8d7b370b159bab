/**
 * `runProcessor`: frames in, frames out, in each direction, for one-call processor tests.
 *
 * @packageDocumentation
 */
import type { Frame, StartFrame } from '../frames';
import type { FrameNode } from '../node';
import { ProcessorHarness, type HarnessOptions } from './harness';

/** Input of {@link runProcessor}. */
export interface RunProcessorInput {
  /** Frames sent downstream, in order, after start. */
  readonly downstream?: readonly Frame[];
  /** Frames sent upstream, in order, after the downstream ones. */
  readonly upstream?: readonly Frame[];
}

/** Options of {@link runProcessor}. */
export interface RunProcessorOptions extends HarnessOptions {
  /** Fields of the start frame. */
  readonly start?: Partial<Omit<StartFrame, 'type' | 'kind' | 'id'>>;
  /** Keep start and end frames in the output. @defaultValue `false` */
  readonly includeLifecycle?: boolean;
  /** How long the end drain may take. @defaultValue 5000 */
  readonly timeoutMs?: number;
}

/** What came out of {@link runProcessor}. */
export interface RunProcessorOutput {
  readonly downstream: Frame[];
  readonly upstream: Frame[];
}

const LIFECYCLE = new Set(['start', 'end']);

/**
 * Starts the node, sends the frames, ends it, and returns everything it emitted each way once the end frame
 * drained through.
 *
 * @example
 * ```ts
 * const out = await runProcessor(new Shout(), { downstream: [makeFrame('text', { text: 'hi', role: 'user' })] });
 * expect(out.downstream).toMatchObject([{ type: 'text', text: 'HI' }]);
 * ```
 */
export async function runProcessor(node: FrameNode, input: RunProcessorInput, options: RunProcessorOptions = {}): Promise<RunProcessorOutput> {
  const harness = new ProcessorHarness(node, options);
  try {
    await harness.start(options.start, options.timeoutMs);
    harness.send(...(input.downstream ?? []));
    harness.sendUpstream(...(input.upstream ?? []));
    await harness.end(options.timeoutMs);
  } finally {
    harness.dispose();
  }
  const keep = (f: Frame): boolean => options.includeLifecycle === true || !LIFECYCLE.has(f.type);
  return { downstream: harness.downstream.filter(keep), upstream: harness.upstream.filter(keep) };
}
