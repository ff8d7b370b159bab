/**
 * One WebSocket connection to `/v1/listen`: the handshake (with its timeout and the refused-status mapping),
 * binary audio and JSON control frames out, parsed messages in. Reconnecting is the session's job.
 *
 * @packageDocumentation
 */
import WebSocket, { type ClientOptions } from 'ws';
import { DeepgramError, handshakeError } from './errors';
import type { WireControlMessage, WireServerMessage } from './protocol';

/** What a connection reports. */
export interface ConnectionCallbacks {
  onMessage(message: WireServerMessage): void;
  /** A frame that was not JSON of a known shape. */
  onUnreadable(text: string): void;
  /** The connection closed (1006 when it dropped without a close frame). Called once. */
  onClose(code: number, reason: string): void;
}

/** Parameters of {@link DeepgramConnection.open}. */
export interface ConnectionRequest {
  readonly url: string;
  /** `Token <key>` or `Bearer <token>`. Never logged. */
  readonly authorization: string;
  readonly timeoutMs: number;
  readonly ws?: ClientOptions;
  readonly signal?: AbortSignal;
}

/** An open connection. */
export class DeepgramConnection {
  readonly #socket: WebSocket;
  #closed = false;
  #closedPromise: Promise<void>;

  private constructor(socket: WebSocket, callbacks: ConnectionCallbacks) {
    this.#socket = socket;
    this.#closedPromise = new Promise((resolve) => {
      socket.on('close', (code: number, reason: Buffer) => {
        this.#closed = true;
        resolve();
        callbacks.onClose(code, reason.toString('utf8'));
      });
    });
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const text = isBinary ? '' : rawText(data);
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        callbacks.onUnreadable(text.slice(0, 200));
        return;
      }
      if (typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string') {
        callbacks.onMessage(message as WireServerMessage);
      } else {
        callbacks.onUnreadable(text.slice(0, 200));
      }
    });
    // After the handshake, socket errors are followed by 'close'; the close code says what happened.
    socket.on('error', () => undefined);
  }

  /** Opens a connection; rejects with a typed {@link DeepgramError} when the handshake fails or times out. */
  static open(request: ConnectionRequest, callbacks: ConnectionCallbacks): Promise<DeepgramConnection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(request.url, {
        perMessageDeflate: false,
        ...request.ws,
        headers: { ...request.ws?.headers, Authorization: request.authorization },
      });
      let settled = false;
      const fail = (error: DeepgramError): void => {
        if (settled) return;
        settled = true;
        cleanup();
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new DeepgramError('connect_timeout', `no handshake answer within ${request.timeoutMs} ms; check baseUrl and the network.`)),
        request.timeoutMs,
      );
      const onAbort = (): void => fail(new DeepgramError('aborted', 'connecting was aborted.', { recoverable: false }));
      request.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = (): void => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
      };
      if (request.signal?.aborted) {
        onAbort();
        return;
      }
      socket.once('unexpected-response', (_req, response) => {
        const detail = response.headers['dg-error'];
        response.resume();
        fail(handshakeError(response.statusCode ?? 0, Array.isArray(detail) ? detail[0] : detail));
      });
      socket.once('error', (error: Error) =>
        fail(new DeepgramError('connect_failed', `could not connect to ${new URL(request.url).origin}: ${error.message}`, { cause: error })),
      );
      socket.once('open', () => {
        if (settled) return;
        settled = true;
        cleanup();
        socket.removeAllListeners();
        resolve(new DeepgramConnection(socket, callbacks));
      });
    });
  }

  /** Whether the socket can send. */
  get open(): boolean {
    return !this.#closed && this.#socket.readyState === WebSocket.OPEN;
  }

  /** Sends PCM16 samples as one binary frame (copied, so the caller may reuse its buffer). */
  sendAudio(samples: Int16Array): void {
    if (!this.open || samples.length === 0) return;
    this.#socket.send(Buffer.from(samples.buffer.slice(samples.byteOffset, samples.byteOffset + samples.byteLength)), { binary: true });
  }

  /** Sends a control message as a text frame (Deepgram mishandles control messages sent as binary). */
  sendControl(message: WireControlMessage): void {
    if (this.open) this.#socket.send(JSON.stringify(message));
  }

  /** Resolves when the socket has closed; drops it after `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<void> {
    if (this.#closed) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#closedPromise, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    if (!this.#closed) this.terminate();
    await this.#closedPromise;
  }

  /** Starts a closing handshake. */
  close(code = 1000, reason = ''): void {
    if (!this.#closed) this.#socket.close(code, reason);
  }

  /** Drops the socket at once. */
  terminate(): void {
    if (!this.#closed) this.#socket.terminate();
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
