/**
 * `WebSocketTransport`: one browser connection, as an input processor and an output processor.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket, RawData } from 'ws';
import { silentLogger, type Logger } from '@voxframe/core';
import { ConnectionClosedError, PayloadTooLargeError, TransportProtocolError } from '../shared/errors';
import { Keepalive, keepaliveDefaults, type KeepaliveOptions } from '../shared/keepalive';
import { webSocketEndpointDefaults } from '../shared/ws-endpoint';
import { TokenBucket } from '../shared/rate-limiter';
import { WebSocketInput } from './input';
import { WebSocketOutput } from './output';
import {
  VOICE_PROTOCOL_VERSION,
  parseClientMessage,
  type ClientMessage,
  type HelloMessage,
  type ServerEventMessage,
  type ServerMessage,
} from './protocol';

/** Send options for audio, allocated once (this is the per-frame path). */
const BINARY = { binary: true } as const;

/** Options of {@link WebSocketTransport}. */
export interface WebSocketTransportOptions extends KeepaliveOptions {
  /** Logger (a child with the session id is made). @defaultValue a silent logger */
  readonly logger?: Logger;
  /** Session id sent in `ready` and put on log lines. @defaultValue a random id */
  readonly sessionId?: string;
  /**
   * How long the client has to send `hello` before the connection is closed (1008).
   * @defaultValue 5000
   */
  readonly helloTimeoutMs?: number;
  /**
   * Sustained messages per second a client may send. Audio in 20 ms chunks is 50/s; bursts of 4x that are allowed.
   * Beyond it messages are dropped and reported; a client 10x over for a second is disconnected (1008).
   * @defaultValue 200
   */
  readonly maxMessagesPerSecond?: number;
  /**
   * Most bytes waiting in the socket's send buffer. Above it, outgoing audio is dropped (counted, reported once per
   * episode) instead of queueing without bound behind a slow network. 512 KiB is about 11 s of 24 kHz PCM16.
   * @defaultValue 524288
   */
  readonly maxBufferedBytes?: number;
  /**
   * Rate the server sends audio at when the client did not announce `outputSampleRate`.
   * @defaultValue 24000
   */
  readonly outputSampleRate?: number;
  /** Description of the agent, sent to the page in `ready` (e.g. `{ provider: 'openai' }`). */
  readonly agent?: Readonly<Record<string, string>>;
  /**
   * Largest message the socket accepts (set on the WebSocket server; {@link attachVoiceServer} passes it on), quoted
   * in the `payload_too_large` error.
   * @defaultValue 65536
   */
  readonly maxPayloadBytes?: number;
}

/** Defaults of {@link WebSocketTransportOptions}. */
export const webSocketTransportDefaults = {
  helloTimeoutMs: 5000,
  maxMessagesPerSecond: 200,
  maxBufferedBytes: 524_288,
  outputSampleRate: 24_000,
  maxPayloadBytes: webSocketEndpointDefaults.maxPayloadBytes,
  ...keepaliveDefaults,
} as const satisfies WebSocketTransportOptions;

/** What the transport learned from the client's `hello`. */
export interface VoiceSessionInfo {
  readonly sessionId: string;
  /** Rate of audio the client sends. */
  readonly inputSampleRate: number;
  /** Rate audio is sent to the client at. */
  readonly outputSampleRate: number;
  readonly hello: HelloMessage;
}

/**
 * One browser voice connection. Use {@link input} at the head of a pipeline and {@link output} at its tail:
 *
 * ```ts
 * const t = new WebSocketTransport(socket);
 * const runner = new PipelineRunner(pipeline(t.input(), sileroVad(), s2s, outputPacer(), t.output()));
 * t.closed.then(() => runner.cancel('client left'));
 * ```
 */
export class WebSocketTransport {
  /** Session id (in `ready` and in logs). */
  readonly sessionId: string;
  /** Resolves with the client's hello (rejects if none comes in time or the socket closes first). */
  readonly ready: Promise<VoiceSessionInfo>;
  /** Resolves when the socket closed, with the close code and reason. */
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;

  readonly #socket: WebSocket;
  readonly #logger: Logger;
  readonly #options: WebSocketTransportOptions;
  readonly #limiter: TokenBucket;
  readonly #startedMs = performance.now();
  #info: VoiceSessionInfo | undefined;
  #input: WebSocketInput | undefined;
  #output: WebSocketOutput | undefined;
  #resolveReady!: (info: VoiceSessionInfo) => void;
  #rejectReady!: (error: Error) => void;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  #rateDropped = 0;
  #rateWindowStartMs = 0;
  #byeReceived = false;
  readonly #keepalive: Keepalive;

  constructor(socket: WebSocket, options: WebSocketTransportOptions = {}) {
    this.#socket = socket;
    this.#options = options;
    this.sessionId = options.sessionId ?? `vs-${randomUUID()}`;
    this.#logger = (options.logger ?? silentLogger()).child({ transport: 'websocket', session: this.sessionId });
    const rate = options.maxMessagesPerSecond ?? webSocketTransportDefaults.maxMessagesPerSecond;
    this.#limiter = new TokenBucket(rate, rate * 4);
    this.ready = new Promise<VoiceSessionInfo>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.ready.catch(() => undefined); // observed through closed/errors; an unawaited rejection must not crash
    this.closed = new Promise((resolve) => {
      socket.once('close', (code: number, reason: Buffer) => {
        clearTimeout(this.#helloTimer);
        const text = reason.toString('utf8');
        this.#rejectReady(new ConnectionClosedError('websocket', code, text));
        this.#onClose(code, text);
        resolve({ code, reason: text });
      });
    });
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    socket.on('error', (error: Error & { code?: string }) => this.#onSocketError(error));
    this.#helloTimer = setTimeout(() => {
      if (this.#info !== undefined) return;
      this.#logger.warn('no hello in time; closing');
      this.send({ type: 'error', code: 'hello_timeout', message: 'Send a hello message first.', fatal: true });
      socket.close(1008, 'hello timeout');
    }, options.helloTimeoutMs ?? webSocketTransportDefaults.helloTimeoutMs);
    this.#helloTimer.unref(); // the socket keeps the process alive, not this guard
    this.#keepalive = new Keepalive(socket, options, (silentMs) => {
      const error = new ConnectionClosedError('websocket', 1006, `no message or pong for ${Math.round(silentMs)} ms (keepalive)`, { recoverable: true });
      this.#logger.warn({ code: error.code }, error.message);
      this.#emitError(error, false);
    });
  }

  /** Keepalive pings sent so far. */
  get pingsSent(): number {
    return this.#keepalive.pings;
  }

  /** The input processor: client audio -> `audio.input`, client text -> `text`, client interrupt -> interruption request. */
  input(): WebSocketInput {
    this.#input ??= new WebSocketInput(this);
    return this.#input;
  }

  /** The output processor: `audio.output` -> client (flushed on interruption), transcripts/text/events -> page. */
  output(): WebSocketOutput {
    this.#output ??= new WebSocketOutput(this, this.#options.maxBufferedBytes ?? webSocketTransportDefaults.maxBufferedBytes);
    return this.#output;
  }

  /** The negotiated session, once the hello arrived. */
  get info(): VoiceSessionInfo | undefined {
    return this.#info;
  }

  /** Whether the socket is open. */
  get open(): boolean {
    return this.#socket.readyState === 1;
  }

  /** Bytes waiting in the socket's send buffer. */
  get bufferedBytes(): number {
    return this.#socket.bufferedAmount;
  }

  /** Session clock: ms since the connection opened. */
  nowMs(): number {
    return performance.now() - this.#startedMs;
  }

  /** Sends a control message (dropped when the socket is not open). */
  send(message: ServerMessage): void {
    if (this.#socket.readyState !== 1) return;
    this.#socket.send(JSON.stringify(message));
  }

  /** Sends an event for the page (speaking state, VAD decisions, latencies). */
  sendEvent(name: string, data?: ServerEventMessage['data']): void {
    this.send({ type: 'event', name, atMs: Math.round(this.nowMs()), ...(data !== undefined ? { data } : {}) });
  }

  /** Sends PCM16 LE audio bytes (copied: the caller's buffer may be pooled and reused before the write drains). */
  sendAudio(bytes: Uint8Array): void {
    if (this.#socket.readyState !== 1) return;
    this.#socket.send(Buffer.from(bytes), BINARY);
  }

  /** Closes the connection (normal closure by default). */
  close(code = 1000, reason = ''): void {
    if (this.#socket.readyState === 0 || this.#socket.readyState === 1) this.#socket.close(code, reason);
  }

  /** The transport's logger. */
  get logger(): Logger {
    return this.#logger;
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (!this.#limiter.take()) {
      this.#onRateExceeded();
      return;
    }
    if (isBinary) {
      if (this.#info === undefined) {
        this.#reportProtocolError('audio before hello', 'binary frame before hello (send hello first)');
        return;
      }
      this.#input?.acceptAudio(asBytes(data));
      return;
    }
    const parsed = parseClientMessage(asText(data));
    if (!parsed.ok) {
      this.#reportProtocolError('bad message', parsed.reason);
      return;
    }
    this.#dispatch(parsed.message);
  }

  #dispatch(message: ClientMessage): void {
    switch (message.type) {
      case 'hello':
        this.#onHello(message);
        return;
      case 'played':
        this.#output?.acceptPlayed(message);
        return;
      case 'text':
        this.#input?.acceptText(message.text);
        return;
      case 'interrupt':
        this.#input?.acceptInterruptRequest();
        return;
      case 'switch':
        this.#input?.acceptSwitch(message.target);
        return;
      case 'bye':
        this.#byeReceived = true;
        this.#input?.acceptEnd('client said bye');
        return;
    }
  }

  #onHello(hello: HelloMessage): void {
    if (this.#info !== undefined) {
      this.#reportProtocolError('duplicate hello', 'hello sent twice; the second was ignored');
      return;
    }
    clearTimeout(this.#helloTimer);
    const outputSampleRate = hello.outputSampleRate ?? this.#options.outputSampleRate ?? webSocketTransportDefaults.outputSampleRate;
    const info: VoiceSessionInfo = { sessionId: this.sessionId, inputSampleRate: hello.sampleRate, outputSampleRate, hello };
    this.#info = info;
    this.#logger.info({ inputSampleRate: info.inputSampleRate, outputSampleRate, client: hello.client, version: hello.version }, 'client hello');
    this.send({
      type: 'ready',
      version: VOICE_PROTOCOL_VERSION,
      sessionId: this.sessionId,
      inputSampleRate: info.inputSampleRate,
      outputSampleRate,
      ...(this.#options.agent !== undefined ? { agent: this.#options.agent } : {}),
    });
    this.#resolveReady(info);
  }

  #onRateExceeded(): void {
    const nowMs = this.nowMs();
    if (nowMs - this.#rateWindowStartMs > 1000) {
      this.#rateWindowStartMs = nowMs;
      this.#rateDropped = 0;
    }
    this.#rateDropped += 1;
    const rate = this.#options.maxMessagesPerSecond ?? webSocketTransportDefaults.maxMessagesPerSecond;
    if (this.#rateDropped === 1) this.#reportProtocolError('rate limit', `more than ${rate} messages/s; dropping messages`);
    if (this.#rateDropped > rate * 10) {
      this.#logger.warn({ rate }, 'client far over the message rate; closing');
      this.close(1008, 'rate limit');
    }
  }

  #reportProtocolError(what: string, reason: string): void {
    const error = new TransportProtocolError('websocket', `${what}: ${reason}`);
    this.#logger.warn({ code: error.code }, error.message);
    this.send({ type: 'error', code: error.code, message: error.message, fatal: false });
    this.#emitError(error, false);
  }

  #onSocketError(error: Error & { code?: string }): void {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      const typed = new PayloadTooLargeError('websocket', this.#options.maxPayloadBytes ?? webSocketTransportDefaults.maxPayloadBytes);
      this.#logger.warn({ code: typed.code }, typed.message);
      this.#emitError(typed, true);
      return;
    }
    const typed = new TransportProtocolError('websocket', `socket error: ${error.message}`, { cause: error, recoverable: false });
    this.#logger.warn({ code: typed.code }, typed.message);
    this.#logger.debug({ err: error }, 'socket error detail');
    this.#emitError(typed, true);
  }

  #emitError(error: TransportProtocolError | PayloadTooLargeError | ConnectionClosedError, fatal: boolean): void {
    this.#input?.acceptError(error, fatal);
  }

  #onClose(code: number, reason: string): void {
    const clean = this.#byeReceived || code === 1000 || code === 1001;
    this.#logger.info({ code, reason }, 'connection closed');
    if (!clean) this.#emitError(new TransportProtocolError('websocket', `connection lost (code ${code})`, { recoverable: true }), false);
    this.#input?.acceptEnd(clean ? 'client closed' : `connection lost (code ${code})`);
    this.#output?.connectionClosed();
  }
}

function asBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

function asText(data: RawData): string {
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(asBytes(data)).toString('utf8');
}
