/**
 * `TelnyxTransport`: a Telnyx media-streaming connection (RTP mode) as input and output processors.
 *
 * @packageDocumentation
 */
import type { WebSocket } from 'ws';
import { MediaStreamTransport, type MediaStreamTransportOptions } from '../media-stream/transport';
import { telnyxDialect } from './dialect';

/**
 * One bidirectional Telnyx media stream: the Twilio transport's logic over Telnyx's snake_case messages, with
 * PCMU, PCMA or L16 (big-endian) at the negotiated rate.
 */
export class TelnyxTransport extends MediaStreamTransport {
  constructor(socket: WebSocket, options: MediaStreamTransportOptions = {}) {
    super(socket, telnyxDialect, options);
  }
}
