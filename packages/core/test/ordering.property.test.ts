/**
 * Property test (fast-check): random interleavings of system frames, data frames (interruptible or not), releases of
 * async work and interruptions, through two async processors in series, keep the documented order and never lose an
 * uninterruptible frame. fast-check prints the shrunk failing sequence when a property breaks.
 */
import { makeFrame, pipeline, type Frame } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import fc from 'fast-check';
import { Gate, text } from './helpers';

type Action = 'data' | 'keep' | 'system' | 'interrupt' | 'releaseA' | 'releaseB';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Sent {
  readonly frame: Frame;
  readonly uninterruptible: boolean;
  /** Index of the last interruption sent before this frame. */
  readonly epoch: number;
}

/** Plays the actions; `maxQueuedFrames` small makes the lanes overflow (interruptible frames may then be dropped). */
async function play(actions: readonly Action[], maxQueuedFrames = 1024): Promise<void> {
  const overflowing = maxQueuedFrames < actions.length;
  const a = new Gate({ name: 'a', maxQueuedFrames });
  const b = new Gate({ name: 'b', maxQueuedFrames });
  const h = new ProcessorHarness(pipeline(a, b));
  await h.start();
  const sent: Sent[] = [];
  let interruptions = 0;
  let n = 0;
  for (const action of actions) {
    switch (action) {
      case 'data':
      case 'keep': {
        const frame = text(`${action}-${n++}`, action === 'keep');
        sent.push({ frame, uninterruptible: action === 'keep', epoch: interruptions });
        h.send(frame);
        break;
      }
      case 'system': {
        const frame = makeFrame('user.started-speaking', {});
        h.send(frame);
        // System frames never wait behind data: out at once, whatever is queued or in flight.
        expect(h.downstream[h.downstream.length - 1]).toBe(frame);
        break;
      }
      case 'interrupt':
        interruptions += 1;
        h.interrupt();
        expect(h.framesOf('interruption.start')).toHaveLength(interruptions);
        break;
      case 'releaseA':
        a.release();
        await settle();
        break;
      case 'releaseB':
        b.release();
        await settle();
        break;
    }
  }
  // Drain: the end frame comes out once everything before it went through.
  const end = makeFrame('end', {});
  h.send(end);
  for (let i = 0; i < 10 * actions.length + 10 && !h.downstream.includes(end); i++) {
    a.release();
    b.release();
    await settle();
  }
  expect(h.downstream).toContain(end);

  const out = h.downstream.filter((f) => f.type === 'text');
  const position = new Map(sent.map((s, index) => [s.frame, index]));
  // No duplicates, and data frames leave in the order they were sent.
  expect(new Set(out).size).toBe(out.length);
  const order = out.map((f) => position.get(f) as number);
  expect(order).toEqual([...order].sort((x, y) => x - y));
  // Never lost: every uninterruptible frame, and every frame no interruption came after.
  for (const s of sent) {
    if (s.uninterruptible || (s.epoch === interruptions && !overflowing)) expect(out).toContain(s.frame);
  }
  // An interruptible frame sent before an interruption never comes out after that interruption.
  let seenInterruptions = 0;
  for (const f of h.downstream) {
    if (f.type === 'interruption.start') seenInterruptions += 1;
    if (f.type !== 'text') continue;
    const s = sent[position.get(f) as number];
    if (!s.uninterruptible) expect(s.epoch).toBeGreaterThanOrEqual(seenInterruptions);
  }
  h.dispose();
}

describe('ordering properties of the processor lanes', () => {
  test('random interleavings keep the documented order and never lose an uninterruptible frame', async () => {
    const action = fc.constantFrom<Action>('data', 'keep', 'system', 'interrupt', 'releaseA', 'releaseB');
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 40 }), (actions) => play(actions)),
      { numRuns: 150 },
    );
  });

  test('the same holds with lanes that overflow (2 frames): uninterruptible frames are never dropped or reordered', async () => {
    const action = fc.constantFrom<Action>('data', 'keep', 'keep', 'system', 'interrupt', 'releaseA', 'releaseB');
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 40 }), (actions) => play(actions, 2)),
      { numRuns: 150 },
    );
  });
});
