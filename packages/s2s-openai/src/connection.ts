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
import { systemClock, type CancelTimer, type Clock } from './clock';
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

/** Keepalive of an open connection: a ping every `intervalMs`, the connection is dead without an answer in `timeoutMs`. */
export interface KeepaliveSettings {
  /** `0` turns keepalive off. */
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** An open connection. Create with {@link RealtimeConnection.open}. */
export class RealtimeConnection {
  /** Id of the service session (`sess_…`), from `session.created`. */
  readonly serviceSessionId: string | undefined;
  /** When the connection opened (on the session's clock). */
  readonly openedAt: number;
  readonly #socket: RealtimeSocket;
  readonly #logger: Logger;
  readonly #clock: Clock;
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closed: Promise<void>;
  #resolveClosed!: () => void;
  #handlers: ConnectionHandlers | undefined;
  /** Last time the service showed it is alive (a message or a pong). */
  #lastHeardAt: number;
  #cancelKeepalive: CancelTimer | undefined;

  private constructor(socket: RealtimeSocket, logger: Logger, clock: Clock, created: ServerEvent) {
    this.#socket = socket;
    this.#logger = logger;
    this.#clock = clock;
    this.serviceSessionId = created.session?.id;
    this.openedAt = clock.now();
    this.#lastHeardAt = this.openedAt;
    this.#closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /**
   * Connects and waits for `session.created`.
   *
   * @throws `S2SError` `unauthorized` (HTTP 401/403, not recoverable), `not_found` (HTTP 404: a wrong `base_url`
   * or model, not recoverable), `socket_failed` (the socket factory threw, e.g. a header `ws` refuses; not
   * recoverable), `connect_timeout`, `connection_failed`, `aborted`, or the service's own error (e.g.
   * `beta_api_shape_disabled`) when it refuses the session.
   */
  static open(
    config: ResolvedOpenAIConfig,
    logger: Logger,
    handlers: ConnectionHandlers,
    signal?: AbortSignal,
    clock: Clock = systemClock,
  ): Promise<RealtimeConnection> {
    const factory = config.socketFactory ?? wsSocketFactory;
    const headers: Record<string, string> = config.azure ? { 'api-key': config.apiKey } : { Authorization: `Bearer ${config.apiKey}` };
    if (config.safetyIdentifier !== undefined) headers['OpenAI-Safety-Identifier'] = config.safetyIdentifier;
    return new Promise<RealtimeConnection>((resolve, reject) => {
      let connection: RealtimeConnection | undefined;
      let socket: RealtimeSocket | undefined;
      const timer: { cancel?: CancelTimer } = {};
      let settled = false;
      let refusal: OpenAIRealtimeError | undefined;
      const settle = (error?: S2SError): void => {
        if (settled) return;
        settled = true;
        timer.cancel?.();
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          socket?.terminate();
          reject(error);
        } else if (connection) {
          connection.#startKeepalive(config.keepalive);
          resolve(connection);
        }
      };
      const onAbort = (): void => settle(connectionError('aborted', 'connecting was aborted.', false, signal?.reason));
      try {
        socket = factory(
          { url: config.url, headers },
          {
            onOpen: () => logger.debug({ url: redactUrl(config.url) }, 'realtime socket open'),
            onMessage: (text) => {
              if (connection !== undefined && connection.#handlers !== undefined) {
                connection.#receive(text);
                return;
              }
              const event = parseServerEvent(text);
              if (event?.type === 'session.created' && socket !== undefined) {
                connection = new RealtimeConnection(socket, logger, clock, event);
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
              settle(handshakeError(error, statusCode));
            },
            onClose: (code, reason) => {
              if (connection && settled) {
                connection.#onClose(code, reason);
                return;
              }
              settle(refusal ?? connectionError('connection_failed', `the service closed the connection (${code} ${reason}).`, true));
            },
            onPong: () => {
              if (connection !== undefined) connection.#heard();
            },
          },
        );
      } catch (error) {
        // A synchronous throw (e.g. `ws` refusing a header value): nothing is open, no timer is armed.
        settle(
          connectionError(
            'socket_failed',
            `could not create the socket: ${error instanceof Error ? error.message : String(error)}. ` +
              'Check extra.api_key (no spaces or line breaks), extra.base_url and extra.socket_factory.',
            false,
            error,
          ),
        );
        return;
      }
      if (settled) return; // the factory reported a failure synchronously
      timer.cancel = clock.after(config.connectTimeoutMs, () =>
        settle(connectionError('connect_timeout', `no session.created within ${config.connectTimeoutMs} ms.`, true)),
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
      this.#stopKeepalive();
      this.#socket.close(code, reason);
      const cancel = this.#clock.after(CLOSE_TIMEOUT_MS, () => {
        this.#socket.terminate();
        // A socket that reports no close after terminate (a custom factory) is closed here.
        this.#onClose(1006, 'closing handshake timed out');
      });
      void this.#closed.then(cancel);
    }
    return this.#closed;
  }

  /** Drops the connection at once (tests, and abandoning a half-open rotation). */
  terminate(): void {
    this.#stopKeepalive();
    this.#socket.terminate();
  }

  /**
   * Pings every `intervalMs`; when neither a pong nor any message arrives within `timeoutMs` of a ping, the
   * connection is half-open (the peer or a middlebox vanished without a FIN): drop it, so the session's recovery
   * starts instead of a silent stall.
   */
  #startKeepalive(settings: KeepaliveSettings): void {
    if (settings.intervalMs <= 0 || this.#socket.ping === undefined) return;
    const tick = (): void => {
      if (this.#state !== 'open') return;
      const pingAt = this.#clock.now();
      this.#socket.ping?.();
      this.#cancelKeepalive = this.#clock.after(settings.timeoutMs, () => {
        if (this.#state !== 'open') return;
        if (this.#lastHeardAt >= pingAt) {
          this.#cancelKeepalive = this.#clock.after(Math.max(0, settings.intervalMs - settings.timeoutMs), tick);
          return;
        }
        this.#logger.warn({ timeoutMs: settings.timeoutMs }, 'realtime connection did not answer a ping; dropping it');
        this.#socket.terminate();
        this.#onClose(1006, 'keepalive timeout');
      });
    };
    this.#cancelKeepalive = this.#clock.after(settings.intervalMs, tick);
  }

  #stopKeepalive(): void {
    this.#cancelKeepalive?.();
    this.#cancelKeepalive = undefined;
  }

  #heard(): void {
    this.#lastHeardAt = this.#clock.now();
  }

  #receive(text: string): void {
    this.#heard();
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
    this.#stopKeepalive();
    this.#resolveClosed();
    this.#handlers?.onClose(code, reason);
  }
}

/** A refused or failed handshake as a typed error: refusals that a retry cannot fix are not recoverable. */
function handshakeError(error: Error, statusCode: number | undefined): S2SError {
  if (statusCode === 401 || statusCode === 403) {
    return connectionError('unauthorized', `the service refused the API key (HTTP ${statusCode}). Check extra.api_key or OPENAI_API_KEY.`, false, error);
  }
  if (statusCode === 404) {
    return connectionError('not_found', 'the service has no Realtime endpoint at this URL (HTTP 404). Check extra.base_url and the model name.', false, error);
  }
  return connectionError('connection_failed', `could not connect: ${error.message}`, true, error);
}

/** The URL without its query, for logs. */
function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt < 0 ? url : url.slice(0, queryAt);
}
