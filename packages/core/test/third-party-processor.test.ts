/**
 * Written the way a third party would: only the public API of @voxframe/core and its test kit.
 */
import { FrameProcessor, makeFrame, type Frame, type FrameDirection, type FrameProcessorOptions } from '@voxframe/core';
import { ProcessorHarness, runInVirtualTime, runProcessor } from '@voxframe/core/testing';
import type { Subscription } from 'rxjs';
import { map } from 'rxjs';

/** Nudges the user with a text frame after `quietMs` without a final user transcript. */
class QuietNudger extends FrameProcessor {
  readonly #quietMs: number;
  #timer: Subscription | undefined;

  constructor(options: FrameProcessorOptions & { quietMs: number }) {
    super(options);
    this.#quietMs = options.quietMs;
  }

  protected override onStart(): void {
    this.#arm();
  }

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (frame.type === 'transcript' && frame.role === 'user' && frame.final) this.#arm();
    this.push(frame, direction);
  }

  protected override onInterruption(): void {
    this.#arm();
  }

  protected override onDispose(): void {
    this.#timer?.unsubscribe();
  }

  #arm(): void {
    this.#timer?.unsubscribe();
    this.#timer = this.scheduler.schedule(() => {
      this.push(makeFrame('text', { text: 'Are you still there?', role: 'assistant' }));
      this.#arm();
    }, this.#quietMs);
  }
}

const userSaid = (text: string): Frame => makeFrame('transcript', { role: 'user', text, final: true });

describe('a custom processor built on the public API', () => {
  test('works with runProcessor: frames in, frames out', async () => {
    const out = await runProcessor(new QuietNudger({ quietMs: 60_000 }), { downstream: [userSaid('hello')] });
    expect(out.downstream).toEqual([expect.objectContaining({ type: 'transcript', text: 'hello' })]);
    expect(out.upstream).toEqual([]);
  });

  test('its timing is pinned in virtual time with marbles', () => {
    runInVirtualTime(({ hot, expectObservable, scheduler }) => {
      const nudger = new QuietNudger({ quietMs: 100 });
      const harness = new ProcessorHarness(nudger, { scheduler });
      void harness.start();
      // user speaks at 50 ms and 180 ms; nudges due 100 ms after start or after the last speech
      hot('50ms a 129ms b', { a: userSaid('one'), b: userSaid('two') }).subscribe((frame) => harness.send(frame));
      // The nudger re-arms forever: end its life inside virtual time so the scheduler can finish.
      scheduler.schedule(() => harness.dispose(), 450);
      const labels = nudger.downstream.pipe(map((f) => (f.type === 'text' ? 'n' : f.type === 'transcript' ? 't' : 's')));
      // started before the subscription (not seen); speech at 50 re-arms (nudge at 150); speech at 180 re-arms (nudges at 280, 380)
      expectObservable(labels, '^ 400ms !').toBe('50ms t 99ms n 29ms t 99ms n 99ms n');
    }, (actual, expected) => expect(actual).toEqual(expected));
  });
});
