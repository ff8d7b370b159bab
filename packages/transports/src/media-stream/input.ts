/**
 * The media-stream input processor: caller audio, keys and hang-up become frames.
 *
 * @packageDocumentation
 */
import { makeFrame } from '@voxframe/core';
import { ConnectionInput } from '../shared/connection-input';
import { MediaSequenceError } from '../shared/errors';
import { ChunkSequencer, type ChunkSequenceStats } from './chunk-sequencer';
import { decodePayload } from './codec';
import type { MediaStreamTransport } from './transport';

/** Late chunks between two reports (the first late chunk is reported, then one report per this many). */
const LATE_REPORT_EVERY = 100;

/**
 * Pushes `audio.input` frames (PCM16 at the stream's rate, 8 kHz for Twilio) for the inbound track, `dtmf` frames
 * for key presses, and an `end` frame when the call ends (`stop`) or the socket closes. Audio that arrives before
 * the pipeline runs (in the same instant as `start`, or while `onSession` builds the pipeline) is held and pushed
 * right after the start frame. Chunks that arrive late behind newer ones are dropped, counted and reported (Telnyx
 * does not guarantee order, protocol note §7); a jump of the chunk counter resynchronises (see
 * {@link ChunkSequencer}), so one odd number never silences the call.
 */
export class MediaStreamInput extends ConnectionInput {
  readonly #transport: MediaStreamTransport;
  /** Scratch for base64 decoding: no allocation per message beyond the frame's own samples. */
  #scratch = Buffer.allocUnsafe(4096);
  readonly #sequencer = new ChunkSequencer();

  constructor(transport: MediaStreamTransport, maxEarlyFrames?: number) {
    super({ name: `${transport.dialect.name}Input`, ...(maxEarlyFrames !== undefined ? { maxEarlyFrames } : {}) });
    this.#transport = transport;
  }

  /** Chunk order counters: accepted, late (dropped), resyncs, missing. */
  get sequenceStats(): ChunkSequenceStats {
    return this.#sequencer.stats;
  }

  /** The carrier's `start` message: codec and rate. */
  protected override peerReady(): Promise<unknown> {
    return this.#transport.started;
  }

  /** @internal One `media` message. */
  acceptMedia(track: string, chunk: number, timestampMs: number, payload: string): void {
    const start = this.#transport.start;
    if (start === undefined) return;
    if (track !== 'inbound' && track !== 'inbound_track') return; // bidirectional streams carry the caller only (§1)
    const previous = this.#sequencer.lastChunk;
    const decision = this.#sequencer.decide(chunk);
    if (decision === 'late') {
      const late = this.#sequencer.stats.late;
      if (late === 1 || late % LATE_REPORT_EVERY === 0) {
        this.#transport.report(
          new MediaSequenceError(this.#transport.dialect.name, `${late} late media chunk(s) dropped so far (chunk ${chunk} after ${previous}).`, { late, chunk, newest: previous }),
        );
      }
      return;
    }
    if (decision === 'resync') {
      this.#transport.report(
        new MediaSequenceError(this.#transport.dialect.name, `media chunk counter jumped from ${previous} to ${chunk}; resynchronised on it.`, { from: previous, to: chunk }),
      );
    }
    const maxBytes = (payload.length >> 2) * 3;
    if (maxBytes > this.#scratch.length) this.#scratch = Buffer.allocUnsafe(maxBytes);
    const length = this.#scratch.write(payload, 0, 'base64');
    if (length === 0) return;
    const samples = decodePayload(start.codec, this.#scratch.subarray(0, length));
    this.pushFromPeer(makeFrame('audio.input', { samples, sampleRate: start.sampleRate, channels: 1 }, { ptsMs: timestampMs }));
  }

  /** @internal The caller pressed a key. */
  acceptDtmf(digit: string): void {
    this.pushFromPeer(makeFrame('dtmf', { digit }));
  }
}
