/**
 * What the pacer knows about one bot utterance: how much of its media went out, and whether more can come.
 *
 * @packageDocumentation
 */

/** One utterance (one `utteranceId`, or one run of audio without an id) as the pacer tracks it. */
export class UtteranceTrack {
  /** The frames' `utteranceId` (`undefined` for audio that carries none). */
  readonly id: string | undefined;
  /** Media released downstream so far, in ms (padding excluded). */
  releasedMediaMs = 0;
  /** Samples of this utterance still in the queue. */
  queuedSamples = 0;
  /** No more audio of it will be queued (a new utterance started, a turn/response end arrived, or end). */
  ended = false;
  /** Scheduler time at which its last released chunk finishes playing at the far end. */
  lastPlayEndMs = 0;
  /** Its final `playback.progress` was sent. */
  finalized = false;
  /** It overflowed `maxBufferedMs`: the rest of it is dropped so what plays stays a prefix of it. */
  dropping = false;

  constructor(id: string | undefined) {
    this.id = id;
  }
}
