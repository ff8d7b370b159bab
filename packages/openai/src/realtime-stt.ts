/**
 * `SttService` over the Realtime API's transcription session (`wss://…/v1/realtime?intent=transcription`): audio
 * streams in as it is captured, the local VAD's end of turn commits the buffer, and the service answers with
 * transcript deltas (interim hypotheses) and a completed transcript (the final).
 *
 * The WebSocket handshake, framing and bounded close are `@voxframe/s2s-openai`'s `RealtimeConnection`, shared rather
 * than copied.
 *
 * @packageDocumentation
 */
import { Subject } from 'rxjs';
import { silentLogger, type Logger, type SttCapabilities, type SttEvent, type SttService, type SttSession, type SttStartOptions } from '@voxframe/core';
import { RealtimeConnection, resolveOpenAIConfig, type ClientEvent, type ResolvedOpenAIConfig, type ServerEvent } from '@voxframe/s2s-openai';
import { OpenAiOptionsError, OpenAiServiceError } from './errors';

/** Options of {@link createOpenAiRealtimeStt}. */
export interface OpenAiRealtimeSttOptions {
  /** @defaultValue `process.env.OPENAI_API_KEY` */
  readonly apiKey?: string;
  /**
   * Realtime endpoint (`wss://`, or `ws://` for a local emulator); `/realtime?intent=transcription` is appended.
   * @defaultValue `'wss://api.openai.com/v1'`
   */
  readonly baseURL?: string;
  /** @defaultValue `'gpt-4o-mini-transcribe'` */
  readonly model?: string;
  /** ISO-639-1 language; omitted when unset. */
  readonly language?: string;
  /** Vocabulary or context hint; omitted when unset. */
  readonly prompt?: string;
  /**
   * How long connecting (handshake + `session.created` + `session.updated`) may take.
   * @defaultValue 10000
   */
  readonly connectTimeoutMs?: number;
}

/** Defaults of {@link OpenAiRealtimeSttOptions}. */
export const openAiRealtimeSttDefaults = {
  baseURL: 'wss://api.openai.com/v1',
  model: 'gpt-4o-mini-transcribe',
  connectTimeoutMs: 10_000,
} as const satisfies OpenAiRealtimeSttOptions;

/** The Realtime transcription session's only PCM rate. */
const RATE = 24000;

/** Streaming transcription as an {@link SttService}. Create it with {@link createOpenAiRealtimeStt}. */
export class OpenAiRealtimeStt implements SttService {
  readonly name = 'openai-realtime';
  readonly sampleRate = RATE;
  readonly capabilities: SttCapabilities = { interim: true, segmented: false, endpointing: false };
  readonly model: string;
  readonly #config: ResolvedOpenAIConfig;
  readonly #options: OpenAiRealtimeSttOptions;

  constructor(options: OpenAiRealtimeSttOptions = {}) {
    this.model = options.model ?? openAiRealtimeSttDefaults.model;
    this.#options = options;
    const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY;
    if (apiKey === undefined || apiKey === '') throw new OpenAiOptionsError('createOpenAiRealtimeStt needs an API key: set OPENAI_API_KEY or pass apiKey.');
    const resolved = resolveOpenAIConfig({
      extra: {
        api_key: apiKey,
        base_url: options.baseURL ?? openAiRealtimeSttDefaults.baseURL,
        connect_timeout_ms: options.connectTimeoutMs ?? openAiRealtimeSttDefaults.connectTimeoutMs,
      },
    });
    // A transcription session is chosen by `intent=transcription` instead of a model (protocol §1.1).
    const url = new URL(resolved.url);
    url.searchParams.delete('model');
    url.searchParams.set('intent', 'transcription');
    this.#config = { ...resolved, url: url.toString() };
  }

  async start(options: SttStartOptions = {}): Promise<SttSession> {
    const session = new RealtimeSttSession(options.logger ?? silentLogger());
    await session.open(this.#config, this.model, this.#options, options.signal);
    return session;
  }
}

/** One transcription session over one connection. */
class RealtimeSttSession implements SttSession {
  readonly #events = new Subject<SttEvent>();
  readonly events = this.#events.asObservable();
  readonly #logger: Logger;
  #connection: RealtimeConnection | undefined;
  #eventIds = 0;
  #pendingBytes = 0;
  /** Hypothesis so far per item (deltas append). */
  readonly #hypotheses = new Map<string, string>();
  #closing = false;
  #ready: ((error?: OpenAiServiceError) => void) | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  async open(config: ResolvedOpenAIConfig, model: string, options: OpenAiRealtimeSttOptions, signal?: AbortSignal): Promise<void> {
    let connection: RealtimeConnection;
    try {
      connection = await RealtimeConnection.open(config, this.#logger, {
        onEvent: (event) => this.#onEvent(event),
        onGarbage: (length) => this.#logger.warn({ length }, 'unreadable realtime message ignored'),
        onClose: (code, reason) => this.#onClose(code, reason),
      }, signal);
    } catch (error) {
      const e = error as { code?: string; recoverable?: boolean; message?: string };
      throw new OpenAiServiceError('stt', e.code ?? 'connection_failed', e.message ?? String(error), { recoverable: e.recoverable ?? true, cause: error });
    }
    this.#connection = connection;
    const updated = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new OpenAiServiceError('stt', 'connect_timeout', `no session.updated within ${config.connectTimeoutMs} ms.`, { recoverable: true })), config.connectTimeoutMs);
      const done = (error?: OpenAiServiceError): void => {
        clearTimeout(timer);
        this.#ready = undefined;
        if (error) reject(error);
        else resolve();
      };
      this.#ready = done;
    });
    const session = {
      type: 'transcription',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: RATE },
          transcription: { model, ...(options.language === undefined ? {} : { language: options.language }), ...(options.prompt === undefined ? {} : { prompt: options.prompt }) },
          // The local VAD decides turns: finalize() commits the buffer.
          turn_detection: null,
        },
      },
    };
    // `WireSessionConfig` types the realtime session only; the transcription session has the same audio block.
    connection.send({ type: 'session.update', event_id: this.#nextId(), session } as unknown as ClientEvent);
    try {
      await updated;
    } catch (error) {
      connection.terminate();
      throw error;
    }
  }

  sendAudio(samples: Int16Array): void {
    const connection = this.#connection;
    if (connection === undefined || this.#closing || samples.length === 0) return;
    const audio = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
    if (connection.send({ type: 'input_audio_buffer.append', audio })) this.#pendingBytes += samples.byteLength;
  }

  finalize(): void {
    const connection = this.#connection;
    if (connection === undefined || this.#closing) return;
    // The service refuses to commit less than 100 ms (`input_audio_buffer_commit_empty`): answer such a turn at once.
    if (this.#pendingBytes < (RATE / 10) * 2) {
      this.#pendingBytes = 0;
      connection.send({ type: 'input_audio_buffer.clear' });
      this.#events.next({ type: 'transcript', text: '', final: true, fromFinalize: true });
      return;
    }
    this.#pendingBytes = 0;
    connection.send({ type: 'input_audio_buffer.commit', event_id: this.#nextId() });
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await this.#connection?.close();
    this.#finish('closed by the client');
  }

  #onEvent(event: ServerEvent): void {
    switch (event.type) {
      case 'session.updated':
        this.#ready?.();
        return;
      case 'conversation.item.input_audio_transcription.delta': {
        const id = event.item_id ?? '';
        const text = (this.#hypotheses.get(id) ?? '') + (event.delta ?? '');
        this.#hypotheses.set(id, text);
        if (text.trim() !== '') this.#events.next({ type: 'transcript', text: text.trim(), final: false });
        return;
      }
      case 'conversation.item.input_audio_transcription.completed':
        this.#hypotheses.delete(event.item_id ?? '');
        this.#events.next({ type: 'transcript', text: (event.transcript ?? '').trim(), final: true, fromFinalize: true });
        return;
      case 'conversation.item.input_audio_transcription.failed': {
        this.#hypotheses.delete(event.item_id ?? '');
        const wire = event.error;
        const error = new OpenAiServiceError('stt', wire?.code ?? 'transcription_failed', wire?.message ?? 'the transcription failed.', { recoverable: true });
        this.#events.next({ type: 'error', error, recoverable: true });
        this.#events.next({ type: 'transcript', text: '', final: true, fromFinalize: true });
        return;
      }
      case 'error': {
        const wire = event.error;
        const fatal = wire?.type === 'authentication_error' || wire?.code === 'invalid_api_key';
        const error = new OpenAiServiceError('stt', wire?.code ?? wire?.type ?? 'realtime_error', wire?.message ?? 'the service reported an error.', {
          recoverable: !fatal,
          ...(wire?.type ? { errorType: wire.type } : {}),
        });
        if (this.#ready !== undefined) {
          this.#ready(error);
          return;
        }
        this.#events.next({ type: 'error', error, recoverable: !fatal });
        return;
      }
      default:
        return;
    }
  }

  #onClose(code: number, reason: string): void {
    this.#ready?.(new OpenAiServiceError('stt', 'connection_failed', `the service closed the connection during setup (${code}).`, { recoverable: true }));
    this.#finish(this.#closing ? 'closed by the client' : `connection closed (${code} ${reason})`);
  }

  #finish(reason: string): void {
    if (this.#events.closed) return;
    this.#events.next({ type: 'closed', reason });
    this.#events.complete();
  }

  #nextId(): string {
    this.#eventIds += 1;
    return `stt_evt_${this.#eventIds}`;
  }
}

/**
 * Creates a streaming OpenAI transcription service (Realtime API transcription session).
 *
 * @example
 * ```ts
 * const stt = createOpenAiRealtimeStt({ model: 'gpt-4o-transcribe', language: 'en' });
 * pipeline(input, sileroVad(), sttProcessor({ stt }), ...);
 * ```
 * @throws {@link OpenAiOptionsError} without an API key.
 */
export function createOpenAiRealtimeStt(options: OpenAiRealtimeSttOptions = {}): OpenAiRealtimeStt {
  return new OpenAiRealtimeStt(options);
}
