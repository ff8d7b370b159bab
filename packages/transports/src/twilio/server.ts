/**
 * `attachTwilioServer`: the Twilio Media Streams endpoint on any Node HTTP server.
 *
 * @packageDocumentation
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { attachMediaStreamServer, type MediaStreamServerOptions } from '../media-stream/server';
import type { WebSocketEndpoint } from '../shared/ws-endpoint';
import { TwilioTransport } from './transport';

/** Options of {@link attachTwilioServer}. */
export type TwilioServerOptions = Omit<MediaStreamServerOptions<TwilioTransport>, 'createTransport' | 'path'> & {
  /** URL path (the `<Stream url>` path). @defaultValue `'/twilio'` */
  readonly path?: string;
};

/**
 * Mounts the Twilio endpoint. Twilio connects without an `Origin` header; use `authenticate` to check the
 * `X-Twilio-Signature` header (protocol note §1) in production.
 */
export function attachTwilioServer(server: HttpServer | HttpsServer, options: TwilioServerOptions): WebSocketEndpoint {
  return attachMediaStreamServer(server, { ...options, path: options.path ?? '/twilio', createTransport: (s, o) => new TwilioTransport(s, o) });
}
