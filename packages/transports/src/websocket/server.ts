/**
 * `attachVoiceServer`: the browser voice endpoint on any Node HTTP server.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { mountWebSocketEndpoint, webSocketEndpointDefaults, type WebSocketEndpoint, type WebSocketEndpointOptions } from '../shared/ws-endpoint';
import { WebSocketTransport, type WebSocketTransportOptions } from './transport';

/** Options of {@link attachVoiceServer}. */
export interface VoiceServerOptions extends Omit<WebSocketEndpointOptions, 'path'>, Omit<WebSocketTransportOptions, 'logger' | 'sessionId'> {
  /** URL path of the endpoint. @defaultValue `'/voice'` */
  readonly path?: string;
  /**
   * Called with each new session's transport (before its hello). Build and run a pipeline around it; a throw or
   * rejection closes the connection with 1011 and is logged.
   */
  readonly onSession: (transport: WebSocketTransport, request: IncomingMessage) => void | Promise<void>;
}

/** Defaults of {@link VoiceServerOptions}. */
export const voiceServerDefaults = {
  path: '/voice',
  ...webSocketEndpointDefaults,
} as const satisfies Partial<VoiceServerOptions>;

/**
 * Mounts the browser voice endpoint on `server`. Several endpoints (e.g. `/voice` and `/twilio`) share one server.
 *
 * @example
 * ```ts
 * const server = http.createServer(app);
 * attachVoiceServer(server, {
 *   allowedOrigins: ['https://app.example.com'],
 *   authenticate: (req) => checkToken(req.headers.cookie),
 *   onSession: (t) => { const r = new PipelineRunner(pipeline(t.input(), vad, s2s, outputPacer(), t.output())); t.closed.then(() => r.cancel()); void r.run(); },
 * });
 * ```
 */
export function attachVoiceServer(server: HttpServer | HttpsServer, options: VoiceServerOptions): WebSocketEndpoint {
  const { onSession, path, ...rest } = options;
  return mountWebSocketEndpoint(server, { ...rest, path: path ?? voiceServerDefaults.path }, (socket, request) => {
    const transport = new WebSocketTransport(socket, rest);
    Promise.resolve()
      .then(() => onSession(transport, request))
      .catch((error: unknown) => {
        options.logger?.error({ err: error, session: transport.sessionId }, 'onSession failed; closing the connection');
        transport.close(1011, 'session setup failed');
      });
  });
}
