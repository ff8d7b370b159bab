/**
 * `DeepgramEmulator`: a local Deepgram live transcription service (`/v1/listen` over WebSocket) on 127.0.0.1, for
 * offline tests of agents. It checks the `Authorization` header (`Token <key>` or `Bearer <token>`) and the audio
 * options at the handshake (401 / 400 with a `dg-error` header, as the service does), detects speech in the audio,
 * and answers with scripted transcripts. Failures can be scripted: refused handshakes, error close frames, drops.
 *
 * ```ts
 * const emulator = await DeepgramEmulator.start({ transcripts: ['Hello there.'] });
 * const stt = createDeepgramStt({ apiKey: 'test', baseUrl: emulator.url });
 * ```
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { ListenConnection, type ListenParams } from './listen-connection';

/** Options of {@link DeepgramEmulator.start}. */
export interface DeepgramEmulatorOptions {
  /** The only key accepted. @defaultValue any non-empty key or token */
  readonly apiKey?: string;
  /** Port on 127.0.0.1. @defaultValue `0` (a free port) */
  readonly port?: number;
  /** Texts of the utterances, in order (more can be queued with {@link DeepgramEmulator.say}). @defaultValue none */
  readonly transcripts?: readonly string[];
  /** Text of an utterance when the queue is empty. @defaultValue `'hello'` */
  readonly defaultTranscript?: string;
  /** RMS level (PCM16 units) from which a 10 ms frame counts as speech. @defaultValue `500` */
  readonly speechThreshold?: number;
  /** Audio between interim results while speech goes on, ms. @defaultValue `200` */
  readonly interimEveryMs?: number;
  /** Close 1011 `NET-0001` after this long without audio or KeepAlive (Deepgram: 10 s). @defaultValue `10000` */
  readonly idleTimeoutMs?: number;
}

/** Defaults of {@link DeepgramEmulatorOptions}. */
export const deepgramEmulatorDefaults = {
  port: 0,
  defaultTranscript: 'hello',
  speechThreshold: 500,
  interimEveryMs: 200,
  idleTimeoutMs: 10_000,
} as const satisfies DeepgramEmulatorOptions;

/** A handshake the emulator saw. */
export interface DeepgramHandshake {
  readonly path: string;
  readonly status: number;
  /** `token`, `bearer`, or none. */
  readonly auth?: 'token' | 'bearer';
  readonly query: Readonly<Record<string, string>>;
}

/** Encodings the live endpoint accepts (raw audio ones need `sample_rate`). */
const RAW_ENCODINGS = new Set(['linear16', 'linear32', 'flac', 'alaw', 'mulaw', 'amr-nb', 'amr-wb', 'opus', 'ogg-opus', 'speex', 'g729']);

/** A running emulator (see the module docs). */
export class DeepgramEmulator {
  /** Every stream that connected, in order. */
  readonly connections: ListenConnection[] = [];
  /** Every handshake, accepted or refused. */
  readonly handshakes: DeepgramHandshake[] = [];
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #options: DeepgramEmulatorOptions;
  readonly #queue: string[];
  readonly #waiters: { count: number; resolve: (connection: ListenConnection) => void }[] = [];
  #refusals: { count: number; status: number; detail: string } = { count: 0, status: 503, detail: '' };
  #port = 0;

  private constructor(options: DeepgramEmulatorOptions) {
    this.#options = options;
    this.#queue = [...(options.transcripts ?? [])];
    this.#server = createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade to WebSocket on /v1/listen'));
    this.#server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.#onUpgrade(req, socket, head));
  }

  /** Starts an emulator on 127.0.0.1. */
  static async start(options: DeepgramEmulatorOptions = {}): Promise<DeepgramEmulator> {
    const emulator = new DeepgramEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(options.port ?? deepgramEmulatorDefaults.port, '127.0.0.1', () => resolve());
    });
    emulator.#port = (emulator.#server.address() as AddressInfo).port;
    return emulator;
  }

  /** The origin to pass as `baseUrl` (`ws://127.0.0.1:<port>`). */
  get url(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  /** Queues the texts of the next utterances. */
  say(...texts: string[]): void {
    this.#queue.push(...texts);
  }

  /** Refuses the next `count` handshakes with `status` (and a `dg-error` header), as an outage or a limit would. */
  refuseNext(count: number, status = 503, detail = 'Service temporarily unavailable'): void {
    this.#refusals = { count, status, detail };
  }

  /** The latest stream. */
  get current(): ListenConnection | undefined {
    return this.connections[this.connections.length - 1];
  }

  /** Resolves with the `n`-th stream (1-based) once it has connected. */
  waitForConnection(n: number): Promise<ListenConnection> {
    const existing = this.connections[n - 1];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => this.#waiters.push({ count: n, resolve }));
  }

  /** Stops the server, dropping every stream. */
  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    const header = req.headers.authorization ?? '';
    const [scheme, credential] = header.split(' ', 2);
    const auth = scheme === 'Token' ? 'token' : scheme === 'Bearer' ? 'bearer' : undefined;
    const refuse = (status: number, detail: string): void => {
      this.handshakes.push({ path: url.pathname, status, ...(auth ? { auth } : {}), query });
      socket.end(`HTTP/1.1 ${status} ${statusText(status)}\r\ndg-error: ${detail}\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n` +
        JSON.stringify({ err_code: statusText(status).toUpperCase().replace(/ /g, '_'), err_msg: detail }));
    };
    if (url.pathname !== '/v1/listen') return refuse(404, `no such endpoint: ${url.pathname}`);
    if (!auth || !credential || (this.#options.apiKey !== undefined && credential !== this.#options.apiKey)) {
      return refuse(401, 'Invalid credentials.');
    }
    if (this.#refusals.count > 0) {
      this.#refusals.count--;
      return refuse(this.#refusals.status, this.#refusals.detail);
    }
    const params = parseParams(query);
    if (typeof params === 'string') return refuse(400, params);
    this.handshakes.push({ path: url.pathname, status: 101, auth, query });
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new ListenConnection(ws, params, {
        nextTranscript: () => this.#queue.shift() ?? this.#options.defaultTranscript ?? deepgramEmulatorDefaults.defaultTranscript,
        speechThreshold: this.#options.speechThreshold ?? deepgramEmulatorDefaults.speechThreshold,
        interimEveryMs: this.#options.interimEveryMs ?? deepgramEmulatorDefaults.interimEveryMs,
        idleTimeoutMs: this.#options.idleTimeoutMs ?? deepgramEmulatorDefaults.idleTimeoutMs,
      });
      this.connections.push(connection);
      for (const waiter of [...this.#waiters]) {
        if (waiter.count <= this.connections.length) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(this.connections[waiter.count - 1]!);
        }
      }
    });
  }
}

function parseParams(query: Readonly<Record<string, string>>): ListenParams | string {
  const encoding = query.encoding;
  if (encoding !== undefined && !RAW_ENCODINGS.has(encoding)) return `Unsupported encoding: ${encoding}`;
  const sampleRate = Number(query.sample_rate ?? NaN);
  if (encoding !== undefined && !(sampleRate > 0)) return 'sample_rate is required when encoding is set';
  if (encoding !== undefined && encoding !== 'linear16') return `the emulator only decodes linear16, not ${encoding}`;
  const flag = (name: string, fallback: boolean): boolean => (query[name] === undefined ? fallback : query[name] === 'true');
  const ms = (name: string, fallback: number | false): number | false => {
    const value = query[name];
    if (value === undefined) return fallback;
    if (value === 'false') return false;
    return Number(value);
  };
  return {
    model: query.model ?? 'base',
    language: query.language ?? 'en',
    sampleRate: sampleRate > 0 ? sampleRate : 16_000,
    interimResults: flag('interim_results', false),
    endpointingMs: ms('endpointing', 10),
    utteranceEndMs: ms('utterance_end_ms', false),
    vadEvents: flag('vad_events', false),
    query,
  };
}

function statusText(status: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' } as Record<number, string>)[status] ?? 'Error';
}
