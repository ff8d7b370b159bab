/**
 * A local Gemini Live service for offline tests: a real `ws` server on 127.0.0.1 that speaks BidiGenerateContent
 * the way the service does (https://ai.google.dev/api/live): binary JSON frames, setup/setupComplete, activity
 * detection (energy based) or manual activity, transcriptions, scripted model turns and tool calls,
 * `interrupted`, `toolCallCancellation` on barge-in, `goAway`, resumption handles with expiry, and errors as close
 * codes (1007 invalid argument, 1008 not found, 1011 internal). Point a client at `emulator.baseUrl` (the same value
 * as `@google/genai`'s `httpOptions.baseUrl`).
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { EmulatedConnection, type ConnectionHost } from './emulated-connection';
import { EmulatedSession } from './emulated-session';
import type { TurnScript } from './script';

/** Options of {@link GeminiLiveEmulator.start}. */
export interface GeminiLiveEmulatorOptions {
  /** The only key accepted; others get close 1007. @defaultValue any non-empty key */
  readonly apiKey?: string;
  /** API versions served; others get close 1008. @defaultValue `['v1beta', 'v1alpha', 'v1']` */
  readonly apiVersions?: readonly string[];
  /** Models served (without `models/`); others get close 1008. @defaultValue the current Live models */
  readonly models?: readonly string[];
  /** Decides each model turn. @defaultValue every turn says `'OK.'` */
  readonly script?: TurnScript;
  /** Pause between 40 ms output audio chunks (faster than real time by default). @defaultValue `10` */
  readonly chunkIntervalMs?: number;
  /** Send server messages in text frames instead of binary ones. @defaultValue `false` */
  readonly textFrames?: boolean;
  /** Energy VAD threshold (RMS). @defaultValue `400` */
  readonly vadThreshold?: number;
  /** Silence that ends a user turn unless setup says otherwise, ms. @defaultValue `500` */
  readonly silenceMs?: number;
  /** Transcript of the user's speech (`inputTranscription`). @defaultValue none (no input transcription sent) */
  readonly transcribe?: (samples: number) => string;
  /** Checks each client message against a schema; issues close the connection with 1007 and are recorded. */
  readonly validateClientMessage?: (message: unknown) => string[];
  /** How long a resumption handle stays valid after it was issued, ms. @defaultValue 2 hours */
  readonly handleTtlMs?: number;
}

/** Defaults of {@link GeminiLiveEmulatorOptions}. */
export const geminiLiveEmulatorDefaults = {
  apiVersions: ['v1beta', 'v1alpha', 'v1'],
  models: ['gemini-3.8-live', 'gemini-3.1-flash-live-preview', 'gemini-2.5-flash-native-audio-preview-12-2025'],
  chunkIntervalMs: 10,
  textFrames: false,
  vadThreshold: 400,
  silenceMs: 500,
  handleTtlMs: 2 * 60 * 60 * 1000,
} as const satisfies GeminiLiveEmulatorOptions;

const PATH = /^\/ws\/google\.ai\.generativelanguage\.([a-z0-9]+)\.GenerativeService\.BidiGenerateContent$/;

/** The emulator. */
export class GeminiLiveEmulator {
  /** Base URL for clients (`http://127.0.0.1:PORT`). */
  readonly baseUrl: string;
  /** Sessions, oldest first. */
  readonly sessions: EmulatedSession[] = [];
  /** Every connection, oldest first. */
  readonly connections: EmulatedConnection[] = [];
  /** Protocol and schema violations seen (a clean test run expects none). */
  readonly issues: string[] = [];
  /** Changes the script for turns from now on. */
  script: TurnScript | undefined;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #options: GeminiLiveEmulatorOptions;
  readonly #handles = new Map<string, { session: EmulatedSession; issuedAt: number }>();
  #sessionCounter = 0;

  private constructor(server: Server, wss: WebSocketServer, options: GeminiLiveEmulatorOptions) {
    this.#server = server;
    this.#wss = wss;
    this.#options = options;
    this.script = options.script;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Starts an emulator on a free port of 127.0.0.1. */
  static async start(options: GeminiLiveEmulatorOptions = {}): Promise<GeminiLiveEmulator> {
    const server = createServer((_request, response) => {
      response.writeHead(404).end();
    });
    const wss = new WebSocketServer({ noServer: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const emulator = new GeminiLiveEmulator(server, wss, options);
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => emulator.#upgrade(request, socket, head));
    return emulator;
  }

  /** The latest session. */
  get session(): EmulatedSession {
    const last = this.sessions[this.sessions.length - 1];
    if (last === undefined) throw new Error('GeminiLiveEmulator: no session yet.');
    return last;
  }

  /** The latest open connection. */
  get connection(): EmulatedConnection {
    const open = this.connections.filter((c) => !c.closed);
    const last = open[open.length - 1];
    if (last === undefined) throw new Error('GeminiLiveEmulator: no open connection.');
    return last;
  }

  /** Makes every handle issued so far invalid (as after their 2 h validity). */
  expireHandles(): void {
    this.#handles.clear();
  }

  /** Closes every connection and the server. */
  async close(): Promise<void> {
    for (const connection of this.connections) if (!connection.closed) connection.drop();
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Split by hand: `new URL('//ws/…', base)` would read the path as a host (the SDK sends a double slash).
    const raw = request.url ?? '';
    const queryAt = raw.indexOf('?');
    const path = (queryAt < 0 ? raw : raw.slice(0, queryAt)).replace(/\/{2,}/g, '/');
    const query = new URLSearchParams(queryAt < 0 ? '' : raw.slice(queryAt + 1));
    const match = PATH.exec(path);
    if (match === null) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const key = query.get('key') ?? headerValue(request.headers['x-goog-api-key']);
    this.#wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const versions = this.#options.apiVersions ?? geminiLiveEmulatorDefaults.apiVersions;
      if (!versions.includes(match[1])) {
        ws.close(1008, `Method not found for API version ${match[1]}.`);
        return;
      }
      const keyValid = key !== undefined && key !== '' && (this.#options.apiKey === undefined || key === this.#options.apiKey);
      this.connections.push(new EmulatedConnection(ws, this.#host(), keyValid));
    });
  }

  #host(): ConnectionHost {
    const transcribe = this.#options.transcribe;
    return {
      models: this.#options.models ?? geminiLiveEmulatorDefaults.models,
      chunkIntervalMs: this.#options.chunkIntervalMs ?? geminiLiveEmulatorDefaults.chunkIntervalMs,
      textFrames: this.#options.textFrames ?? geminiLiveEmulatorDefaults.textFrames,
      silenceMs: this.#options.silenceMs ?? geminiLiveEmulatorDefaults.silenceMs,
      vadThreshold: this.#options.vadThreshold ?? geminiLiveEmulatorDefaults.vadThreshold,
      ...(this.#options.validateClientMessage === undefined ? {} : { validate: this.#options.validateClientMessage }),
      session: (handle) => this.#sessionFor(handle),
      issue: (text) => this.issues.push(text),
      transcribe: (samples) => transcribe?.(samples) ?? '',
    };
  }

  #sessionFor(handle: string | undefined): EmulatedSession | undefined {
    if (handle !== undefined) {
      const entry = this.#handles.get(handle);
      const ttl = this.#options.handleTtlMs ?? geminiLiveEmulatorDefaults.handleTtlMs;
      if (entry === undefined || Date.now() - entry.issuedAt > ttl) return undefined;
      return entry.session;
    }
    this.#sessionCounter += 1;
    const session = new EmulatedSession(`s${this.#sessionCounter}`, () => this.script, (h, s) => this.#handles.set(h, { session: s, issuedAt: Date.now() }));
    this.sessions.push(session);
    return session;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
