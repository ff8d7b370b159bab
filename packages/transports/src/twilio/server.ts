/**
 * `attachTwilioServer`: the Twilio Media Streams endpoint on any Node HTTP server.
 *
 * @packageDocumentation
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { attachMediaStreamServer, type MediaStreamServerOptions } from '../media-stream/server';
import type { WebSocketEndpoint } from '../shared/ws-endpoint';
import { twilioSignatureAuthenticator } from './signature';
import { TwilioTransport } from './transport';

/** Options of {@link attachTwilioServer}. */
export type TwilioServerOptions = Omit<MediaStreamServerOptions<TwilioTransport>, 'createTransport' | 'path'> & {
  /** URL path (the `<Stream url>` path). @defaultValue `'/twilio'` */
  readonly path?: string;
  /**
   * The account's auth token. When set, every upgrade must carry a valid `X-Twilio-Signature` (HTTP 401 otherwise),
   * before your own `authenticate` runs. Never logged.
   * @defaultValue no signature check
   */
  readonly authToken?: string;
  /**
   * Scheme and host Twilio connects to (`wss://agent.example.com`), the base of the signed URL.
   * @defaultValue `wss://` + the request's Host header
   */
  readonly publicUrl?: string;
};

/**
 * Mounts the Twilio endpoint. Twilio connects without an `Origin` header and signs the upgrade with
 * `X-Twilio-Signature`: pass `authToken` (and `publicUrl` behind a proxy) and unsigned or wrongly signed
 * connections are refused with 401 before a socket opens.
 */
export function attachTwilioServer(server: HttpServer | HttpsServer, options: TwilioServerOptions): WebSocketEndpoint {
  const { authToken, publicUrl, authenticate, ...rest } = options;
  const signed = authToken === undefined ? undefined : twilioSignatureAuthenticator({ authToken, ...(publicUrl !== undefined ? { publicUrl } : {}) });
  const check =
    signed === undefined
      ? authenticate
      : async (request: Parameters<typeof signed>[0]): Promise<boolean> => signed(request) && (authenticate === undefined || (await authenticate(request)));
  return attachMediaStreamServer(server, {
    ...rest,
    ...(check !== undefined ? { authenticate: check } : {}),
    path: options.path ?? '/twilio',
    createTransport: (s, o) => new TwilioTransport(s, o),
  });
}
