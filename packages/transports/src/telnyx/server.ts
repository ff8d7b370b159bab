/**
 * `attachTelnyxServer`: the Telnyx media-streaming endpoint on any Node HTTP server.
 *
 * @packageDocumentation
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { attachMediaStreamServer, type MediaStreamServerOptions } from '../media-stream/server';
import type { WebSocketEndpoint } from '../shared/ws-endpoint';
import { TelnyxTransport } from './transport';

/** Options of {@link attachTelnyxServer}. */
export type TelnyxServerOptions = Omit<MediaStreamServerOptions<TelnyxTransport>, 'createTransport' | 'path'> & {
  /** URL path (the `stream_url` path). @defaultValue `'/telnyx'` */
  readonly path?: string;
};

/** Mounts the Telnyx endpoint. */
export function attachTelnyxServer(server: HttpServer | HttpsServer, options: TelnyxServerOptions): WebSocketEndpoint {
  return attachMediaStreamServer(server, { ...options, path: options.path ?? '/telnyx', createTransport: (s, o) => new TelnyxTransport(s, o) });
}
