/**
 * A WebSocket endpoint on any Node HTTP(S) server: path routing, origin check, authentication, connection and
 * payload limits. The browser transport and the telephony transports are mounted through it, several on one server.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '@voxframe/core';

/** Options shared by every endpoint. */
export interface WebSocketEndpointOptions {
  /** URL path the endpoint answers on (exact match, query string ignored). */
  readonly path: string;
  /**
   * Decides whether an upgrade request may connect (check a token, a cookie, a signature). Runs before the
   * WebSocket handshake: a refusal answers HTTP 401 and no socket is opened.
   * @defaultValue everyone may connect
   */
  readonly authenticate?: (request: IncomingMessage) => boolean | Promise<boolean>;
  /**
   * Origins (scheme://host[:port]) allowed to connect; requests with another `Origin` header get HTTP 403.
   * Requests without an `Origin` header (servers, telephony carriers) are allowed. `undefined` allows any origin.
   * @defaultValue `undefined`
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Largest message accepted, in bytes; a larger one closes the connection with code 1009.
   * 64 KiB holds 2 s of 16 kHz PCM16, far above any sane audio chunk.
   * @defaultValue 65536
   */
  readonly maxPayloadBytes?: number;
  /**
   * Most simultaneous connections on this endpoint; more get HTTP 503.
   * @defaultValue 100
   */
  readonly maxConnections?: number;
  /**
   * Admission control, asked first for every upgrade request (a serving layer's session limit, load shedding,
   * draining, per-IP limits): return a refusal to answer it with that HTTP status (503 lets a load balancer retry
   * elsewhere), or `undefined` to go on with the other checks.
   * @defaultValue everyone is admitted
   */
  readonly admit?: (request: IncomingMessage) => UpgradeRefusal | undefined;
  /** Logger. @defaultValue the caller's */
  readonly logger?: Logger;
}

/** Why an upgrade request is refused before the handshake. */
export interface UpgradeRefusal {
  /** HTTP status to answer with (503 when a load balancer should retry elsewhere, 429 for a rate limit). */
  readonly status: number;
  /** Reason phrase, e.g. `Service Unavailable`. */
  readonly reason: string;
  /** Seconds to send in `Retry-After`, if any. */
  readonly retryAfterS?: number;
}

/** Defaults of {@link WebSocketEndpointOptions}. */
export const webSocketEndpointDefaults = {
  maxPayloadBytes: 65_536,
  maxConnections: 100,
} as const satisfies Partial<WebSocketEndpointOptions>;

/** A mounted endpoint. */
export interface WebSocketEndpoint {
  /** Open connections right now. */
  readonly connections: number;
  /** Stops accepting, closes every open connection (code 1001), and unmounts the path. */
  close(): Promise<void>;
}

type AnyHttpServer = HttpServer | HttpsServer;
type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** One `upgrade` listener per HTTP server, dispatching by path, so several endpoints share a server. */
const routesByServer = new WeakMap<AnyHttpServer, Map<string, UpgradeHandler>>();

function routesOf(server: AnyHttpServer): Map<string, UpgradeHandler> {
  let routes = routesByServer.get(server);
  if (routes !== undefined) return routes;
  const created = new Map<string, UpgradeHandler>();
  routesByServer.set(server, created);
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const handler = created.get(pathOf(request));
    if (handler === undefined) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    handler(request, socket, head);
  });
  routes = created;
  return routes;
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function refuse(socket: Duplex, status: number, text: string, retryAfterS?: number): void {
  const retry = retryAfterS === undefined ? '' : `Retry-After: ${Math.max(0, Math.round(retryAfterS))}\r\n`;
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\n${retry}Connection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * Mounts a WebSocket endpoint on `server`. `onConnection` gets every accepted socket (permessage-deflate is off:
 * it costs about 10x CPU per message for 13% fewer bytes on PCM).
 */
export function mountWebSocketEndpoint(
  server: AnyHttpServer,
  options: WebSocketEndpointOptions,
  onConnection: (socket: WebSocket, request: IncomingMessage) => void,
): WebSocketEndpoint {
  const routes = routesOf(server);
  if (routes.has(options.path)) throw new Error(`A WebSocket endpoint is already mounted on ${options.path}.`);
  const maxConnections = options.maxConnections ?? webSocketEndpointDefaults.maxConnections;
  const allowed = options.allowedOrigins === undefined ? undefined : new Set(options.allowedOrigins.map(normalizeOrigin));
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: options.maxPayloadBytes ?? webSocketEndpointDefaults.maxPayloadBytes,
    clientTracking: true,
  });
  let pending = 0;
  let closing = false;
  const log = options.logger;

  const handler: UpgradeHandler = (request, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (closing) return refuse(socket, 503, 'Service Unavailable');
    const refusal = admit(options, request);
    if (refusal !== undefined) return refuse(socket, refusal.status, refusal.reason, refusal.retryAfterS);
    if (wss.clients.size + pending >= maxConnections) {
      log?.warn({ path: options.path, maxConnections }, 'connection refused: endpoint full');
      return refuse(socket, 503, 'Service Unavailable');
    }
    const origin = request.headers.origin;
    if (allowed !== undefined && origin !== undefined && !allowed.has(normalizeOrigin(origin))) {
      log?.warn({ path: options.path, origin }, 'connection refused: origin not allowed');
      return refuse(socket, 403, 'Forbidden');
    }
    pending += 1;
    void authenticate(options, request).then((ok) => {
      pending -= 1;
      if (!ok) {
        log?.warn({ path: options.path }, 'connection refused: authentication failed');
        return refuse(socket, 401, 'Unauthorized');
      }
      if (closing || socket.destroyed) return refuse(socket, 503, 'Service Unavailable');
      wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, request));
    });
  };
  routes.set(options.path, handler);

  return {
    get connections() {
      return wss.clients.size;
    },
    close() {
      closing = true;
      if (routes.get(options.path) === handler) routes.delete(options.path);
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      return new Promise<void>((resolve) => {
        // Peers that do not answer the close handshake are cut after a second: shutdown never hangs.
        const timer = setTimeout(() => {
          for (const client of wss.clients) client.terminate();
        }, 1000);
        timer.unref();
        wss.close(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

function admit(options: WebSocketEndpointOptions, request: IncomingMessage): UpgradeRefusal | undefined {
  if (options.admit === undefined) return undefined;
  try {
    return options.admit(request);
  } catch (error) {
    options.logger?.warn({ err: error, path: options.path }, 'admit() threw; connection refused');
    return { status: 503, reason: 'Service Unavailable' };
  }
}

async function authenticate(options: WebSocketEndpointOptions, request: IncomingMessage): Promise<boolean> {
  if (options.authenticate === undefined) return true;
  try {
    return (await options.authenticate(request)) === true;
  } catch (error) {
    options.logger?.warn({ err: error, path: options.path }, 'authenticate() threw; connection refused');
    return false;
  }
}

function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}
