/**
 * One WebSocket connection to the Realtime service: handshake (URL, headers, §1), JSON text framing (§1.3), the
 * wait for `session.created` (§2), and a bounded close. One session may use several connections over its life
 * (reconnects, rotations); the session owns the conversation, the connection only moves messages.
 *
 * @packageDocumentation
 */
import type { Logger, S2SError } from '@voxframe/core';
import type { ResolvedOpenAIConfig } from './config';
import { OpenAIRealtimeError, connectionError } from './errors';
import { parseServerEvent, type ClientEvent, type ServerEvent } from './protocol';
import { wsSocketFactory, type RealtimeSocket } from './socket';

/** Where a connection reports what happens after it opened. */
export interface ConnectionHandlers {
  /** A parsed server event. */
  onEvent(event: ServerEvent): void;
  /** A frame that is not a JSON object with a string `type`; its length only (never its content) is reported. */
  onGarbage(length: number): void;
  /** The connection closed after it had opened (by either side, or dropped: 1006). */
  onClose(code: number, reason: string): void;
}

/** How long `close()` waits for the closing handshake before dropping the socket. */
const CLOSE_TIMEOUT_MS = 2000;

/** An open connection. Create with {@link RealtimeConnection.open}. */
export class RealtimeConnection {
  /** Id of the service session (`sess_…`), from `session.created`. */
  readonly serviceSessionId: string | undefined;
  /** When the connection opened (`Date.now()`). */
  readonly openedAt: number;
  readonly #socket: RealtimeSocket;
  readonly #logger: Logger;
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closed: Promise<void>;
  #resolveClosed!: () => void;
  #handlers: ConnectionHandlers | undefined;

  private constructor(socket: RealtimeSocket, logger: Logger, created: ServerEvent) {
    this.#socket = socket;
    this.#logger = logger;
    this.serviceSessionId = created.session?.id;
    this.openedAt = Date.now();
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /**
   * Connects and waits for `session.created`.
   *
   * @throws `S2SError` `unauthorized` (HTTP 401/403, not recoverable), `connect_timeout`, `connection_failed`,
   * `aborted`, or the service's own error (e.g. `beta_api_shape_disabled`) when it refuses the session.
   */
  static open(config: ResolvedOpenAIConfig, logger: Logger, handlers: ConnectionHandlers, signal?: AbortSignal): Promise<RealtimeConnection> {
    const factory = config.socketFactory ?? wsSocketFactory;
    const headers: Record<string, string> = config.azure ? { 'api-key': config.apiKey } : { Authorization: `Bearer ${config.apiKey}` };
    if (config.safetyIdentifier !== undefined) headers['OpenAI-Safety-Identifier'] = config.safetyIdentifier;
    return new Promise<RealtimeConnection>((resolve, reject) => {
      let connection: RealtimeConnection | undefined;
      let settled = false;
      let refusal: OpenAIRealtimeError | undefined;
      const settle = (error?: S2SError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          socket.terminate();
          reject(error);
        } else if (connection) {
          resolve(connection);
        }
      };
      const onAbort = (): void => settle(connectionError('aborted', 'connecting was aborted.', false, signal?.reason));
      const timer = setTimeout(
        () => settle(connectionError('connect_timeout', `no session.created within ${config.connectTimeoutMs} ms.`, true)),
        config.connectTimeoutMs,
      );
      const socket = factory(
        { url: config.url, headers },
        {
          onOpen: () => logger.debug({ url: redactUrl(config.url) }, 'realtime socket open'),
          onMessage: (text) => {
            if (connection !== undefined && connection.#handlers !== undefined) {
              connection.#receive(text);
              return;
            }
            const event = parseServerEvent(text);
            if (event?.type === 'session.created') {
              connection = new RealtimeConnection(socket, logger, event);
              connection.#handlers = handlers;
              logger.debug({ serviceSession: connection.serviceSessionId }, 'realtime session created');
              settle();
            } else if (event?.type === 'error' && event.error) {
              refusal = new OpenAIRealtimeError(event.error, false);
            }
          },
          onError: (error, statusCode) => {
            if (connection && settled) {
              logger.warn({ err: error }, 'realtime socket error');
              return;
            }
            if (statusCode === 401 || statusCode === 403) {
              settle(connectionError('unauthorized', `the service refused the API key (HTTP ${statusCode}).`, false, error));
            } else {
              settle(connectionError('connection_failed', `could not connect: ${error.message}`, true, error));
            }
          },
          onClose: (code, reason) => {
            if (connection && settled) {
              connection.#onClose(code, reason);
              return;
            }
            settle(refusal ?? connectionError('connection_failed', `the service closed the connection (${code} ${reason}).`, true));
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

  /** Sends one client event; returns `false` (and drops it) when the connection is not open. */
  send(event: ClientEvent): boolean {
    if (this.#state !== 'open') {
      this.#logger.debug({ type: event.type }, 'realtime connection not open; event dropped');
      return false;
    }
    if (event.type !== 'input_audio_buffer.append') this.#logger.trace({ type: event.type, eventId: event.event_id }, 'realtime send');
    this.#socket.send(JSON.stringify(event));
    return true;
  }

  /** Closes with a closing handshake (1000 by default), dropping the socket if it takes longer than 2 s. */
  close(code = 1000, reason = 'client closed'): Promise<void> {
    if (this.#state === 'open') {
      this.#state = 'closing';
      this.#socket.close(code, reason);
      const timer = setTimeout(() => this.#socket.terminate(), CLOSE_TIMEOUT_MS);
      void this.#closed.then(() => clearTimeout(timer));
    }
    return this.#closed;
  }

  /** Drops the connection at once (tests, and abandoning a half-open rotation). */
  terminate(): void {
    this.#socket.terminate();
  }

  #receive(text: string): void {
    const event = parseServerEvent(text);
    if (event === undefined) {
      this.#handlers?.onGarbage(text.length);
      return;
    }
    if (event.type !== 'response.output_audio.delta') this.#logger.trace({ type: event.type }, 'realtime receive');
    this.#handlers?.onEvent(event);
  }

  #onClose(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#resolveClosed();
    this.#handlers?.onClose(code, reason);
  }
}

/** The URL without its query, for logs. */
function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt < 0 ? url : url.slice(0, queryAt);
}
