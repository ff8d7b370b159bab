/**
 * `AnthropicEmulator`: a local Anthropic Messages API (`POST /v1/messages`, streamed) on 127.0.0.1 for offline
 * tests of agents. It checks the key (`x-api-key` or `Authorization: Bearer`) and `anthropic-version`, validates the
 * body as the service does (see `request-check.ts`), and streams scripted replies as server-sent events; errors
 * come in the service's shape (`{ type: 'error', error: { type, message } }` with a `request-id` header).
 *
 * ```ts
 * const emulator = await AnthropicEmulator.start({ apiKey: 'test' });
 * emulator.reply({ text: 'Hello!' }, { toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] });
 * const llm = createAnthropicLlm({ apiKey: 'test', baseUrl: emulator.url });
 * ```
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMessagesRequest } from './request-check';
import type { AnthropicReply, AnthropicScript } from './script';
import { anthropicId, writeSse } from './sse';

/** Options of {@link AnthropicEmulator.start}. */
export interface AnthropicEmulatorOptions {
  /** The only key accepted. @defaultValue any non-empty key */
  readonly apiKey?: string;
  /** Port on 127.0.0.1. @defaultValue `0` (a free port) */
  readonly port?: number;
  /** Chooses replies; falls back to the queue ({@link AnthropicEmulator.reply}), then to `defaultReply`. */
  readonly script?: AnthropicScript;
  /** Reply when neither the script nor the queue has one. @defaultValue `{ text: 'OK.' }` */
  readonly defaultReply?: AnthropicReply;
  /** Pause between deltas, ms. @defaultValue `0` */
  readonly deltaIntervalMs?: number;
}

/** Defaults of {@link AnthropicEmulatorOptions}. */
export const anthropicEmulatorDefaults = {
  port: 0,
  defaultReply: { text: 'OK.' },
  deltaIntervalMs: 0,
} as const satisfies AnthropicEmulatorOptions;

/** A request the emulator received. */
export interface AnthropicRecordedRequest {
  readonly path: string;
  /** HTTP status answered. */
  readonly status: number;
  /** How the key came. */
  readonly auth?: 'x-api-key' | 'bearer';
  readonly version?: string;
  readonly body?: Readonly<Record<string, unknown>>;
  /** The 400 message, when the body was refused. */
  readonly problem?: string;
  /** Set when the client closed the connection before the stream ended (an abort). */
  clientAborted: boolean;
  /** Set when the whole stream was written. */
  completed: boolean;
}

/** A running emulator (see the module docs). */
export class AnthropicEmulator {
  /** Every request, in order. */
  readonly requests: AnthropicRecordedRequest[] = [];
  readonly #server: Server;
  readonly #options: AnthropicEmulatorOptions;
  readonly #queue: AnthropicReply[] = [];
  #count = 0;
  #port = 0;

  private constructor(options: AnthropicEmulatorOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  /** Starts an emulator on 127.0.0.1. */
  static async start(options: AnthropicEmulatorOptions = {}): Promise<AnthropicEmulator> {
    const emulator = new AnthropicEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(options.port ?? anthropicEmulatorDefaults.port, '127.0.0.1', () => resolve());
    });
    emulator.#port = (emulator.#server.address() as AddressInfo).port;
    return emulator;
  }

  /** The origin to pass as `baseUrl`. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Queues replies for the next requests. */
  reply(...replies: AnthropicReply[]): void {
    this.#queue.push(...replies);
  }

  /** Stops the server, dropping open streams. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const requestId = anthropicId('req_');
    const xApiKey = header(req, 'x-api-key');
    const bearer = header(req, 'authorization')?.replace(/^Bearer /, '');
    const key = xApiKey ?? bearer;
    const auth = xApiKey !== undefined ? 'x-api-key' : bearer !== undefined ? 'bearer' : undefined;
    const version = header(req, 'anthropic-version');
    const record: AnthropicRecordedRequest = { path, status: 200, ...(auth ? { auth } : {}), ...(version ? { version } : {}), clientAborted: false, completed: false };
    this.requests.push(record);
    const fail = (status: number, type: string, message: string): void => {
      Object.assign(record, { status });
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId }));
    };
    if (req.method !== 'POST' || path !== '/v1/messages') return fail(404, 'not_found_error', `Not found: ${req.method} ${path}`);
    if (!key || (this.#options.apiKey !== undefined && key !== this.#options.apiKey)) {
      return fail(401, 'authentication_error', auth === 'bearer' ? 'invalid bearer token' : 'invalid x-api-key');
    }
    if (!version) return fail(400, 'invalid_request_error', 'anthropic-version: header is required');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return fail(400, 'invalid_request_error', 'The request body is not valid JSON.');
    }
    Object.assign(record, { body });
    const problem = checkMessagesRequest(body, version);
    if (problem) {
      Object.assign(record, { problem });
      return fail(400, 'invalid_request_error', problem);
    }
    if (body.stream !== true) return fail(400, 'invalid_request_error', 'stream: the emulator serves streamed requests only (stream: true)');
    const index = this.#count++;
    const reply = this.#options.script?.({ index, body }) ?? this.#queue.shift() ?? this.#options.defaultReply ?? anthropicEmulatorDefaults.defaultReply;
    if ('httpError' in reply) return fail(reply.httpError.status, reply.httpError.type, reply.httpError.message);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': requestId });
    let alive = true;
    res.on('close', () => {
      alive = false;
      if (!res.writableFinished) record.clientAborted = true;
    });
    await writeSse(res, reply, String(body.model), JSON.stringify(body.messages).length, {
      deltaIntervalMs: this.#options.deltaIntervalMs ?? anthropicEmulatorDefaults.deltaIntervalMs,
      alive: () => alive,
    });
    record.completed = res.writableFinished || res.writableEnded;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
