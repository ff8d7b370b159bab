/**
 * `ElevenLabsEmulator`: a local ElevenLabs multi-context TTS WebSocket
 * (`/v1/text-to-speech/{voice_id}/multi-stream-input`) on 127.0.0.1, for offline tests of agents. It checks the
 * `xi-api-key` header and `output_format` at the handshake (401 / 400), and speaks tones with exact character
 * alignment (see `tts-connection.ts`). Failures can be scripted per connection: error messages with a close code,
 * drops, refused handshakes.
 *
 * ```ts
 * const emulator = await ElevenLabsEmulator.start({ apiKey: 'test' });
 * const tts = createElevenLabsTts({ apiKey: 'test', baseUrl: emulator.url });
 * ```
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { TtsConnection } from './tts-connection';

/** Options of {@link ElevenLabsEmulator.start}. */
export interface ElevenLabsEmulatorOptions {
  /** The only key accepted. @defaultValue any non-empty key */
  readonly apiKey?: string;
  /** Port on 127.0.0.1. @defaultValue `0` (a free port) */
  readonly port?: number;
  /** Speech per character, ms. @defaultValue `50` */
  readonly msPerChar?: number;
  /** Audio per message, ms (rounded to whole characters). @defaultValue `200` */
  readonly chunkMs?: number;
  /** Pause between audio messages, ms. @defaultValue `0` */
  readonly chunkIntervalMs?: number;
  /** Open contexts per connection. @defaultValue `5` (the service's limit) */
  readonly maxContexts?: number;
  /** Key that ends a context. @defaultValue `'isFinal'` */
  readonly finalKey?: 'isFinal' | 'is_final';
}

/** Defaults of {@link ElevenLabsEmulatorOptions}. */
export const elevenLabsEmulatorDefaults = {
  port: 0,
  msPerChar: 50,
  chunkMs: 200,
  chunkIntervalMs: 0,
  maxContexts: 5,
  finalKey: 'isFinal',
} as const satisfies ElevenLabsEmulatorOptions;

/** A handshake the emulator saw. */
export interface ElevenLabsHandshake {
  readonly path: string;
  readonly status: number;
  readonly query: Readonly<Record<string, string>>;
}

const PCM = /^pcm_(16000|22050|24000|44100|48000)$/;

/** A running emulator (see the module docs). */
export class ElevenLabsEmulator {
  /** Every connection, in order. */
  readonly connections: TtsConnection[] = [];
  /** Every handshake, accepted or refused. */
  readonly handshakes: ElevenLabsHandshake[] = [];
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #options: ElevenLabsEmulatorOptions;
  #refusals = { count: 0, status: 503 };
  #port = 0;

  private constructor(options: ElevenLabsEmulatorOptions) {
    this.#options = options;
    this.#server = createServer((_req, res) => res.writeHead(426).end());
    this.#server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.#onUpgrade(req, socket, head));
  }

  /** Starts an emulator on 127.0.0.1. */
  static async start(options: ElevenLabsEmulatorOptions = {}): Promise<ElevenLabsEmulator> {
    const emulator = new ElevenLabsEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(options.port ?? elevenLabsEmulatorDefaults.port, '127.0.0.1', () => resolve());
    });
    emulator.#port = (emulator.#server.address() as AddressInfo).port;
    return emulator;
  }

  /** The origin to pass as `baseUrl`. */
  get url(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  /** The latest connection. */
  get current(): TtsConnection | undefined {
    return this.connections[this.connections.length - 1];
  }

  /** Refuses the next `count` handshakes with `status`. */
  refuseNext(count: number, status = 503): void {
    this.#refusals = { count, status };
  }

  /** Stops the server, dropping every connection. */
  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    const refuse = (status: number, detail: string): void => {
      this.handshakes.push({ path: url.pathname, status, query });
      const body = JSON.stringify({ detail: { status: detail, message: detail } });
      socket.end(`HTTP/1.1 ${status} Error\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    const match = /^\/v1\/text-to-speech\/([^/]+)\/multi-stream-input$/.exec(url.pathname);
    if (!match) return refuse(404, `no such endpoint: ${url.pathname}`);
    const key = req.headers['xi-api-key'];
    if (typeof key !== 'string' || !key || (this.#options.apiKey !== undefined && key !== this.#options.apiKey)) return refuse(401, 'invalid_api_key');
    if (this.#refusals.count > 0) {
      this.#refusals.count--;
      return refuse(this.#refusals.status, 'service_unavailable');
    }
    const format = query.output_format ?? 'mp3_44100_128';
    const pcm = PCM.exec(format);
    if (!pcm) return refuse(400, `the emulator speaks PCM only; output_format '${format}' is not one of pcm_16000..pcm_48000`);
    this.handshakes.push({ path: url.pathname, status: 101, query });
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.connections.push(
        new TtsConnection(ws, decodeURIComponent(match[1]!), query, {
          sampleRate: Number(pcm[1]),
          msPerChar: this.#options.msPerChar ?? elevenLabsEmulatorDefaults.msPerChar,
          chunkMs: this.#options.chunkMs ?? elevenLabsEmulatorDefaults.chunkMs,
          chunkIntervalMs: this.#options.chunkIntervalMs ?? elevenLabsEmulatorDefaults.chunkIntervalMs,
          maxContexts: this.#options.maxContexts ?? elevenLabsEmulatorDefaults.maxContexts,
          finalKey: this.#options.finalKey ?? elevenLabsEmulatorDefaults.finalKey,
        }),
      );
    });
  }
}
