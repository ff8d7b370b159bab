/**
 * The output side's backpressure policy: when the socket's send buffer holds more than a limit (a slow or stalled
 * network), outgoing audio is dropped instead of queueing without bound, counted, and reported once per episode.
 *
 * @packageDocumentation
 */
import { VoxframeError } from '@voxframe/core';

/** Audio was dropped because the peer's connection did not keep up. Recoverable; once per episode. */
export class SendBufferFullError extends VoxframeError {
  constructor(transport: string, limitBytes: number) {
    super(
      'send_buffer_full',
      `${transport}: more than ${limitBytes} bytes were waiting to be sent; dropping audio until the network catches up.`,
      { recoverable: true, details: { limitBytes } },
    );
  }
}

/** What to do with the next audio message. */
export type SendDecision = 'send' | 'drop' | 'drop-and-report';

/** Tracks drop episodes for one connection. */
export class SendBudget {
  readonly #limitBytes: number;
  #dropped = 0;

  constructor(limitBytes: number) {
    this.#limitBytes = limitBytes;
  }

  /** The limit in bytes. */
  get limitBytes(): number {
    return this.#limitBytes;
  }

  /** Decides for the next message given the bytes waiting in the send buffer. */
  decide(bufferedBytes: number): SendDecision {
    if (bufferedBytes > this.#limitBytes) {
      this.#dropped += 1;
      return this.#dropped === 1 ? 'drop-and-report' : 'drop';
    }
    return 'send';
  }

  /** Ends an episode: returns how many messages it dropped (0 when there was none). */
  recovered(): number {
    const dropped = this.#dropped;
    this.#dropped = 0;
    return dropped;
  }
}
