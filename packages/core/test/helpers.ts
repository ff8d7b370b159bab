import { FrameProcessor, makeFrame, type Frame, type FrameDirection } from '@voxframe/core';

/** A text frame, for tests. */
export const text = (value: string, uninterruptible = false): Frame =>
  makeFrame('text', { text: value, role: 'user' }, uninterruptible ? { uninterruptible: true } : {});

/** Settles pending promise callbacks and timers of 0 ms. */
export const flush = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A controllable async processor: every data frame waits for release() before passing on. */
export class Gate extends FrameProcessor {
  readonly started: Frame[] = [];
  readonly aborted: Frame[] = [];
  #releases: (() => void)[] = [];

  protected override process(frame: Frame, direction: FrameDirection, signal: AbortSignal): void | Promise<void> {
    if (frame.kind === 'system' || direction === 'upstream') {
      this.push(frame, direction);
      return;
    }
    this.started.push(frame);
    return new Promise<void>((resolve) => {
      const release = (): void => {
        this.push(frame, direction, signal);
        resolve();
      };
      signal.addEventListener('abort', () => {
        this.aborted.push(frame);
        this.#releases = this.#releases.filter((r) => r !== release);
        resolve();
      });
      this.#releases.push(release);
    });
  }

  /** Lets the oldest waiting frame through. */
  release(): void {
    this.#releases.shift()?.();
  }

  get waiting(): number {
    return this.#releases.length;
  }
}
