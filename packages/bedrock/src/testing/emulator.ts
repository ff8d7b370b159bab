/**
 * `BedrockEmulator`: a local Bedrock Runtime ConverseStream endpoint (`POST /model/{modelId}/converse-stream`) on
 * 127.0.0.1 over cleartext HTTP/2, as the AWS SDK's HTTP/2 handler speaks it, for offline tests of agents. It checks
 * the SigV4 `Authorization` header's access key and scope (not the signature itself), validates the body like the
 * service (`request-check.ts`), and streams scripted replies in the AWS event stream framing; errors come as the
 * service sends them (`x-amzn-errortype` header, `{ message }` body, or exception events inside the stream).
 *
 * ```ts
 * const emulator = await BedrockEmulator.start({ accessKeyId: 'AKIDTEST' });
 * const llm = createBedrockLlm({ baseUrl: emulator.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' } });
 * ```
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { eventMessage, exceptionMessage } from './event-stream';
import { checkConverseRequest } from './request-check';
import type { ConverseReply, ConverseScript } from './script';

/** Options of {@link BedrockEmulator.start}. */
export interface BedrockEmulatorOptions {
  /** The only access key id accepted. @defaultValue any */
  readonly accessKeyId?: string;
  /** Port on 127.0.0.1. @defaultValue `0` */
  readonly port?: number;
  /** Chooses replies; falls back to the queue, then to `defaultReply`. */
  readonly script?: ConverseScript;
  /** @defaultValue `{ text: 'OK.' }` */
  readonly defaultReply?: ConverseReply;
  /** Pause between events, ms. @defaultValue `0` */
  readonly deltaIntervalMs?: number;
}

/** Defaults of {@link BedrockEmulatorOptions}. */
export const bedrockEmulatorDefaults = { port: 0, defaultReply: { text: 'OK.' }, deltaIntervalMs: 0 } as const satisfies BedrockEmulatorOptions;

/** A request the emulator received. */
export interface BedrockRecordedRequest {
  readonly path: string;
  readonly status: number;
  readonly modelId?: string;
  /** Access key id and region from the SigV4 credential scope. */
  readonly accessKeyId?: string;
  readonly region?: string;
  readonly body?: Readonly<Record<string, unknown>>;
  readonly problem?: string;
  clientAborted: boolean;
  completed: boolean;
}

/** A running emulator (see the module docs). */
export class BedrockEmulator {
  /** Every request, in order. */
  readonly requests: BedrockRecordedRequest[] = [];
  readonly #server: Http2Server;
  readonly #options: BedrockEmulatorOptions;
  readonly #queue: ConverseReply[] = [];
  readonly #sessions = new Set<ServerHttp2Session>();
  #count = 0;
  #port = 0;

  private constructor(options: BedrockEmulatorOptions) {
    this.#options = options;
    this.#server = createServer();
    this.#server.on('session', (session) => {
      this.#sessions.add(session);
      session.on('close', () => this.#sessions.delete(session));
    });
    this.#server.on('request', (req, res) => void this.#handle(req, res));
  }

  /** Starts an emulator on 127.0.0.1. */
  static async start(options: BedrockEmulatorOptions = {}): Promise<BedrockEmulator> {
    const emulator = new BedrockEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(options.port ?? bedrockEmulatorDefaults.port, '127.0.0.1', () => resolve());
    });
    emulator.#port = (emulator.#server.address() as AddressInfo).port;
    return emulator;
  }

  /** The endpoint to pass as `baseUrl` (cleartext HTTP/2). */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Queues replies for the next requests. */
  reply(...replies: ConverseReply[]): void {
    this.#queue.push(...replies);
  }

  /** Stops the server, closing every HTTP/2 session. */
  async close(): Promise<void> {
    for (const session of this.#sessions) session.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? '/';
    const requestId = randomUUID();
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''));
    const match = /^\/model\/([^/]+)\/converse-stream$/.exec(path.split('?')[0]!);
    const record: BedrockRecordedRequest = {
      path,
      status: 200,
      ...(match ? { modelId: decodeURIComponent(match[1]!) } : {}),
      ...(scope ? { accessKeyId: scope[1]!, region: scope[2]! } : {}),
      clientAborted: false,
      completed: false,
    };
    this.requests.push(record);
    const fail = (status: number, exception: string, message: string): void => {
      Object.assign(record, { status });
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': `${exception}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': requestId });
      res.end(JSON.stringify({ message }));
    };
    if (req.method !== 'POST' || !match) return fail(404, 'UnknownOperationException', `Unknown operation ${req.method} ${path}`);
    if (!scope || scope[3] !== 'bedrock' || (this.#options.accessKeyId !== undefined && scope[1] !== this.#options.accessKeyId)) {
      return fail(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return fail(400, 'ValidationException', 'Malformed input request, please reformat your input and try again.');
    }
    Object.assign(record, { body });
    const problem = checkConverseRequest(body);
    if (problem) {
      Object.assign(record, { problem });
      return fail(400, 'ValidationException', problem);
    }
    const reply = this.#options.script?.({ index: this.#count, modelId: record.modelId!, body }) ?? this.#queue.shift() ?? this.#options.defaultReply ?? bedrockEmulatorDefaults.defaultReply;
    this.#count++;
    if ('httpError' in reply) return fail(reply.httpError.status, reply.httpError.exception, reply.httpError.message);
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId });
    let alive = true;
    // The client resets the HTTP/2 stream on abort: watch the stream itself.
    res.stream.on('close', () => {
      alive = false;
      if (!record.completed) record.clientAborted = true;
    });
    const pause = this.#options.deltaIntervalMs ?? bedrockEmulatorDefaults.deltaIntervalMs;
    const send = async (frame: Buffer, paced = false): Promise<boolean> => {
      if (!alive || res.stream.destroyed || res.stream.closed) return false;
      res.write(frame);
      if (paced && pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      return alive;
    };
    await send(eventMessage('messageStart', { role: 'assistant' }));
    let index = 0;
    let outputChars = 0;
    if (reply.text) {
      for (const piece of reply.text.match(/\S+\s*|\s+/g) ?? []) {
        outputChars += piece.length;
        if (!(await send(eventMessage('contentBlockDelta', { contentBlockIndex: index, delta: { text: piece } }), true))) return;
      }
      await send(eventMessage('contentBlockStop', { contentBlockIndex: index }));
      index++;
    }
    if ('streamException' in reply) {
      await send(exceptionMessage(reply.streamException.type, reply.streamException.message));
      record.completed = true;
      if (alive) res.end();
      return;
    }
    const message = reply as Extract<ConverseReply, { readonly stopReason?: unknown }>;
    for (const call of message.toolCalls ?? []) {
      const json = JSON.stringify(call.input);
      outputChars += json.length;
      await send(eventMessage('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: call.id ?? `tooluse_${randomUUID().slice(0, 22)}`, name: call.name } } }));
      const half = Math.floor(json.length / 2);
      for (const part of [json.slice(0, half), json.slice(half)]) {
        if (!(await send(eventMessage('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: part } } }), true))) return;
      }
      await send(eventMessage('contentBlockStop', { contentBlockIndex: index }));
      index++;
    }
    const stopReason = message.stopReason ?? ((message.toolCalls ?? []).length > 0 ? 'tool_use' : 'end_turn');
    await send(eventMessage('messageStop', { stopReason }));
    const inputTokens = message.usage?.inputTokens ?? Math.ceil(JSON.stringify(body.messages).length / 4);
    const outputTokens = message.usage?.outputTokens ?? Math.max(1, Math.ceil(outputChars / 4));
    if (!(await send(eventMessage('metadata', { usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }, metrics: { latencyMs: 1 } })))) return;
    record.completed = true;
    res.end();
  }
}
