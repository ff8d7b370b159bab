/**
 * The socket seam: the provider talks to the service through a {@link WebSocketFactory}, so tests, proxies and other
 * runtimes can plug in (after `@google/genai`'s `WebSocketFactory`). The default uses `ws` with permessage-deflate
 * off (it costs ~10x CPU per audio message). The service sends its JSON in binary frames; both kinds are delivered.
 *
 * @packageDocumentation
 */
import WebSocket, { type ClientOptions } from 'ws';

/** What the provider needs to open a connection. */
export interface SocketRequest {
  /** Full `ws:`/`wss:` URL including `?key=…`. Never log it. */
  readonly url: string;
  /** Handshake headers. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Callbacks a socket reports to, in order. */
export interface SocketCallbacks {
  /** The handshake succeeded. */
  onOpen(): void;
  /** A frame arrived: a `Buffer` for binary frames (UTF-8 JSON from the service), a string for text frames. */
  onMessage(data: Buffer | string): void;
  /** The handshake or the connection failed; `statusCode` when the server refused the upgrade. */
  onError(error: Error, statusCode?: number): void;
  /** The connection closed (1006 when it dropped without a close frame). Not called when it never opened. */
  onClose(code: number, reason: string): void;
}

/** An open (or opening) socket. */
export interface LiveSocket {
  /** Sends one text frame. */
  send(text: string): void;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Drops the connection without a closing handshake. */
  terminate(): void;
}

/** Opens sockets. */
export type WebSocketFactory = (request: SocketRequest, callbacks: SocketCallbacks) => LiveSocket;

/** Creates the default factory on `ws`; `options` go to the `ws` client (`ca`, `agent`, ...). */
export function createWsSocketFactory(options: ClientOptions = {}): WebSocketFactory {
  return (request, callbacks) => {
    const socket = new WebSocket(request.url, { perMessageDeflate: false, ...options, headers: { ...options.headers, ...request.headers } });
    let opened = false;
    let failed = false;
    socket.on('open', () => {
      opened = true;
      callbacks.onOpen();
    });
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      callbacks.onMessage(isBinary ? buffer : buffer.toString('utf8'));
    });
    socket.on('unexpected-response', (_request, response) => {
      failed = true;
      const status = response.statusCode ?? 0;
      response.resume();
      callbacks.onError(new Error(`handshake refused with HTTP ${status}`), status);
      socket.terminate();
    });
    socket.on('error', (error: Error) => {
      if (failed) return;
      if (!opened) failed = true;
      callbacks.onError(error);
    });
    socket.on('close', (code: number, reason: Buffer) => {
      if (opened) callbacks.onClose(code, reason.toString('utf8'));
    });
    return {
      send: (text) => socket.send(text),
      close: (code, reason) => socket.close(code, reason),
      terminate: () => socket.terminate(),
    };
  };
}

/** The default socket factory (`ws`, permessage-deflate off). */
export const wsSocketFactory: WebSocketFactory = createWsSocketFactory();
