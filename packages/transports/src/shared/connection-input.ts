/**
 * The part every connection's input processor shares: hold what the peer sends before the pipeline is running
 * (nothing the caller says is lost), report protocol errors with one log line each, and turn the end of the
 * connection into one `end` frame that follows everything received.
 *
 * @packageDocumentation
 */
import { FrameProcessor, makeFrame, type Frame, type FrameProcessorOptions, type VoxframeError } from '@voxframe/core';

/** Options of {@link ConnectionInput}. */
export interface ConnectionInputOptions extends FrameProcessorOptions {
  /**
   * Frames held while the pipeline is not yet running (the peer may send audio in the same instant as its `start`,
   * or while `onSession` still builds the pipeline). Beyond it the oldest are dropped, counted and reported once.
   * @defaultValue 1000 (20 s of 20 ms audio frames)
   */
  readonly maxEarlyFrames?: number;
}

/** Defaults of {@link ConnectionInputOptions}. */
export const connectionInputDefaults = {
  maxEarlyFrames: 1000,
} as const satisfies Partial<ConnectionInputOptions>;

/** Base of the transports' input processors (browser WebSocket, Twilio/Telnyx media streams). */
export abstract class ConnectionInput extends FrameProcessor {
  #ended = false;
  #endPending: string | undefined;
  readonly #early: Frame[] = [];
  readonly #maxEarly: number;
  #earlyDropped = 0;

  constructor(options: ConnectionInputOptions) {
    super(options);
    this.#maxEarly = options.maxEarlyFrames ?? connectionInputDefaults.maxEarlyFrames;
  }

  /**
   * Settles when the peer has introduced itself (a browser's `hello`, a carrier's `start`), so the first audio frame
   * already knows its codec and rate. A rejection means the connection closed first; the end then follows the start.
   */
  protected abstract peerReady(): Promise<unknown>;

  protected override async onStart(): Promise<void> {
    try {
      await this.peerReady();
    } catch {
      // Closed before the peer introduced itself: acceptEnd() was called and the end follows the start frame.
    }
  }

  /** What arrived while starting goes out now, in order, right behind the start frame; then a pending end. */
  protected override afterStart(): void {
    if (this.#earlyDropped > 0) {
      this.logger.warn({ dropped: this.#earlyDropped, kept: this.#early.length }, 'frames received before the pipeline ran were dropped (raise maxEarlyFrames)');
    }
    for (const frame of this.#early.splice(0)) this.push(frame);
    const pending = this.#endPending;
    if (pending === undefined) return;
    this.#endPending = undefined;
    this.acceptEnd(pending);
  }

  /**
   * Pushes a downstream frame of the peer: at once while running, held (bounded) before the pipeline runs, dropped
   * after it ended. Returns whether the frame was pushed or held.
   */
  protected pushFromPeer(frame: Frame): boolean {
    const state = this.state;
    if (state === 'running') {
      this.push(frame);
      return true;
    }
    if ((state !== 'idle' && state !== 'starting') || this.#ended || this.#endPending !== undefined) return false;
    this.#early.push(frame);
    if (this.#early.length > this.#maxEarly) {
      this.#early.shift();
      this.#earlyDropped += 1;
    }
    return true;
  }

  /** Frames held until the pipeline runs. */
  get earlyFrames(): number {
    return this.#early.length;
  }

  /**
   * @internal A protocol or socket error, already logged by the transport (one line per event): an error frame
   * upstream, without a second log line.
   */
  acceptError(error: VoxframeError, fatal: boolean): void {
    this.push(makeFrame('error', { error, fatal, processor: this.name }), 'upstream');
  }

  /** @internal The peer left or the call ended: end the pipeline gracefully (once). */
  acceptEnd(reason: string): void {
    if (this.#ended) return;
    if (this.state === 'idle' || this.state === 'starting') {
      this.#endPending = reason;
      return;
    }
    if (this.state !== 'running') return;
    this.#ended = true;
    this.push(makeFrame('end', { reason }));
  }
}
