/**
 * `ElevenLabsTtsStream`: one multi-context connection implementing {@link TtsStream}. Each assistant utterance is
 * a context (prosody carries across its sentences): the first text opens it with the voice settings, each text is
 * sent as it comes (flushed, by default, so its audio starts at once), `flush()` flushes and closes the context so
 * the service ends it with `isFinal` (-> `done`), and `cancel()` closes it at once and drops any audio of it that is
 * still in flight. Audio is PCM16 at the output rate; character alignment becomes word timings.
 *
 * @packageDocumentation
 */
import type { Logger, TtsStream, TtsStreamEvent } from '@voxframe/core';
import { Subject, type Observable } from 'rxjs';
import type WebSocket from 'ws';
import { closeError, serviceError } from './errors';
import type { ResolvedElevenLabsTtsOptions } from './options';
import type { WireClientMessage, WireServerMessage } from './protocol';
import { WordAssembler } from './word-timings';

type ContextState = 'open' | 'flushed' | 'cancelled';

interface Context {
  state: ContextState;
  /** Audio received so far, in samples (the offset of the next chunk's alignment). */
  samples: number;
  readonly words: WordAssembler;
}

/** A streaming-input TTS connection (see the module docs). */
export class ElevenLabsTtsStream implements TtsStream {
  readonly #events = new Subject<TtsStreamEvent>();
  readonly events: Observable<TtsStreamEvent> = this.#events.asObservable();
  readonly #socket: WebSocket;
  readonly #options: ResolvedElevenLabsTtsOptions;
  readonly #logger: Logger;
  readonly #contexts = new Map<string, Context>();
  #closing = false;
  #closed = false;
  #finished = false;
  #closePromise: Promise<void> | undefined;
  readonly #socketClosed: Promise<void>;

  constructor(socket: WebSocket, options: ResolvedElevenLabsTtsOptions, logger: Logger) {
    this.#socket = socket;
    this.#options = options;
    this.#logger = logger;
    this.#socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('message', (data: WebSocket.RawData) => this.#onMessage(data));
    socket.on('close', (code: number, reason: Buffer) => this.#onClose(code, reason.toString('utf8')));
    socket.on('error', () => undefined); // 'close' follows and says what happened
  }

  /** The output rate. */
  get sampleRate(): number {
    return this.#options.sampleRate;
  }

  sendText(contextId: string, text: string): void {
    if (this.#closing || text.length === 0) return;
    let context = this.#contexts.get(contextId);
    if (context && context.state !== 'open') {
      this.#logger.warn({ service: 'elevenlabs', contextId, state: context.state }, 'elevenlabs: text for a finished context ignored');
      return;
    }
    // The service concatenates inputs; each must end with a space so words do not run together.
    const spaced = /\s$/.test(text) ? text : `${text} `;
    const flush = this.#options.flushEachText ? { flush: true } : {};
    if (!context) {
      context = { state: 'open', samples: 0, words: new WordAssembler() };
      this.#contexts.set(contextId, context);
      this.#send({ text: spaced, context_id: contextId, ...flush, ...this.#contextSettings() });
    } else {
      this.#send({ text: spaced, context_id: contextId, ...flush });
    }
  }

  flush(contextId: string): void {
    const context = this.#contexts.get(contextId);
    if (!context) {
      // Nothing was said in this context: it is done already.
      this.#events.next({ type: 'done', contextId });
      return;
    }
    if (context.state !== 'open') return;
    context.state = 'flushed';
    // A close after a flush lets the flushed audio finish, then the service sends isFinal; closing also keeps the
    // connection under its limit of 5 open contexts.
    this.#send({ context_id: contextId, text: '', flush: true });
    this.#send({ context_id: contextId, close_context: true });
  }

  cancel(contextId: string): void {
    const context = this.#contexts.get(contextId);
    if (!context || context.state === 'cancelled') return;
    const wasOpen = context.state === 'open';
    context.state = 'cancelled';
    if (wasOpen) this.#send({ context_id: contextId, close_context: true });
  }

  close(): Promise<void> {
    this.#closePromise ??= this.#close();
    return this.#closePromise;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    if (!this.#closed) {
      this.#send({ close_socket: true });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.#socketClosed, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#options.closeTimeoutMs)))]);
      clearTimeout(timer);
      if (!this.#closed) this.#socket.terminate();
      await this.#socketClosed;
    }
    this.#finish('closed by the client');
  }

  #contextSettings(): Partial<Extract<WireClientMessage, { text: string; context_id: string }>> {
    const settings = this.#options.voiceSettings;
    const schedule = this.#options.chunkLengthSchedule;
    return {
      ...(settings
        ? {
            voice_settings: {
              ...(settings.stability !== undefined ? { stability: settings.stability } : {}),
              ...(settings.similarityBoost !== undefined ? { similarity_boost: settings.similarityBoost } : {}),
              ...(settings.style !== undefined ? { style: settings.style } : {}),
              ...(settings.useSpeakerBoost !== undefined ? { use_speaker_boost: settings.useSpeakerBoost } : {}),
              ...(settings.speed !== undefined ? { speed: settings.speed } : {}),
            },
          }
        : {}),
      ...(schedule ? { generation_config: { chunk_length_schedule: [...schedule] } } : {}),
    };
  }

  #send(message: WireClientMessage): void {
    if (this.#closed || this.#socket.readyState !== this.#socket.OPEN) return;
    this.#socket.send(JSON.stringify(message));
  }

  #onMessage(data: WebSocket.RawData): void {
    let message: WireServerMessage;
    try {
      message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8')) as WireServerMessage;
    } catch {
      this.#logger.warn({ service: 'elevenlabs' }, 'elevenlabs: unreadable server message ignored');
      return;
    }
    if (message.error !== undefined || (message.message !== undefined && message.audio === undefined)) {
      const error = serviceError(message);
      this.#logger.warn({ service: 'elevenlabs', code: error.code, contextId: message.contextId }, 'elevenlabs: service error');
      this.#events.next({ type: 'error', error, recoverable: error.recoverable, ...(message.contextId ? { contextId: message.contextId } : {}) });
      return;
    }
    const contextId = message.contextId;
    const context = contextId === undefined ? undefined : this.#contexts.get(contextId);
    if (contextId === undefined || !context || context.state === 'cancelled') {
      // A cancelled context's late audio and its isFinal: dropped, as cancel() promises.
      if (context && (message.isFinal || message.is_final)) this.#contexts.delete(contextId!);
      return;
    }
    if (message.audio) {
      const bytes = Buffer.from(message.audio, 'base64');
      const samples = new Int16Array(bytes.length >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
      const offsetMs = (context.samples / this.#options.sampleRate) * 1000;
      context.samples += samples.length;
      this.#events.next({ type: 'audio', contextId, samples, sampleRate: this.#options.sampleRate });
      if (message.alignment) {
        const words = context.words.add(message.alignment, offsetMs);
        if (words.length > 0) this.#events.next({ type: 'timings', contextId, words });
      }
    }
    if (message.isFinal || message.is_final) {
      const rest = context.words.finish();
      if (rest.length > 0) this.#events.next({ type: 'timings', contextId, words: rest });
      this.#contexts.delete(contextId);
      this.#events.next({ type: 'done', contextId });
    }
  }

  #onClose(code: number, reason: string): void {
    this.#closed = true;
    if (this.#closing) return;
    const error = closeError(code, reason);
    this.#logger.warn({ service: 'elevenlabs', code, reason }, 'elevenlabs: the service closed the stream');
    for (const [contextId, context] of this.#contexts) {
      if (context.state !== 'cancelled') this.#events.next({ type: 'error', error, recoverable: false, contextId });
    }
    this.#events.next({ type: 'error', error, recoverable: false });
    this.#finish(`closed by the service (${code}${reason ? ` ${reason}` : ''})`);
  }

  #finish(reason: string): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#contexts.clear();
    this.#events.next({ type: 'closed', reason });
    this.#events.complete();
  }
}
