/**
 * Typed errors of the output pacer.
 *
 * @packageDocumentation
 */
import { VoxframeError } from '@voxframe/core';

/** Pacer options are out of range. Thrown by {@link outputPacer}, before any audio flows. */
export class PacerOptionsError extends VoxframeError {
  constructor(message: string) {
    super('pacer_invalid_options', `outputPacer: ${message}`, { recoverable: false });
  }
}

/**
 * More output audio arrived than `maxBufferedMs` holds: the rest of the overflowing utterance is dropped. Reported
 * once per episode (recoverable); the drop count goes out in a `queue-overflow` metric when the episode ends.
 */
export class PacerOverflowError extends VoxframeError {
  constructor(processor: string, maxBufferedMs: number) {
    super(
      'pacer_overflow',
      `${processor}: more than ${maxBufferedMs} ms of output audio was queued; the rest of the utterance is dropped. ` +
        'The producer runs far ahead of real time: raise maxBufferedMs if replies really are this long.',
      { recoverable: true, details: { processor, maxBufferedMs } },
    );
  }
}
