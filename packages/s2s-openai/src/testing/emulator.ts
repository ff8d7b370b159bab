/**
 * `RealtimeEmulator`: a local OpenAI Realtime (GA) service for offline tests, on 127.0.0.1 (ws, or wss with a
 * certificate you give it). It follows the protocol note's §14: handshake and key check (401 otherwise),
 * `session.created`, validation of every client event with the service's errors, server VAD over the incoming
 * audio, scripted responses, truncation bookkeeping, session expiry, and the retired beta interface's rejection.
 *
 * ```ts
 * const emulator = await RealtimeEmulator.start({ script: scriptedReplies({ say: 'Hello there!' }) });
 * const s2s = createS2S('openai_realtime', { extra: { api_key: 'test', base_url: emulator.baseUrl } });
 * ```
 *
 * @packageDocumentation
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ClientEventIssue } from './client-event-check';
import { EmulatedSession, type RecordedIssue } from './emulated-session';
import type { ResponseScript } from './script';

/** Options of {@link RealtimeEmulator.start}. */
export interface RealtimeEmulatorOptions {
  /** Key the handshake must carry (`Authorization: Bearer …` or Azure `api-key`). @defaultValue any non-empty key */
  readonly apiKey?: string;
  /** Serve wss with this certificate (see `createSelfSignedCertificate`). @defaultValue plain ws */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** Port on 127.0.0.1. @defaultValue `0` (a free port) */
  readonly port?: number;
  /** What the scripted model answers. @defaultValue every response says `'OK.'` */
  readonly script?: ResponseScript;
  /** Answer beta-shaped sessions as the service now does: `beta_api_shape_disabled`, close 4000 (§0). @defaultValue `true` */
  readonly rejectBeta?: boolean;
  /** Send `conversation.created` after `session.created` (GA emission unverified, §2). @defaultValue `false` */
  readonly sendConversationCreated?: boolean;
  /** Session lifetime before `session_expired` and close 1001. @defaultValue `3_600_000` (60 min) */
  readonly maxSessionMs?: number;
  /** Audio per output delta, ms. @defaultValue `100` */
  readonly audioChunkMs?: number;
  /** Pause between output deltas, ms; `0` streams as fast as the event loop allows. @defaultValue `0` */
  readonly deltaIntervalMs?: number;
  /**
   * Output deltas still sent after a response is cancelled, as the real service may send what was in flight.
   * @defaultValue `0`
   */
  readonly deltasAfterCancel?: number;
  /** Transcript of a committed user audio item (when the session asks for input transcription). */
  readonly transcribe?: (info: { readonly itemId: string; readonly audioMs: number; readonly index: number }) => string;
  /**
   * Deep validation of each client event (e.g. ajv over JSON Schemas generated from the `openai` package).
   * Problems are answered with an `error` event naming the field, and recorded in {@link RealtimeEmulator.issues}.
   */
  readonly validateClientEvent?: (event: unknown) => readonly ClientEventIssue[];
  /** User audio kept per session for inspection, ms. @defaultValue `120_000` */
  readonly recordAudioMs?: number;
}

/** Defaults of {@link RealtimeEmulatorOptions}. */
export const realtimeEmulatorDefaults = {
  port: 0,
  rejectBeta: true,
  sendConversationCreated: false,
  maxSessionMs: 60 * 60 * 1000,
  audioChunkMs: 100,
  deltaIntervalMs: 0,
  deltasAfterCancel: 0,
  recordAudioMs: 120_000,
} as const satisfies RealtimeEmulatorOptions;

/** A handshake the emulator saw. */
export interface HandshakeRecord {
  readonly path: string;
  readonly status: number;
  /** Whether the request carried the `OpenAI-Beta: realtime=v1` header. */
  readonly beta: boolean;
  /** How the key came: `Authorization: Bearer`, Azure's `api-key` header, or the browser subprotocol. */
  readonly auth?: 'bearer' | 'api-key' | 'subprotocol';
  readonly model?: string;
}

/** A running emulator. */
export class RealtimeEmulator {
  /** Every session that connected, in order. */
  readonly sessions: EmulatedSession[] = [];
  /**
   * Every malformed client event (bad JSON, unknown type or field, schema violations): empty when the client spoke
   * the protocol correctly. Events refused for the session's state (`response_cancel_not_active`, ...) are in each
   * session's `errors` instead.
   */
  readonly issues: RecordedIssue[] = [];
  /** Every handshake, accepted or refused. */
  readonly handshakes: HandshakeRecord[] = [];
  /** The current script; may be replaced between responses. */
  script: ResponseScript;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #options: RealtimeEmulatorOptions;
  readonly #waiters: ((session: EmulatedSession) => void)[] = [];
  #refusals: { count: number; status: number } = { count: 0, status: 503 };
  #port = 0;

  private constructor(options: RealtimeEmulatorOptions) {
    this.#options = options;
    this.script = options.script ?? (() => undefined);
    this.#server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }) : createHttpServer();
    this.#wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    this.#server.on('request', (_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade to WebSocket on /v1/realtime');
    });
    this.#server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.#onUpgrade(req, socket, head));
  }

  /** Starts an emulator on 127.0.0.1. */
  static async start(options: RealtimeEmulatorOptions = {}): Promise<RealtimeEmulator> {
    const emulator = new RealtimeEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(options.port ?? realtimeEmulatorDefaults.port, '127.0.0.1', () => resolve());
    });
    emulator.#port = (emulator.#server.address() as AddressInfo).port;
    return emulator;
  }

  /** The port it listens on. */
  get port(): number {
    return this.#port;
  }

  /** Base URL for the provider's `extra.base_url`: `ws(s)://127.0.0.1:<port>/v1`. */
  get baseUrl(): string {
    return `${this.#options.tls ? 'wss' : 'ws'}://127.0.0.1:${this.#port}/v1`;
  }

  /** Base URL for HTTP clients such as the official `openai` package: `http(s)://127.0.0.1:<port>/v1`. */
  get httpBaseUrl(): string {
    return `${this.#options.tls ? 'https' : 'http'}://127.0.0.1:${this.#port}/v1`;
  }

  /** The latest session. @throws when none connected yet */
  get session(): EmulatedSession {
    const last = this.sessions[this.sessions.length - 1];
    if (last === undefined) throw new Error('RealtimeEmulator: no session has connected yet.');
    return last;
  }

  /** Resolves with the next session that connects. */
  nextSession(): Promise<EmulatedSession> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Refuses the next `count` handshakes with an HTTP status (an outage, for reconnect tests). */
  refuseNext(count: number, status = 503): void {
    this.#refusals = { count, status };
  }

  /** Drops every open connection without a closing handshake (clients see 1006). */
  dropAll(): void {
    for (const client of this.#wss.clients) client.terminate();
  }

  /** Stops the emulator, dropping open connections. */
  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const beta = String(req.headers['openai-beta'] ?? '').includes('realtime=v1');
    const model = url.searchParams.get('model') ?? url.searchParams.get('deployment') ?? undefined;
    const presented = presentedKey(req);
    const auth = presented?.scheme;
    const refuse = (status: number, message: string): void => {
      this.handshakes.push({ path: url.pathname, status, beta, ...(model ? { model } : {}), ...(auth ? { auth } : {}) });
      const body = JSON.stringify({ error: { type: 'invalid_request_error', code: null, message, param: null } });
      socket.end(
        `HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    if (!/^(\/openai)?\/v1\/realtime\/?$/.test(url.pathname)) return refuse(404, `No WebSocket endpoint at ${url.pathname}; use /v1/realtime.`);
    const key = presented?.key;
    if (key === undefined || (this.#options.apiKey !== undefined && key !== this.#options.apiKey)) {
      return refuse(401, 'Incorrect API key provided.');
    }
    if (this.#refusals.count > 0) {
      this.#refusals.count -= 1;
      return refuse(this.#refusals.status, 'The service is temporarily unavailable.');
    }
    if (model === undefined) return refuse(400, "Missing required parameter: 'model'.");
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.handshakes.push({ path: url.pathname, status: 101, beta, model, ...(auth ? { auth } : {}) });
      const session = new EmulatedSession(ws, {
        model,
        beta,
        rejectBeta: this.#options.rejectBeta ?? realtimeEmulatorDefaults.rejectBeta,
        sendConversationCreated: this.#options.sendConversationCreated ?? realtimeEmulatorDefaults.sendConversationCreated,
        maxSessionMs: this.#options.maxSessionMs ?? realtimeEmulatorDefaults.maxSessionMs,
        pacing: {
          audioChunkMs: this.#options.audioChunkMs ?? realtimeEmulatorDefaults.audioChunkMs,
          deltaIntervalMs: this.#options.deltaIntervalMs ?? realtimeEmulatorDefaults.deltaIntervalMs,
          deltasAfterCancel: this.#options.deltasAfterCancel ?? realtimeEmulatorDefaults.deltasAfterCancel,
        },
        script: (context) => this.script(context),
        transcribe: this.#options.transcribe ?? ((info) => `[user audio ${Math.round(info.audioMs)} ms]`),
        ...(this.#options.validateClientEvent ? { validateClientEvent: this.#options.validateClientEvent } : {}),
        onIssue: (issue) => this.issues.push(issue),
        recordAudioMs: this.#options.recordAudioMs ?? realtimeEmulatorDefaults.recordAudioMs,
      });
      this.sessions.push(session);
      for (const waiter of this.#waiters.splice(0)) waiter(session);
    });
  }
}

/** The key of a handshake: `Authorization: Bearer`, Azure's `api-key`, or the browser subprotocol (§1.2). */
function presentedKey(req: IncomingMessage): { key: string; scheme: 'bearer' | 'api-key' | 'subprotocol' } | undefined {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string' && /^Bearer\s+\S+/.test(authorization)) {
    return { key: authorization.replace(/^Bearer\s+/, '').trim(), scheme: 'bearer' };
  }
  const azure = req.headers['api-key'];
  if (typeof azure === 'string' && azure.trim() !== '') return { key: azure.trim(), scheme: 'api-key' };
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const insecure = protocols.find((p) => p.startsWith('openai-insecure-api-key.'));
  return insecure ? { key: insecure.slice('openai-insecure-api-key.'.length), scheme: 'subprotocol' } : undefined;
}

function statusText(status: number): string {
  return { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
}
