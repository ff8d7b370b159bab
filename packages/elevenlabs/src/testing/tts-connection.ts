/**
 * One emulated multi-context connection. Per context it buffers text and generates "speech" for it when flushed
 * (or when the buffer reaches the first `chunk_length_schedule` step): `msPerChar` of a tone per character
 * (silence for spaces), sent as base64 PCM16 chunks of `chunkMs` with the alignment of the characters they hold,
 * times relative to the chunk, then `isFinal` once the context is closed and its flushed audio is out. It enforces
 * the limit of 5 open contexts with the service's error message and close 1008, and records what it received.
 *
 * @packageDocumentation
 */
import type WebSocket from 'ws';

/** Tunables shared by the emulator's connections. */
export interface TtsBehaviour {
  readonly sampleRate: number;
  readonly msPerChar: number;
  readonly chunkMs: number;
  /** Pause between chunks, ms. */
  readonly chunkIntervalMs: number;
  readonly maxContexts: number;
  /** How the end of a context is spelled (`isFinal`, as the service's guide shows, or `is_final`, as the SDK types). */
  readonly finalKey: 'isFinal' | 'is_final';
}

interface EmulatedContext {
  buffer: string;
  /** Generated chunks not yet sent: their characters and audio. */
  readonly queue: { chars: string[]; samples: Int16Array }[];
  samplesGenerated: number;
  closing: boolean;
  closed: boolean;
  sending: boolean;
}

/** One emulated connection (see the module docs). */
export class TtsConnection {
  /** Every message received, parsed, in order. */
  readonly received: Record<string, unknown>[] = [];
  /** Every message sent, in order. */
  readonly sent: Record<string, unknown>[] = [];
  /** The voice id from the path. */
  readonly voiceId: string;
  readonly query: Readonly<Record<string, string>>;
  readonly #socket: WebSocket;
  readonly #behaviour: TtsBehaviour;
  readonly #contexts = new Map<string, EmulatedContext>();
  #closed = false;

  constructor(socket: WebSocket, voiceId: string, query: Readonly<Record<string, string>>, behaviour: TtsBehaviour) {
    this.#socket = socket;
    this.voiceId = voiceId;
    this.query = query;
    this.#behaviour = behaviour;
    socket.on('message', (data: WebSocket.RawData) => this.#onMessage(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8')));
    socket.on('close', () => (this.#closed = true));
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Ids of the contexts open now. */
  get openContexts(): string[] {
    return [...this.#contexts.entries()].filter(([, c]) => !c.closed).map(([id]) => id);
  }

  /** Sends an error message as the service does, then closes with `code`. */
  failWith(error: string, message: string, code = 1008): void {
    this.#send({ message, error, code });
    if (!this.#closed) this.#socket.close(code, message.slice(0, 120));
  }

  /** Drops the TCP connection (the client sees 1006). */
  drop(): void {
    if (!this.#closed) this.#socket.terminate();
  }

  #send(message: Record<string, unknown>): void {
    if (this.#closed) return;
    this.sent.push(message);
    this.#socket.send(JSON.stringify(message));
  }

  #onMessage(text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return this.failWith('invalid_message', 'Invalid JSON message.');
    }
    this.received.push(message);
    if (message.close_socket === true) {
      for (const context of this.#contexts.values()) context.closing = true;
      void this.#drainAll().then(() => !this.#closed && this.#socket.close(1000, ''));
      return;
    }
    const contextId = typeof message.context_id === 'string' ? message.context_id : typeof message.contextId === 'string' ? message.contextId : 'default';
    let context = this.#contexts.get(contextId);
    if (!context || context.closed) {
      if (message.close_context === true) return;
      if (this.openContexts.length >= this.#behaviour.maxContexts) {
        return this.failWith(
          'max_active_conversations',
          `Maximum simultaneous contexts per WebSocket connection exceeded (${this.#behaviour.maxContexts}). Please close an existing context before opening a new one.`,
        );
      }
      context = { buffer: '', queue: [], samplesGenerated: 0, closing: false, closed: false, sending: false };
      this.#contexts.set(contextId, context);
    }
    if (typeof message.text === 'string') context.buffer += message.text;
    const threshold = (message.generation_config as { chunk_length_schedule?: number[] } | undefined)?.chunk_length_schedule?.[0] ?? 120;
    if (message.flush === true || context.buffer.trim().length >= threshold) this.#generate(context);
    if (message.close_context === true) {
      context.closing = true;
      // Unflushed text of a closed context is dropped; flushed audio still goes out, then isFinal.
      context.buffer = '';
    }
    void this.#drain(contextId, context);
  }

  /** Turns the buffered text into queued audio chunks. */
  #generate(context: EmulatedContext): void {
    const text = context.buffer.trim() === '' ? '' : context.buffer;
    context.buffer = '';
    if (text === '') return;
    const { sampleRate, msPerChar, chunkMs } = this.#behaviour;
    const perChar = Math.round((sampleRate * msPerChar) / 1000);
    const charsPerChunk = Math.max(1, Math.round(chunkMs / msPerChar));
    const chars = [...text];
    for (let at = 0; at < chars.length; at += charsPerChunk) {
      const part = chars.slice(at, at + charsPerChunk);
      const samples = new Int16Array(part.length * perChar);
      part.forEach((char, i) => {
        if (/\s/.test(char)) return;
        for (let n = 0; n < perChar; n++) {
          const t = context.samplesGenerated + i * perChar + n;
          samples[i * perChar + n] = Math.round(8000 * Math.sin((2 * Math.PI * 220 * t) / sampleRate));
        }
      });
      context.samplesGenerated += samples.length;
      context.queue.push({ chars: part, samples });
    }
  }

  async #drain(contextId: string, context: EmulatedContext): Promise<void> {
    if (context.sending) return;
    context.sending = true;
    while (context.queue.length > 0 && !this.#closed) {
      const chunk = context.queue.shift()!;
      const perCharMs = this.#behaviour.msPerChar;
      this.#send({
        audio: Buffer.from(chunk.samples.buffer, chunk.samples.byteOffset, chunk.samples.byteLength).toString('base64'),
        alignment: { chars: chunk.chars, charStartTimesMs: chunk.chars.map((_, i) => i * perCharMs), charDurationsMs: chunk.chars.map(() => perCharMs) },
        normalizedAlignment: { chars: chunk.chars, charStartTimesMs: chunk.chars.map((_, i) => i * perCharMs), charDurationsMs: chunk.chars.map(() => perCharMs) },
        contextId,
      });
      if (this.#behaviour.chunkIntervalMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#behaviour.chunkIntervalMs));
    }
    context.sending = false;
    if (context.closing && !context.closed) {
      context.closed = true;
      this.#send({ [this.#behaviour.finalKey]: true, contextId });
    }
  }

  async #drainAll(): Promise<void> {
    await Promise.all([...this.#contexts.entries()].map(([id, context]) => this.#drain(id, context)));
  }
}
