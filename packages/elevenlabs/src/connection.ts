/**
 * Opening the multi-context WebSocket: the handshake with its timeout, abort and refused-status mapping.
 *
 * @packageDocumentation
 */
import WebSocket, { type ClientOptions } from 'ws';
import { ElevenLabsTtsError, handshakeError } from './errors';

/** Parameters of {@link openSocket}. */
export interface SocketRequest {
  readonly url: string;
  /** Never logged. */
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly ws?: ClientOptions;
  readonly signal?: AbortSignal;
}

/** Opens the socket; rejects with a typed {@link ElevenLabsTtsError}. */
export function openSocket(request: SocketRequest): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(request.url, {
      perMessageDeflate: false,
      ...request.ws,
      headers: { ...request.ws?.headers, 'xi-api-key': request.apiKey },
    });
    let settled = false;
    const fail = (error: ElevenLabsTtsError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      reject(error);
    };
    const timer = setTimeout(() => fail(new ElevenLabsTtsError('connect_timeout', `no handshake answer within ${request.timeoutMs} ms; check baseUrl and the network.`)), request.timeoutMs);
    const onAbort = (): void => fail(new ElevenLabsTtsError('aborted', 'connecting was aborted.', { recoverable: false }));
    const cleanup = (): void => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    };
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('unexpected-response', (_req, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => fail(handshakeError(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
      response.on('error', () => fail(handshakeError(response.statusCode ?? 0, '')));
    });
    socket.once('error', (error: Error) =>
      fail(new ElevenLabsTtsError('connect_failed', `could not connect to ${new URL(request.url).origin}: ${error.message}`, { cause: error })),
    );
    socket.once('open', () => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.removeAllListeners();
      resolve(socket);
    });
  });
}
