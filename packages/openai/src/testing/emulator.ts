/**
 * An OpenAI-compatible HTTP emulator on 127.0.0.1: chat completions (JSON and SSE streaming, text and tool calls),
 * audio speech (streaming raw PCM), audio transcriptions (multipart in, scripted text out), and the Realtime API's
 * transcription session over WebSocket (see `realtime-transcription.ts`). Errors come back shaped
 * like the service's (`{ error: { message, type, param, code } }`), with the same statuses. The official `openai`
 * client drives it in our tests; point yours at {@link OpenAiEmulator.baseURL}.
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReplyQueue, type ChatReply, type EmulatedError, type RecordedRequest, type SpeechReply, type TranscriptionReply } from './script';
import { chatValidationError, streamChat } from './chat';
import { delay } from './delay';
import { RealtimeTranscriptionEndpoint } from './realtime-transcription';

/** Options of {@link startOpenAiEmulator}. */
export interface OpenAiEmulatorOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401 `invalid_api_key`). */
  readonly apiKey?: string;
  /** Port on 127.0.0.1. @defaultValue 0 (any free port) */
  readonly port?: number;
  /** Rate of the PCM the speech endpoint returns. @defaultValue 24000 */
  readonly speechSampleRate?: number;
}

/** A running emulator. Script it through {@link chat}, {@link speech}, {@link transcriptions}. */
export interface OpenAiEmulator {
  /** `http://127.0.0.1:<port>/v1`: the client's `baseURL`. */
  readonly baseURL: string;
  /** `ws://127.0.0.1:<port>/v1`: the Realtime transcription session's base URL. */
  readonly realtimeURL: string;
  /** The Realtime transcription endpoint (sessions opened, `session.update`s received). */
  readonly realtime: RealtimeTranscriptionEndpoint;
  /** Chat completion replies (default: "Hello from the emulator."). */
  readonly chat: ReplyQueue<ChatReply>;
  /** Speech replies (default: 60 ms of tone per input character). */
  readonly speech: ReplyQueue<SpeechReply>;
  /** Transcription replies (default: "hello"), for the HTTP endpoint and the Realtime transcription session. */
  readonly transcriptions: ReplyQueue<TranscriptionReply>;
  /** Every request received, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Requests whose response the client abandoned before it ended (aborted streams). */
  readonly abortedResponses: number;
  /** Stops the server and destroys open connections. */
  close(): Promise<void>;
}

/**
 * Starts the emulator.
 *
 * @example
 * ```ts
 * const emulator = await startOpenAiEmulator();
 * emulator.chat.push({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] }, { text: 'Sunny in Paris.' });
 * const llm = createOpenAiLlm({ model: 'gpt-4.1-mini', baseURL: emulator.baseURL, apiKey: 'test' });
 * ```
 */
export async function startOpenAiEmulator(options: OpenAiEmulatorOptions = {}): Promise<OpenAiEmulator> {
  const requests: RecordedRequest[] = [];
  const chat = new ReplyQueue<ChatReply>({ text: 'Hello from the emulator.' });
  const speech = new ReplyQueue<SpeechReply>({});
  const transcriptions = new ReplyQueue<TranscriptionReply>({ text: 'hello' });
  const speechRate = options.speechSampleRate ?? 24000;
  let aborted = 0;
  const server: Server = createServer((req, res) => {
    // One request per connection (`Connection: close`): otherwise the client pools the socket, and a test process
    // that ends right after its last request waits on pooled sockets of a server that is gone.
    res.shouldKeepAlive = false;
    res.on('close', () => {
      if (!res.writableEnded) aborted += 1;
    });
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, { status: 500, message: `emulator failure: ${error instanceof Error ? error.message : String(error)}` });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    const contentType = req.headers['content-type'] ?? '';
    let body: Record<string, unknown> = {};
    if (contentType.startsWith('multipart/form-data')) body = parseMultipart(raw, contentType);
    else if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return sendError(res, { status: 400, message: 'We could not parse the JSON body of your request.', code: null });
      }
    }
    requests.push({ method: req.method ?? 'GET', path, body, ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }) });
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(res, { status: 401, message: 'Incorrect API key provided.', code: 'invalid_api_key' });
    }
    if (req.method !== 'POST') return sendError(res, { status: 404, message: `Invalid URL (${req.method} ${path})`, code: null });
    switch (path) {
      case '/v1/chat/completions': {
        const invalid = chatValidationError(body);
        if (invalid !== undefined) return sendError(res, invalid);
        const reply = chat.next();
        if (reply.error !== undefined) return sendError(res, reply.error);
        return streamChat(body, reply, res);
      }
      case '/v1/audio/speech':
        return answerSpeech(body, speech.next(), res, speechRate);
      case '/v1/audio/transcriptions':
        return answerTranscription(body, transcriptions.next(), res);
      default:
        return sendError(res, { status: 404, message: `Invalid URL (POST ${path})`, code: null });
    }
  }

  const realtime = new RealtimeTranscriptionEndpoint(transcriptions, options.apiKey);
  server.on('upgrade', (req, socket, head) => {
    if (!realtime.upgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    realtimeURL: `ws://127.0.0.1:${port}/v1`,
    realtime,
    chat,
    speech,
    transcriptions,
    requests,
    get abortedResponses() {
      return aborted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        realtime.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes an error the way the service shapes it. */
export function sendError(res: ServerResponse, error: EmulatedError): void {
  const type = error.type ?? (error.status >= 500 ? 'server_error' : 'invalid_request_error');
  res.writeHead(error.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message: error.message, type, param: error.param ?? null, code: error.code ?? null } }));
}

async function answerSpeech(body: Record<string, unknown>, reply: SpeechReply, res: ServerResponse, rate: number): Promise<void> {
  if (typeof body.input !== 'string' || body.input === '') return sendError(res, { status: 400, message: "Missing required parameter: 'input'.", param: 'input', code: 'missing_required_parameter' });
  if (typeof body.model !== 'string') return sendError(res, { status: 400, message: "Missing required parameter: 'model'.", param: 'model', code: 'missing_required_parameter' });
  if (typeof body.voice !== 'string') return sendError(res, { status: 400, message: "Missing required parameter: 'voice'.", param: 'voice', code: 'missing_required_parameter' });
  if (body.response_format !== 'pcm') return sendError(res, { status: 400, message: `The emulator only speaks 'pcm'; got response_format ${String(body.response_format)}.`, param: 'response_format', code: 'invalid_value' });
  if (reply.error !== undefined) return sendError(res, reply.error);
  const durationMs = reply.durationMs ?? body.input.length * 60;
  const total = Math.round((durationMs * rate) / 1000) * 2;
  const pcm = Buffer.alloc(total);
  // A quiet 440 Hz tone: audible if played, and never silent (so VADs and level checks see it).
  for (let i = 0; i < total / 2; i++) pcm.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  res.writeHead(200, { 'content-type': 'audio/pcm', 'transfer-encoding': 'chunked' });
  const chunkBytes = reply.chunkBytes ?? 4800;
  let chunks = 0;
  for (let offset = 0; offset < total; offset += chunkBytes) {
    if (reply.stallAfterChunks !== undefined && chunks >= reply.stallAfterChunks) return; // left open until the client goes
    if (reply.chunkDelayMs) await delay(reply.chunkDelayMs);
    if (res.destroyed) return;
    res.write(pcm.subarray(offset, Math.min(total, offset + chunkBytes)));
    chunks += 1;
  }
  res.end();
}

async function answerTranscription(body: Record<string, unknown>, reply: TranscriptionReply, res: ServerResponse): Promise<void> {
  if (typeof body.model !== 'string') return sendError(res, { status: 400, message: "Missing required parameter: 'model'.", param: 'model', code: 'missing_required_parameter' });
  if (typeof body.fileBytes !== 'number' || body.fileBytes === 0) return sendError(res, { status: 400, message: "Missing required parameter: 'file'.", param: 'file', code: 'missing_required_parameter' });
  if (reply.delayMs) await delay(reply.delayMs);
  if (reply.error !== undefined) return sendError(res, reply.error);
  const text = reply.text ?? '';
  if (body.response_format === 'text') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(text);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ text, usage: { type: 'duration', seconds: 1 } }));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** Text fields of a multipart body, and the size of its `file` part as `fileBytes`. */
function parseMultipart(raw: Buffer, contentType: string): Record<string, unknown> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (boundary === null) return {};
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: Record<string, unknown> = {};
  let start = raw.indexOf(marker);
  while (start !== -1) {
    const next = raw.indexOf(marker, start + marker.length);
    if (next === -1) break;
    const part = raw.subarray(start + marker.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const name = /name="([^"]+)"/.exec(headers)?.[1];
      const content = part.subarray(headerEnd + 4);
      if (name === 'file') fields.fileBytes = content.length;
      else if (name !== undefined) fields[name] = content.toString('utf8');
    }
    start = next;
  }
  return fields;
}
