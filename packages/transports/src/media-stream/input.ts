/**
 * The media-stream input processor: caller audio, keys and hang-up become frames.
 *
 * @packageDocumentation
 */
import { FrameProcessor, makeFrame, type VoxframeError } from '@voxframe/core';
import { decodePayload } from './codec';
import type { MediaStreamTransport } from './transport';

/**
 * Pushes `audio.input` frames (PCM16 at the stream's rate, 8 kHz for Twilio) for the inbound track, `dtmf` frames
 * for key presses, and an `end` frame when the call ends (`stop`) or the socket closes. Chunks that arrive out of
 * order behind newer ones are dropped and counted (Telnyx does not guarantee order, protocol note §7).
 */
export class MediaStreamInput extends FrameProcessor {
  readonly #transport: MediaStreamTransport;
  /** Scratch for base64 decoding: no allocation per message beyond the frame's own samples. */
  #scratch = Buffer.allocUnsafe(4096);
  #lastChunk = -1;
  #outOfOrder = 0;
  #ended = false;
  #endPending: string | undefined;

  constructor(transport: MediaStreamTransport) {
    super({ name: `${transport.dialect.name}Input` });
    this.#transport = transport;
  }

  /** Waits for the carrier's `start` so the first frame already knows its codec and rate. */
  protected override async onStart(): Promise<void> {
    try {
      await this.#transport.started;
    } catch {
      // Closed before start: the end follows the start frame.
    }
    const pending = this.#endPending;
    // The base forwards the start frame once this promise settles; the end must follow it, not overtake it.
    if (pending !== undefined) setTimeout(() => this.acceptEnd(pending), 0);
  }

  /** @internal One `media` message. */
  acceptMedia(track: string, chunk: number, timestampMs: number, payload: string): void {
    const start = this.#transport.start;
    if (this.state !== 'running' || start === undefined) return;
    if (track !== 'inbound' && track !== 'inbound_track') return; // bidirectional streams carry the caller only (§1)
    if (chunk > 0 && chunk <= this.#lastChunk) {
      this.#outOfOrder += 1;
      if (this.#outOfOrder === 1 || this.#outOfOrder % 100 === 0) this.logger.warn({ dropped: this.#outOfOrder }, 'late media chunks dropped');
      return;
    }
    if (chunk > 0) this.#lastChunk = chunk;
    const maxBytes = (payload.length >> 2) * 3;
    if (maxBytes > this.#scratch.length) this.#scratch = Buffer.allocUnsafe(maxBytes);
    const length = this.#scratch.write(payload, 0, 'base64');
    if (length === 0) return;
    const samples = decodePayload(start.codec, this.#scratch.subarray(0, length));
    this.push(makeFrame('audio.input', { samples, sampleRate: start.sampleRate, channels: 1 }, { ptsMs: timestampMs }));
  }

  /** @internal The caller pressed a key. */
  acceptDtmf(digit: string): void {
    if (this.state === 'running') this.push(makeFrame('dtmf', { digit }));
  }

  /** @internal A protocol or socket error. */
  acceptError(error: VoxframeError, fatal: boolean): void {
    this.pushError(error, fatal);
  }

  /** @internal The call ended: end the pipeline gracefully (once). */
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
