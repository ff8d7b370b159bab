/**
 * The media-stream input processor: caller audio, keys and hang-up become frames.
 *
 * @packageDocumentation
 */
import { makeFrame } from '@voxframe/core';
import { ConnectionInput } from '../shared/connection-input';
import { decodePayload } from './codec';
import type { MediaStreamTransport } from './transport';

/**
 * Pushes `audio.input` frames (PCM16 at the stream's rate, 8 kHz for Twilio) for the inbound track, `dtmf` frames
 * for key presses, and an `end` frame when the call ends (`stop`) or the socket closes. Chunks that arrive out of
 * order behind newer ones are dropped and counted (Telnyx does not guarantee order, protocol note §7).
 */
export class MediaStreamInput extends ConnectionInput {
  readonly #transport: MediaStreamTransport;
  /** Scratch for base64 decoding: no allocation per message beyond the frame's own samples. */
  #scratch = Buffer.allocUnsafe(4096);
  #lastChunk = -1;
  #outOfOrder = 0;

  constructor(transport: MediaStreamTransport) {
    super({ name: `${transport.dialect.name}Input` });
    this.#transport = transport;
  }

  /** The carrier's `start` message: codec and rate. */
  protected override peerReady(): Promise<unknown> {
    return this.#transport.started;
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
}
