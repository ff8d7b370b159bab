/**
 * The socket seam: the provider talks to the service through a {@link WebSocketFactory}, so tests, proxies and
 * other runtimes can plug in their own transport (after Google's `WebSocketFactory`). The default uses `ws` with
 * permessage-deflate off (it costs ~10x CPU per audio message for 13% fewer bytes, measured in docs/benchmarks.md).
 *
 * @packageDocumentation
 */
import WebSocket, { type ClientOptions } from 'ws';

/** What the provider needs to open a connection. */
export interface SocketRequest {
  /** Full `ws:`/`wss:` URL including the query (`?model=…`). */
  readonly url: string;
  /** Handshake headers (authorization). Never log them. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Callbacks a socket reports to. Each is called from the socket's own event loop turn, in order. */
export interface SocketCallbacks {
  /** The handshake succeeded. */
  onOpen(): void;
  /** A text frame arrived (binary frames are passed as their UTF-8 text). */
  onMessage(text: string): void;
  /**
   * The handshake or the connection failed. `statusCode` is the HTTP status when the server refused the upgrade
   * (401 for a bad key). `onClose` follows unless the socket never opened.
   */
  onError(error: Error, statusCode?: number): void;
  /** The connection closed (1006 when it dropped without a close frame). */
  onClose(code: number, reason: string): void;
  /** A WebSocket pong arrived (the answer to {@link RealtimeSocket.ping}). */
  onPong?(): void;
}

/** An open (or opening) socket. */
export interface RealtimeSocket {
  /** Sends one text frame. */
  send(text: string): void;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Drops the connection without a closing handshake. */
  terminate(): void;
  /**
   * Sends a WebSocket ping (keepalive); the peer answers with a pong (`onPong`). Sockets without it are kept alive
   * by the messages they receive only.
   */
  ping?(): void;
}

/** Opens sockets. */
export type WebSocketFactory = (request: SocketRequest, callbacks: SocketCallbacks) => RealtimeSocket;

/**
 * Creates the default factory on `ws`. `options` go to the `ws` client (for example `ca` to trust a test
 * certificate, or an `agent` for a proxy); `perMessageDeflate` defaults to off.
 */
export function createWsSocketFactory(options: ClientOptions = {}): WebSocketFactory {
  return (request, callbacks) => {
    const socket = new WebSocket(request.url, {
      perMessageDeflate: false,
      ...options,
      headers: { ...options.headers, ...request.headers },
    });
    let opened = false;
    let failed = false;
    socket.on('open', () => {
      opened = true;
      callbacks.onOpen();
    });
    socket.on('message', (data: WebSocket.RawData) => {
      callbacks.onMessage(rawToText(data));
    });
    socket.on('unexpected-response', (_request, response) => {
      // The server refused the upgrade (401 bad key, 404 bad path): report the status, then drop the socket.
      failed = true;
      const status = response.statusCode ?? 0;
      response.resume();
      callbacks.onError(new Error(`handshake refused with HTTP ${status} ${response.statusMessage ?? ''}`.trim()), status);
      socket.terminate();
    });
    socket.on('error', (error: Error) => {
      if (failed) return;
      if (!opened) failed = true;
      callbacks.onError(error);
    });
    socket.on('pong', () => callbacks.onPong?.());
    socket.on('close', (code: number, reason: Buffer) => {
      if (!opened) return; // a failed handshake was reported through onError
      callbacks.onClose(code, reason.toString('utf8'));
    });
    return {
      send: (text) => socket.send(text),
      close: (code, reason) => socket.close(code, reason),
      terminate: () => socket.terminate(),
      ping: () => {
        if (socket.readyState === WebSocket.OPEN) socket.ping();
      },
    };
  };
}

function rawToText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** The default socket factory (`ws`, permessage-deflate off). */
export const wsSocketFactory: WebSocketFactory = createWsSocketFactory();
