/**
 * `attachMediaStreamServer`: a telephony media-stream endpoint (Twilio, Telnyx) on any Node HTTP server.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { WebSocket } from 'ws';
import { mountWebSocketEndpoint, type WebSocketEndpoint, type WebSocketEndpointOptions } from '../shared/ws-endpoint';
import type { MediaStreamTransport, MediaStreamTransportOptions } from './transport';

/** Options of {@link attachMediaStreamServer}. */
export interface MediaStreamServerOptions<T extends MediaStreamTransport> extends WebSocketEndpointOptions, MediaStreamTransportOptions {
  /** Makes the transport for a socket (`(s, o) => new TwilioTransport(s, o)`). */
  readonly createTransport: (socket: WebSocket, options: MediaStreamTransportOptions) => T;
  /** Called with each new stream's transport (before its `start`); a throw closes the connection with 1011. */
  readonly onSession: (transport: T, request: IncomingMessage) => void | Promise<void>;
}

/** Mounts a media-stream endpoint. Prefer {@link attachTwilioServer}/{@link attachTelnyxServer}. */
export function attachMediaStreamServer<T extends MediaStreamTransport>(server: HttpServer | HttpsServer, options: MediaStreamServerOptions<T>): WebSocketEndpoint {
  const { onSession, createTransport, ...rest } = options;
  return mountWebSocketEndpoint(server, rest, (socket, request) => {
    const transport = createTransport(socket, rest);
    Promise.resolve()
      .then(() => onSession(transport, request))
      .catch((error: unknown) => {
        options.logger?.error({ err: error }, 'onSession failed; closing the connection');
        transport.close(1011, 'session setup failed');
      });
  });
}
