/**
 * The part every connection's input processor shares: wait for the peer to introduce itself before the pipeline
 * starts, report protocol errors, and turn the end of the connection into one `end` frame that follows the start.
 *
 * @packageDocumentation
 */
import { FrameProcessor, makeFrame, type FrameProcessorOptions, type VoxframeError } from '@voxframe/core';

/** Base of the transports' input processors (browser WebSocket, Twilio/Telnyx media streams). */
export abstract class ConnectionInput extends FrameProcessor {
  #ended = false;
  #endPending: string | undefined;

  constructor(options: FrameProcessorOptions) {
    super(options);
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

  /** An end that arrived while starting goes out now, right behind the start frame, never before it. */
  protected override afterStart(): void {
    const pending = this.#endPending;
    if (pending === undefined) return;
    this.#endPending = undefined;
    this.acceptEnd(pending);
  }

  /** @internal A protocol or socket error. */
  acceptError(error: VoxframeError, fatal: boolean): void {
    this.pushError(error, fatal);
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
