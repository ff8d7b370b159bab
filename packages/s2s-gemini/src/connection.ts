/**
 * One WebSocket connection to the Live service: the handshake (URL with `?key=`), `setup` then the wait for
 * `setupComplete` (nothing else may be sent before it), JSON in binary or text frames, and a bounded close. A
 * session uses several connections over its life (goAway rotations, reconnects); the connection only moves messages.
 *
 * @packageDocumentation
 */
import type { Logger, S2SError } from '@voxframe/core';
import type { Clock } from './clock';
import type { ResolvedGeminiConfig } from './config';
import { GeminiLiveError, closeDisposition, connectionError } from './errors';
import { parseServerMessage, type ClientMessage, type ServerMessage, type WireSetup } from './protocol';
import { wsSocketFactory, type LiveSocket } from './socket';

/** Where a connection reports what happens after `setupComplete`. */
export interface ConnectionHandlers {
  /** A parsed server message. */
  onMessage(message: ServerMessage): void;
  /** A frame that is not a JSON object; its length only is reported (never its content). */
  onGarbage(length: number): void;
  /** The connection closed (by either side, or dropped: 1006). */
  onClose(code: number, reason: string): void;
}

/** How long `close()` waits for the closing handshake before dropping the socket. */
const CLOSE_TIMEOUT_MS = 2000;
/** Messages held between `setupComplete` and `attach` (the same event-loop turn in practice). */
const MAX_HELD = 1000;

/** An open, set-up connection. Create with {@link LiveConnection.open}. */
export class LiveConnection {
  /** The service's session id from `setupComplete`, when it sends one. */
  readonly serviceSessionId: string | undefined;
  readonly #socket: LiveSocket;
  readonly #logger: Logger;
  readonly #clock: Clock;
  #state: 'open' | 'closing' | 'closed' = 'open';
  readonly #closed: Promise<void>;
  #resolveClosed!: () => void;
  #handlers: ConnectionHandlers | undefined;
  readonly #held: (ServerMessage | number)[] = [];
  #closedEarly: { code: number; reason: string } | undefined;
  /** Client messages sent on this connection (the 0-based index the service counts them by). */
  sentCount = 0;

  private constructor(socket: LiveSocket, logger: Logger, clock: Clock, sessionId: string | undefined) {
    this.#socket = socket;
    this.#logger = logger;
    this.#clock = clock;
    this.serviceSessionId = sessionId;
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /**
   * Connects, sends `setup` and waits for `setupComplete`.
   *
   * @throws `GeminiLiveError` when the service closes during setup (1007 bad setup or key, 1008 unknown model: not
   * recoverable); `S2SError` `unauthorized`, `connect_timeout`, `connection_failed` or `aborted`.
   */
  static open(config: ResolvedGeminiConfig, setup: WireSetup, logger: Logger, clock: Clock, signal?: AbortSignal): Promise<LiveConnection> {
    const factory = config.socketFactory ?? wsSocketFactory;
    return new Promise<LiveConnection>((resolve, reject) => {
      let connection: LiveConnection | undefined;
      let settled = false;
      const settle = (error?: S2SError): void => {
        if (settled) return;
        settled = true;
        cancelTimer();
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          socket.terminate();
          reject(error);
        } else if (connection) resolve(connection);
      };
      const onAbort = (): void => settle(connectionError('aborted', 'connecting was aborted.', false, signal?.reason));
      const cancelTimer = clock.setTimer(config.connectTimeoutMs, () =>
        settle(connectionError('connect_timeout', `no setupComplete within ${config.connectTimeoutMs} ms.`, true)),
      );
      const socket = factory(
        { url: config.url, headers: { 'content-type': 'application/json' } },
        {
          onOpen: () => {
            logger.debug({ model: config.model, resume: setup.sessionResumption?.handle !== undefined }, 'gemini live socket open; sending setup');
            socket.send(JSON.stringify({ setup } satisfies ClientMessage));
          },
          onMessage: (data) => {
            if (connection !== undefined) {
              connection.#receive(data);
              return;
            }
            const message = parseServerMessage(data);
            if (message?.setupComplete !== undefined) {
              connection = new LiveConnection(socket, logger, clock, message.setupComplete.sessionId);
              connection.sentCount = 1;
              settle();
            }
          },
          onError: (error, statusCode) => {
            if (settled) {
              logger.warn({ err: error }, 'gemini live socket error');
              return;
            }
            if (statusCode === 401 || statusCode === 403) settle(connectionError('unauthorized', `the service refused the API key (HTTP ${statusCode}).`, false, error));
            else settle(connectionError('connection_failed', `could not connect: ${error.message}`, true, error));
          },
          onClose: (code, reason) => {
            if (connection !== undefined) {
              connection.#onClose(code, reason);
              return;
            }
            settle(new GeminiLiveError(code, reason, closeDisposition(code) === 'retry'));
          },
        },
      );
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Whether messages can be sent. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** Resolves when the connection has closed. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** Starts delivering messages (held ones first). */
  attach(handlers: ConnectionHandlers): void {
    this.#handlers = handlers;
    for (const item of this.#held.splice(0)) {
      if (typeof item === 'number') handlers.onGarbage(item);
      else handlers.onMessage(item);
    }
    if (this.#closedEarly) handlers.onClose(this.#closedEarly.code, this.#closedEarly.reason);
  }

  /** Sends one client message; returns `false` (and drops it) when the connection is not open. */
  send(message: ClientMessage): boolean {
    if (this.#state !== 'open') return false;
    this.#socket.send(JSON.stringify(message));
    this.sentCount += 1;
    return true;
  }

  /** Sends pre-serialised JSON (the audio path builds its message text itself). */
  sendRaw(json: string): boolean {
    if (this.#state !== 'open') return false;
    this.#socket.send(json);
    this.sentCount += 1;
    return true;
  }

  /** Closes with a closing handshake, dropping the socket if it takes longer than 2 s. */
  close(code = 1000, reason = 'client closed'): Promise<void> {
    if (this.#state === 'open') {
      this.#state = 'closing';
      this.#socket.close(code, reason);
      const cancel = this.#clock.setTimer(CLOSE_TIMEOUT_MS, () => this.#socket.terminate());
      void this.#closed.then(cancel);
    }
    return this.#closed;
  }

  /** Drops the connection at once. */
  terminate(): void {
    this.#socket.terminate();
  }

  #receive(data: Buffer | string): void {
    const message = parseServerMessage(data);
    const item = message ?? data.length;
    if (this.#handlers === undefined) {
      if (this.#held.length < MAX_HELD) this.#held.push(item);
      return;
    }
    if (typeof item === 'number') this.#handlers.onGarbage(item);
    else this.#handlers.onMessage(item);
  }

  #onClose(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#resolveClosed();
    this.#logger.debug({ code, reason }, 'gemini live connection closed');
    if (this.#handlers) this.#handlers.onClose(code, reason);
    else this.#closedEarly = { code, reason };
  }
}
