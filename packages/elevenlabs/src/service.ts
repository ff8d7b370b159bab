/**
 * `createElevenLabsTts()`: the {@link TtsService} for ElevenLabs over its multi-context streaming-input WebSocket.
 * `connect()` opens one connection for a session (a context per utterance); `synthesize()` speaks one text over a
 * connection of its own and ends when its context is final, or at once when the signal aborts.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { silentLogger, type TtsChunk, type TtsOptions, type TtsService, type TtsStreamEvent } from '@voxframe/core';
import { openSocket } from './connection';
import { ELEVENLABS_SERVICE } from './errors';
import { multiStreamUrl, resolveElevenLabsOptions, type ElevenLabsTtsOptions, type ResolvedElevenLabsTtsOptions } from './options';
import { ElevenLabsTtsStream } from './stream';

/** ElevenLabs as a {@link TtsService}. */
export class ElevenLabsTts implements TtsService {
  readonly name = ELEVENLABS_SERVICE;
  readonly sampleRate: number;
  readonly #options: ResolvedElevenLabsTtsOptions;

  constructor(options: ElevenLabsTtsOptions = {}) {
    this.#options = resolveElevenLabsOptions(options);
    this.sampleRate = this.#options.sampleRate;
  }

  /** Opens a streaming-input connection; rejects with a typed `ElevenLabsTtsError`. */
  async connect(options: Omit<TtsOptions, 'signal'> & { readonly signal?: AbortSignal } = {}): Promise<ElevenLabsTtsStream> {
    const socket = await openSocket({
      url: multiStreamUrl(this.#options, options.voice ?? this.#options.voiceId),
      apiKey: this.#options.apiKey,
      timeoutMs: this.#options.connectTimeoutMs,
      ...(this.#options.ws ? { ws: this.#options.ws } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return new ElevenLabsTtsStream(socket, this.#options, options.logger ?? silentLogger());
  }

  async *synthesize(text: string, options: TtsOptions): AsyncIterable<TtsChunk> {
    if (options.signal.aborted) return;
    let stream: ElevenLabsTtsStream;
    try {
      stream = await this.connect(options);
    } catch (error) {
      if (options.signal.aborted) return;
      throw error;
    }
    const contextId = randomUUID();
    const queue: TtsStreamEvent[] = [];
    let wake: (() => void) | undefined;
    const subscription = stream.events.subscribe((event) => {
      queue.push(event);
      wake?.();
    });
    const onAbort = (): void => {
      stream.cancel(contextId);
      wake?.();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    try {
      stream.sendText(contextId, text);
      stream.flush(contextId);
      for (;;) {
        if (options.signal.aborted) return;
        const event = queue.shift();
        if (event === undefined) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        if (event.type === 'audio') yield { type: 'audio', samples: event.samples, sampleRate: event.sampleRate };
        else if (event.type === 'timings') yield { type: 'timings', words: event.words };
        else if (event.type === 'error' && !event.recoverable) throw event.error;
        else if (event.type === 'done' || event.type === 'closed') return;
      }
    } finally {
      options.signal.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
      await stream.close();
    }
  }
}

/**
 * Creates the ElevenLabs TTS service. Throws an `ElevenLabsTtsError` (`missing_api_key`, `invalid_config`) on bad
 * options.
 *
 * ```ts
 * const tts = createElevenLabsTts({ voiceId: '21m00Tcm4TlvDq8ikWAM', sampleRate: 24000 }); // key from ELEVENLABS_API_KEY
 * ```
 */
export function createElevenLabsTts(options: ElevenLabsTtsOptions = {}): ElevenLabsTts {
  return new ElevenLabsTts(options);
}
