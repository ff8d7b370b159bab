/**
 * `TwilioTransport`: a Twilio Media Streams connection as input and output processors.
 *
 * @packageDocumentation
 */
import type { WebSocket } from 'ws';
import { MediaStreamTransport, type MediaStreamTransportOptions } from '../media-stream/transport';
import { twilioDialect } from './dialect';

/**
 * One bidirectional Twilio Media Stream (`<Connect><Stream url="wss://.../twilio">`): mu-law 8 kHz in as
 * `audio.input` PCM16 8 kHz, `audio.output` at any rate out as mu-law `media`, marks as the playback clock,
 * `clear` on barge-in, `dtmf` frames, custom parameters in {@link MediaStreamTransport.customParameters}.
 *
 * @example
 * ```ts
 * const t = new TwilioTransport(socket);
 * const runner = new PipelineRunner(pipeline(t.input(), sileroVad(), s2s, outputPacer({ chunkMs: 20 }), t.output()));
 * ```
 */
export class TwilioTransport extends MediaStreamTransport {
  constructor(socket: WebSocket, options: MediaStreamTransportOptions = {}) {
    super(socket, twilioDialect, options);
  }
}
