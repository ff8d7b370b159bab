/**
 * `NovaSonicEmulator`: a local HTTP/2 server (cleartext h2c, or TLS with a throwaway certificate) that speaks the
 * Bedrock bidirectional stream as the real AWS SDK client expects it (protocol note §4-§6): it routes
 * `POST /model/{modelId}/invoke-with-bidirectional-stream`, verifies the SigV4 signature of the request against
 * dummy credentials, answers known refusals before streaming (unknown model, bad signature, throttling) and runs
 * an {@link EmulatedStream} per request.
 *
 * @packageDocumentation
 */
import { createSecureServer, createServer, type Http2SecureServer, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { NOVA_SONIC_MODELS } from '../models';
import { createSelfSignedCertificate } from './certificate';
import { EmulatedStream } from './emulated-stream';
import { scriptedReplies, type NovaScript } from './script';
import { verifyRequestSignature, type EmulatorCredentials } from './sigv4';

/** Options of {@link NovaSonicEmulator.start}. */
export interface NovaSonicEmulatorOptions {
  /** Serve TLS (`https://`) with a self-signed certificate instead of cleartext h2c. @defaultValue `false` */
  readonly tls?: boolean;
  /** The credentials signatures are checked against. @defaultValue {@link EMULATOR_CREDENTIALS} */
  readonly credentials?: EmulatorCredentials;
  /** What the model answers. @defaultValue "OK." to everything */
  readonly script?: NovaScript;
  /** The transcript of a user utterance. @defaultValue `'(user speech of N ms)'` */
  readonly transcribe?: (context: { readonly speechMs: number; readonly index: number }) => string;
  /** Quiet that ends a user turn at MEDIUM endpointing (HIGH 0.6x, LOW 1.5x). @defaultValue `500` */
  readonly silenceMs?: number;
  /** Audio per `audioOutput` event. @defaultValue `100` */
  readonly audioChunkMs?: number;
  /** Time between `audioOutput` events (10 ms per 100 ms chunk: ten times real time, as the model runs ahead). @defaultValue `10` */
  readonly audioChunkIntervalMs?: number;
  /** When the first output event (`completionStart`) is sent: right after `promptStart`, or with the first reply. @defaultValue `'response'` */
  readonly firstEvent?: 'prompt-start' | 'response';
  /** The stream time limit: a `modelTimeoutException` after this long (the service's is 8 minutes). @defaultValue none */
  readonly streamLimitMs?: number;
}

/** The dummy credentials of tests. Never real ones. */
export const EMULATOR_CREDENTIALS: EmulatorCredentials = { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret-not-real' };

const PATH = /^\/model\/([^/]+)\/invoke-with-bidirectional-stream$/;

/** The emulator. Start it with {@link NovaSonicEmulator.start}; close it after the test. */
export class NovaSonicEmulator {
  /** Every stream, oldest first. */
  readonly streams: EmulatedStream[] = [];
  /** Requests refused before streaming, and why. */
  readonly refusals: string[] = [];
  /** What the model answers; may be replaced between turns. */
  script: NovaScript;
  /** The certificate's PEM when serving TLS (pass it as the client's `ca`). */
  readonly ca: string | undefined;
  readonly credentials: EmulatorCredentials;
  readonly #server: Http2Server | Http2SecureServer;
  readonly #options: NovaSonicEmulatorOptions;
  readonly #sockets = new Set<import('node:net').Socket>();
  readonly #waiters: ((stream: EmulatedStream) => void)[] = [];
  #replyIndex = 0;
  #throttle = 0;
  #streamLimitMs: number | undefined;

  private constructor(server: Http2Server | Http2SecureServer, options: NovaSonicEmulatorOptions, ca: string | undefined) {
    this.#server = server;
    this.#options = options;
    this.ca = ca;
    this.credentials = options.credentials ?? EMULATOR_CREDENTIALS;
    this.script = options.script ?? scriptedReplies();
    this.#streamLimitMs = options.streamLimitMs;
    server.on('stream', (stream, headers) => this.#onStream(stream, headers));
    server.on('connection', (socket: import('node:net').Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('secureConnection', (socket: import('node:net').Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts listening on 127.0.0.1 at a free port. */
  static async start(options: NovaSonicEmulatorOptions = {}): Promise<NovaSonicEmulator> {
    let server: Http2Server | Http2SecureServer;
    let ca: string | undefined;
    if (options.tls === true) {
      const certificate = await createSelfSignedCertificate();
      ca = certificate.cert;
      server = createSecureServer({ key: certificate.key, cert: certificate.cert, allowHTTP1: false });
    } else server = createServer();
    const emulator = new NovaSonicEmulator(server, options, ca);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return emulator;
  }

  /** The endpoint to give as `extra.base_url`. */
  get baseUrl(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `${this.#options.tls === true ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  /** The latest stream. */
  get stream(): EmulatedStream {
    const stream = this.streams[this.streams.length - 1];
    if (stream === undefined) throw new Error('the emulator has no stream yet');
    return stream;
  }

  /** Protocol violations and signature failures of every stream. */
  get issues(): string[] {
    return this.streams.flatMap((stream) => stream.issues.map((issue) => `${stream.id}: ${issue}`));
  }

  /** User audio samples received over all streams. */
  get totalAudioSamples(): number {
    return this.streams.reduce((sum, stream) => sum + stream.audioSamples, 0);
  }

  /** Resolves with the next stream to open. */
  nextStream(): Promise<EmulatedStream> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Answers the next `count` requests with HTTP 429 `ThrottlingException` before streaming. */
  throttleNext(count: number): void {
    this.#throttle = count;
  }

  /** Sets the stream time limit for streams opened from now on. */
  setStreamLimit(ms: number | undefined): void {
    this.#streamLimitMs = ms;
  }

  /** Closes every stream and connection, then the server. */
  async close(): Promise<void> {
    for (const stream of this.streams) stream.reset();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', () => undefined);
    const match = PATH.exec(String(headers[':path'] ?? ''));
    if (headers[':method'] !== 'POST' || match === null) return this.#refuse(stream, 404, 'UnknownOperationException', `no operation at ${String(headers[':method'])} ${String(headers[':path'])}`);
    const modelId = decodeURIComponent(match[1] as string);
    const verified = verifyRequestSignature(headers, this.credentials);
    if (typeof verified === 'string') return this.#refuse(stream, 403, 'InvalidSignatureException', verified);
    if (headers['content-type'] !== 'application/vnd.amazon.eventstream') {
      return this.#refuse(stream, 400, 'ValidationException', `content-type must be application/vnd.amazon.eventstream, got ${String(headers['content-type'])}`);
    }
    if (NOVA_SONIC_MODELS[modelId] === undefined) return this.#refuse(stream, 400, 'ValidationException', `The provided model identifier is invalid: ${modelId}`);
    if (this.#throttle > 0) {
      this.#throttle -= 1;
      return this.#refuse(stream, 429, 'ThrottlingException', 'Too many requests, please wait before trying again.');
    }
    const emulated = new EmulatedStream(stream, headers, modelId, verified, {
      credentials: this.credentials,
      script: () => this.script,
      replyIndex: (take) => (take ? this.#replyIndex++ : this.#replyIndex),
      transcribe: this.#options.transcribe ?? (({ speechMs }) => `(user speech of ${speechMs} ms)`),
      silenceMs: this.#options.silenceMs ?? 500,
      audioChunkMs: this.#options.audioChunkMs ?? 100,
      audioChunkIntervalMs: this.#options.audioChunkIntervalMs ?? 10,
      firstEvent: this.#options.firstEvent ?? 'response',
      streamLimitMs: this.#streamLimitMs,
    });
    this.streams.push(emulated);
    for (const waiter of this.#waiters.splice(0)) waiter(emulated);
  }

  /** An operation-level error before streaming (§4): status, `x-amzn-errortype`, JSON `{message}`. */
  #refuse(stream: ServerHttp2Stream, status: number, errorType: string, message: string): void {
    this.refusals.push(`${status} ${errorType}: ${message}`);
    stream.respond({ ':status': status, 'content-type': 'application/json', 'x-amzn-errortype': errorType, 'x-amzn-requestid': 'refused' });
    stream.end(JSON.stringify({ message }));
  }
}
