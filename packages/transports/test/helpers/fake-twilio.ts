/**
 * A fake Twilio: a `ws` client speaking Media Streams as the protocol note §6 describes. It streams caller audio,
 * consumes our `media` into a virtual playback queue draining at 8 bytes/ms, echoes marks when the drain reaches
 * them, empties the queue and echoes pending marks at once on `clear`, and validates everything we send.
 */
import { WebSocket } from 'ws';

export interface FakeTwilioOptions {
  readonly url: string;
  readonly customParameters?: Record<string, string>;
  readonly streamSid?: string;
  /** Answer pings (a live peer). `false` simulates a half-open peer that never pongs. @defaultValue true */
  readonly autoPong?: boolean;
  /** Headers of the upgrade request (e.g. `X-Twilio-Signature`). */
  readonly headers?: Record<string, string>;
}

/** Overrides for one media message. */
export interface MediaOverrides {
  readonly chunk?: number;
  readonly timestamp?: number;
  readonly streamSid?: string;
}

export interface ReceivedMedia {
  readonly bytes: Buffer;
  readonly atMs: number;
}

type Queued = { kind: 'audio'; bytes: number } | { kind: 'mark'; name: string };

export class FakeTwilio {
  readonly streamSid: string;
  readonly media: ReceivedMedia[] = [];
  readonly marksSent: string[] = [];
  readonly marksEchoed: string[] = [];
  readonly clears: number[] = [];
  readonly violations: string[] = [];
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  #sequence = 0;
  #chunk = 0;
  #queue: Queued[] = [];
  #drainTimer: ReturnType<typeof setInterval> | undefined;
  #t0 = performance.now();

  constructor(options: FakeTwilioOptions) {
    this.streamSid = options.streamSid ?? `MZ${Math.random().toString(16).slice(2).padEnd(32, '0')}`;
    this.socket = new WebSocket(options.url, { autoPong: options.autoPong ?? true, headers: options.headers ?? {} });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
      this.socket.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => this.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.socket.on('message', (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
    this.#customParameters = options.customParameters ?? {};
  }

  readonly #customParameters: Record<string, string>;

  /** Sends connected + start. */
  async begin(): Promise<void> {
    await this.opened;
    this.sendStart();
  }

  /** Sends connected + start now (the socket must be open). */
  sendStart(): void {
    this.sendJson({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.sendJson({
      event: 'start',
      sequenceNumber: this.#nextSeq(),
      streamSid: this.streamSid,
      start: {
        streamSid: this.streamSid,
        accountSid: 'AC0123',
        callSid: 'CA0123',
        tracks: ['inbound'],
        customParameters: this.#customParameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
  }

  /** Sends one inbound media message with these mu-law bytes. */
  sendMedia(mulaw: Uint8Array, overrides: MediaOverrides = {}): void {
    this.#chunk += 1;
    const chunk = overrides.chunk ?? this.#chunk;
    const timestamp = overrides.timestamp ?? (this.#chunk - 1) * 20;
    this.sendJson({
      event: 'media',
      sequenceNumber: this.#nextSeq(),
      streamSid: overrides.streamSid ?? this.streamSid,
      media: { track: 'inbound', chunk: String(chunk), timestamp: String(timestamp), payload: Buffer.from(mulaw).toString('base64') },
    });
  }

  sendDtmf(digit: string): void {
    this.sendJson({ event: 'dtmf', sequenceNumber: this.#nextSeq(), streamSid: this.streamSid, dtmf: { track: 'inbound_track', digit } });
  }

  sendStop(streamSid = this.streamSid): void {
    this.sendJson({ event: 'stop', sequenceNumber: this.#nextSeq(), streamSid, stop: { accountSid: 'AC0123', callSid: 'CA0123' } });
  }

  sendJson(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /**
   * Starts the virtual playback drain (8 bytes/ms = real time; `speed` > 1 plays faster, for tests that only care
   * about the order of marks), echoing marks as it reaches them.
   */
  startPlayback(tickMs = 10, speed = 1): void {
    this.#drainTimer = setInterval(() => this.#drain(tickMs * 8 * speed), tickMs);
  }

  close(): void {
    if (this.#drainTimer) clearInterval(this.#drainTimer);
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000);
  }

  terminate(): void {
    if (this.#drainTimer) clearInterval(this.#drainTimer);
    this.socket.terminate();
  }

  /** Bytes of audio received in total. */
  get mediaBytes(): number {
    return this.media.reduce((n, m) => n + m.bytes.length, 0);
  }

  #nextSeq(): string {
    this.#sequence += 1;
    return String(this.#sequence);
  }

  #drain(budget: number): void {
    while (budget > 0 && this.#queue.length > 0) {
      const head = this.#queue[0];
      if (head.kind === 'mark') {
        this.#echoMark(head.name);
        this.#queue.shift();
        continue;
      }
      const take = Math.min(budget, head.bytes);
      head.bytes -= take;
      budget -= take;
      if (head.bytes === 0) this.#queue.shift();
    }
    while (this.#queue.length > 0 && this.#queue[0].kind === 'mark') {
      this.#echoMark((this.#queue.shift() as { name: string }).name);
    }
  }

  #echoMark(name: string): void {
    this.marksEchoed.push(name);
    this.sendJson({ event: 'mark', sequenceNumber: this.#nextSeq(), streamSid: this.streamSid, mark: { name } });
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.violations.push('binary frame');
      return;
    }
    let msg: { event?: unknown; streamSid?: unknown; media?: { payload?: unknown }; mark?: { name?: unknown } };
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      this.violations.push('not JSON');
      return;
    }
    if (msg.streamSid !== this.streamSid) this.violations.push(`wrong streamSid ${String(msg.streamSid)}`);
    switch (msg.event) {
      case 'media': {
        const payload = msg.media?.payload;
        if (typeof payload !== 'string') {
          this.violations.push('media without payload');
          return;
        }
        const bytes = Buffer.from(payload, 'base64');
        if (bytes.length === 0) this.violations.push('empty media');
        if (bytes.subarray(0, 4).toString('latin1') === 'RIFF') this.violations.push('RIFF header in media');
        if (bytes.toString('base64') !== payload) this.violations.push('payload is not canonical base64');
        this.media.push({ bytes, atMs: performance.now() - this.#t0 });
        this.#queue.push({ kind: 'audio', bytes: bytes.length });
        return;
      }
      case 'mark': {
        const name = msg.mark?.name;
        if (typeof name !== 'string') {
          this.violations.push('mark without name');
          return;
        }
        this.marksSent.push(name);
        this.#queue.push({ kind: 'mark', name });
        return;
      }
      case 'clear': {
        this.clears.push(performance.now() - this.#t0);
        const pending = this.#queue.filter((q): q is { kind: 'mark'; name: string } => q.kind === 'mark');
        this.#queue = [];
        for (const mark of pending) this.#echoMark(mark.name);
        return;
      }
      default:
        this.violations.push(`unknown event ${String(msg.event)}`);
    }
  }
}
