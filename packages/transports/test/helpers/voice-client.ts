/** A Node stand-in for the browser client: speaks the voice protocol over `ws` and records what it gets. */
import { WebSocket } from 'ws';

export interface ServerJson {
  readonly type: string;
  readonly [key: string]: unknown;
}

export class TestVoiceClient {
  readonly socket: WebSocket;
  readonly json: ServerJson[] = [];
  readonly audio: Buffer[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** HTTP status when the upgrade was refused. */
  readonly refused: Promise<number | undefined>;

  /** `autoPong: false` simulates a half-open peer that never answers pings. */
  constructor(url: string, headers: Record<string, string> = {}, options: { readonly autoPong?: boolean } = {}) {
    this.socket = new WebSocket(url, { headers, perMessageDeflate: false, autoPong: options.autoPong ?? true });
    let refusedResolve!: (status: number | undefined) => void;
    this.refused = new Promise((resolve) => (refusedResolve = resolve));
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => {
        refusedResolve(undefined);
        resolve();
      });
      this.socket.once('unexpected-response', (_req, res) => {
        refusedResolve(res.statusCode);
        reject(new Error(`refused with ${res.statusCode}`));
      });
      this.socket.once('error', (error) => {
        refusedResolve(-1);
        reject(error);
      });
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => this.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.socket.on('message', (data, isBinary) => {
      if (isBinary) this.audio.push(data as Buffer);
      else this.json.push(JSON.parse((data as Buffer).toString('utf8')) as ServerJson);
    });
  }

  send(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  async hello(sampleRate = 16000, outputSampleRate?: number): Promise<ServerJson> {
    await this.opened;
    this.send({ type: 'hello', version: 1, sampleRate, ...(outputSampleRate ? { outputSampleRate } : {}) });
    return this.waitFor((m) => m.type === 'ready');
  }

  waitFor(predicate: (m: ServerJson) => boolean, timeoutMs = 3000): Promise<ServerJson> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.json.find(predicate);
        if (found) return resolve(found);
        if (Date.now() > deadline) return reject(new Error(`timed out; got ${this.json.map((m) => m.type).join(',')}`));
        setTimeout(check, 5);
      };
      check();
    });
  }

  get audioBytes(): Buffer {
    return Buffer.concat(this.audio);
  }
}
