/**
 * `MediaStreamTransport`: one telephony media stream (Twilio, Telnyx) as an input and an output processor.
 *
 * @packageDocumentation
 */
import type { RawData, WebSocket } from 'ws';
import { silentLogger, type Logger, type VoxframeError } from '@voxframe/core';
import { ConnectionClosedError, ForeignStreamError, PayloadTooLargeError, TransportProtocolError } from '../shared/errors';
import { Keepalive, type KeepaliveOptions } from '../shared/keepalive';
import { webSocketEndpointDefaults } from '../shared/ws-endpoint';
import type { MediaStreamDialect, MediaStreamEvent, MediaStreamStart } from './dialect';
import { MediaStreamInput } from './input';
import { MediaStreamOutput } from './output';

/** Options of {@link MediaStreamTransport}. */
export interface MediaStreamTransportOptions extends KeepaliveOptions {
  /** Logger (a child with the provider and stream id is made). @defaultValue a silent logger */
  readonly logger?: Logger;
  /**
   * How long the carrier has to send `start` before the connection is closed (1008).
   * @defaultValue 10000
   */
  readonly startTimeoutMs?: number;
  /**
   * Place a mark after at most this much audio, and at the end of each utterance. Smaller = a finer playback clock
   * for truncation, at one extra small message per interval.
   * @defaultValue 200
   */
  readonly markIntervalMs?: number;
  /**
   * Protocol errors tolerated per connection before it is closed (1008): a peer that only sends garbage is cut off,
   * one bad message among good ones is reported and skipped.
   * @defaultValue 20
   */
  readonly maxProtocolErrors?: number;
  /**
   * Most bytes waiting in the socket's send buffer before outgoing audio is dropped (counted, reported once per
   * episode) instead of queueing without bound behind a stalled network. 256 KiB is about 20 s of base64 mu-law.
   * @defaultValue 262144
   */
  readonly maxBufferedBytes?: number;
  /**
   * Largest message the socket accepts (set on the WebSocket server; {@link attachTwilioServer} passes it on), quoted
   * in the `payload_too_large` error.
   * @defaultValue 65536
   */
  readonly maxPayloadBytes?: number;
  /**
   * Audio frames held while the pipeline is not yet running (audio in the same instant as `start`, or while
   * `onSession` still builds the pipeline); beyond it the oldest are dropped and reported.
   * @defaultValue 1000 (20 s of 20 ms frames)
   */
  readonly maxEarlyFrames?: number;
}

/** Defaults of {@link MediaStreamTransportOptions}. */
export const mediaStreamTransportDefaults = {
  startTimeoutMs: 10_000,
  markIntervalMs: 200,
  maxProtocolErrors: 20,
  maxBufferedBytes: 262_144,
  maxPayloadBytes: webSocketEndpointDefaults.maxPayloadBytes,
  maxEarlyFrames: 1000,
  pingIntervalMs: 5000,
  deadAfterMs: 15_000,
} as const satisfies MediaStreamTransportOptions;

/**
 * One telephony media stream. Put {@link input} at the head of a pipeline and {@link output} at its tail; pace the
 * audio before the output (`outputPacer` from `@voxframe/processors`) so a `clear` cuts little.
 */
export class MediaStreamTransport {
  /** Resolves with the stream metadata (ids, codec, custom parameters) once `start` arrived. */
  readonly started: Promise<MediaStreamStart>;
  /** Resolves when the socket closed. */
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;
  /** The wire dialect (provider). */
  readonly dialect: MediaStreamDialect;

  readonly #socket: WebSocket;
  readonly #options: MediaStreamTransportOptions;
  #logger: Logger;
  #start: MediaStreamStart | undefined;
  #input: MediaStreamInput | undefined;
  #output: MediaStreamOutput | undefined;
  #resolveStarted!: (start: MediaStreamStart) => void;
  #rejectStarted!: (error: Error) => void;
  #startTimer: ReturnType<typeof setTimeout> | undefined;
  #protocolErrors = 0;
  #stopReceived = false;
  readonly #keepalive: Keepalive;

  constructor(socket: WebSocket, dialect: MediaStreamDialect, options: MediaStreamTransportOptions = {}) {
    this.#socket = socket;
    this.dialect = dialect;
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger()).child({ transport: dialect.name });
    this.started = new Promise((resolve, reject) => {
      this.#resolveStarted = resolve;
      this.#rejectStarted = reject;
    });
    this.started.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      socket.once('close', (code: number, reason: Buffer) => {
        clearTimeout(this.#startTimer);
        const text = reason.toString('utf8');
        this.#rejectStarted(new ConnectionClosedError(dialect.name, code, text));
        this.#onClose(code, text);
        resolve({ code, reason: text });
      });
    });
    socket.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    socket.on('error', (error: Error & { code?: string }) => this.#onSocketError(error));
    this.#startTimer = setTimeout(() => {
      if (this.#start !== undefined) return;
      this.#logger.warn('no start message in time; closing');
      this.close(1008, 'no start');
    }, options.startTimeoutMs ?? mediaStreamTransportDefaults.startTimeoutMs);
    this.#startTimer.unref(); // the socket keeps the process alive, not this guard
    this.#keepalive = new Keepalive(socket, options, (silentMs) => {
      this.report(new ConnectionClosedError(dialect.name, 1006, `no message or pong for ${Math.round(silentMs)} ms (keepalive)`, { recoverable: true }));
    });
  }

  /** Keepalive pings sent so far. */
  get pingsSent(): number {
    return this.#keepalive.pings;
  }

  /** The input processor: caller audio -> `audio.input` (PCM16 at the stream rate), keys -> `dtmf`, stop -> `end`. */
  input(): MediaStreamInput {
    this.#input ??= new MediaStreamInput(this, this.#options.maxEarlyFrames);
    return this.#input;
  }

  /** The output processor: `audio.output` (any rate) -> stream codec -> `media`; marks -> `playback.progress`; `clear` on barge-in. */
  output(): MediaStreamOutput {
    this.#output ??= new MediaStreamOutput(
      this,
      this.#options.markIntervalMs ?? mediaStreamTransportDefaults.markIntervalMs,
      this.#options.maxBufferedBytes ?? mediaStreamTransportDefaults.maxBufferedBytes,
    );
    return this.#output;
  }

  /** Stream metadata once `start` arrived (ids, codec, rate, custom parameters). */
  get start(): MediaStreamStart | undefined {
    return this.#start;
  }

  /** Custom parameters of the stream (TwiML `<Parameter>`); empty before `start`. */
  get customParameters(): Readonly<Record<string, string>> {
    return this.#start?.customParameters ?? {};
  }

  /** Whether audio may be sent: the socket is open and the carrier has not sent `stop`. */
  get open(): boolean {
    return this.#socket.readyState === 1 && !this.#stopReceived;
  }

  /** Whether the carrier sent `stop` (the call ended; nothing is sent any more). */
  get stopped(): boolean {
    return this.#stopReceived;
  }

  /** Bytes waiting in the socket's send buffer. */
  get bufferedBytes(): number {
    return this.#socket.bufferedAmount;
  }

  /** The transport's logger. */
  get logger(): Logger {
    return this.#logger;
  }

  /** Sends one text message (dropped when the socket is not open or the carrier sent `stop`). */
  sendText(message: string): void {
    if (this.#socket.readyState === 1 && !this.#stopReceived) this.#socket.send(message);
  }

  /**
   * Closes the connection. For Twilio `<Connect><Stream>`, closing from our side ends the stream and resumes the
   * TwiML after `</Connect>` (protocol note §1, §3).
   */
  close(code = 1000, reason = ''): void {
    if (this.#socket.readyState === 0 || this.#socket.readyState === 1) this.#socket.close(code, reason);
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.#protocolError('binary frame where JSON text is expected');
      return;
    }
    const parsed = this.dialect.parse(rawToString(data));
    if (!parsed.ok) {
      this.#protocolError(parsed.reason);
      return;
    }
    this.#dispatch(parsed.event);
  }

  #dispatch(event: MediaStreamEvent): void {
    if ('streamId' in event && event.streamId !== undefined && this.#start !== undefined && event.streamId !== this.#start.streamId) {
      this.#countProtocolError(new ForeignStreamError(this.dialect.name, event.kind, this.#start.streamId, event.streamId));
      return;
    }
    switch (event.kind) {
      case 'connected':
        return;
      case 'start':
        if (this.#start !== undefined) {
          this.#protocolError('start sent twice; ignored');
          return;
        }
        clearTimeout(this.#startTimer);
        this.#start = event.start;
        this.#logger = this.#logger.child({ stream: event.start.streamId });
        this.#logger.info({ codec: event.start.codec, sampleRate: event.start.sampleRate, tracks: event.start.tracks }, 'stream started');
        this.#resolveStarted(event.start);
        return;
      case 'media':
        if (this.#start === undefined) {
          this.#protocolError('media before start');
          return;
        }
        // The input exists from the first media on: audio that arrives before the pipeline runs is held, not lost.
        this.input().acceptMedia(event.track, event.chunk, event.timestampMs, event.payload);
        return;
      case 'dtmf':
        this.input().acceptDtmf(event.digit);
        return;
      case 'mark':
        this.#output?.acceptMark(event.name);
        return;
      case 'stop':
        this.#stopReceived = true;
        this.#logger.info('stream stopped by the carrier');
        this.input().acceptEnd('call ended');
        return;
      case 'provider-error':
        this.report(new TransportProtocolError(this.dialect.name, `carrier error ${event.code}: ${event.message}`), false);
        return;
    }
  }

  #protocolError(reason: string): void {
    this.#countProtocolError(new TransportProtocolError(this.dialect.name, reason));
  }

  #countProtocolError(error: VoxframeError): void {
    this.#protocolErrors += 1;
    this.report(error, false);
    const max = this.#options.maxProtocolErrors ?? mediaStreamTransportDefaults.maxProtocolErrors;
    if (this.#protocolErrors === max) {
      this.#logger.warn({ errors: this.#protocolErrors }, 'too many protocol errors; closing');
      this.close(1008, 'protocol errors');
    }
  }

  /**
   * @internal Reports an error of this connection: one log line (the stack trace only at debug level) and an error
   * frame from the input.
   */
  report(error: VoxframeError, fatal = false): void {
    this.#logger[fatal ? 'error' : 'warn']({ code: error.code, fatal }, error.message);
    this.#logger.debug({ err: error }, 'error detail');
    this.#input?.acceptError(error, fatal);
  }

  #onSocketError(error: Error & { code?: string }): void {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.report(new PayloadTooLargeError(this.dialect.name, this.#options.maxPayloadBytes ?? mediaStreamTransportDefaults.maxPayloadBytes), true);
      return;
    }
    this.report(new TransportProtocolError(this.dialect.name, `socket error: ${error.message}`, { cause: error, recoverable: false }), true);
  }

  #onClose(code: number, reason: string): void {
    this.#logger.info({ code, reason }, 'connection closed');
    if (!this.#stopReceived && code !== 1000 && code !== 1001) {
      this.report(new ConnectionClosedError(this.dialect.name, code, reason || 'without a stop message', { recoverable: true }), false);
    }
    this.input().acceptEnd(this.#stopReceived ? 'call ended' : `connection closed (code ${code})`);
    this.#output?.connectionClosed();
  }
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
