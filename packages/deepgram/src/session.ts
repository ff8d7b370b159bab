/**
 * `DeepgramSttSession`: one user's live transcription. It keeps a stream open across drops: audio goes into a
 * {@link ReplayBuffer} as well as onto the socket, and when the connection drops for a recoverable reason it
 * reconnects with backoff and replays every sample after the last final result, shifting the new connection's
 * timestamps onto the session's timeline. Results map to {@link SttEvent}s; `finalize()` sends Deepgram's `Finalize`.
 *
 * @packageDocumentation
 */
import type { Logger, SttEvent, SttSession } from '@voxframe/core';
import { Subject, type Observable } from 'rxjs';
import { DeepgramConnection } from './connection';
import { closeError, DeepgramError } from './errors';
import { listenUrl, type ResolvedDeepgramSttOptions } from './options';
import type { WireResults, WireServerMessage } from './protocol';
import { ReplayBuffer } from './replay-buffer';

type State = 'open' | 'reconnecting' | 'closing' | 'closed';

/** A live transcription session on Deepgram (see the module docs). */
export class DeepgramSttSession implements SttSession {
  readonly #events = new Subject<SttEvent>();
  readonly events: Observable<SttEvent> = this.#events.asObservable();
  readonly #options: ResolvedDeepgramSttOptions;
  readonly #logger: Logger;
  readonly #replay: ReplayBuffer;
  #connection: DeepgramConnection;
  #state: State = 'open';
  /** Timeline position (samples) of the current connection's first sample. */
  #connectionOffset = 0;
  #lastSentAt = Date.now();
  #keepAliveTimer: NodeJS.Timeout;
  #finalizeTimer: NodeJS.Timeout | undefined;
  #finalizePending = false;
  #utteranceOpen = false;
  #lostSamplesReported = false;
  #closePromise: Promise<void> | undefined;

  private constructor(options: ResolvedDeepgramSttOptions, logger: Logger, connection: DeepgramConnection) {
    this.#options = options;
    this.#logger = logger;
    this.#connection = connection;
    this.#replay = new ReplayBuffer((options.replayBufferMs / 1000) * options.sampleRate);
    this.#keepAliveTimer = setInterval(() => {
      if (Date.now() - this.#lastSentAt >= options.keepAliveIntervalMs) this.keepAlive();
    }, Math.max(10, Math.floor(options.keepAliveIntervalMs / 2)));
    this.#keepAliveTimer.unref();
  }

  /** Connects and returns the session; rejects with a typed {@link DeepgramError}. */
  static async start(options: ResolvedDeepgramSttOptions, logger: Logger, signal?: AbortSignal): Promise<DeepgramSttSession> {
    // The connection reports to the session built once the handshake succeeded.
    const holder: { session?: DeepgramSttSession } = {};
    const connection = await DeepgramSttSession.#connect(options, signal, {
      message: (message) => {
        if (holder.session) holder.session.#onMessage(message);
      },
      close: (code, reason) => {
        if (holder.session) holder.session.#onClose(code, reason);
      },
      unreadable: (text) => logger.warn({ service: 'deepgram', sample: text.slice(0, 80) }, 'deepgram: unreadable server message ignored'),
    });
    const session = new DeepgramSttSession(options, logger, connection);
    holder.session = session;
    logger.debug({ service: 'deepgram', model: options.model }, 'deepgram: stream open');
    return session;
  }

  static #connect(
    options: ResolvedDeepgramSttOptions,
    signal: AbortSignal | undefined,
    on: { message(m: WireServerMessage): void; close(code: number, reason: string): void; unreadable(text: string): void },
  ): Promise<DeepgramConnection> {
    return DeepgramConnection.open(
      { url: listenUrl(options), authorization: options.authorization, timeoutMs: options.connectTimeoutMs, ws: options.ws, signal },
      { onMessage: on.message, onClose: on.close, onUnreadable: on.unreadable },
    );
  }

  sendAudio(samples: Int16Array): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#replay.write(samples);
    if (this.#state === 'open') {
      this.#connection.sendAudio(samples);
      this.#lastSentAt = Date.now();
    }
  }

  finalize(): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#finalizePending = true;
    if (this.#state === 'open') this.#connection.sendControl({ type: 'Finalize' });
    clearTimeout(this.#finalizeTimer);
    this.#finalizeTimer = setTimeout(() => {
      if (!this.#finalizePending) return;
      // Deepgram sends no from_finalize result when it had nothing buffered: answer the turn ourselves.
      this.#finalizePending = false;
      this.#logger.debug({ service: 'deepgram' }, 'deepgram: no from_finalize result in time; emitting an empty final');
      this.#events.next({ type: 'transcript', text: '', final: true, fromFinalize: true });
    }, this.#options.finalizeTimeoutMs);
    this.#finalizeTimer.unref();
  }

  keepAlive(): void {
    if (this.#state !== 'open') return;
    this.#connection.sendControl({ type: 'KeepAlive' });
    this.#lastSentAt = Date.now();
  }

  close(): Promise<void> {
    this.#closePromise ??= this.#close();
    return this.#closePromise;
  }

  async #close(): Promise<void> {
    const wasOpen = this.#state === 'open';
    this.#state = 'closing';
    this.#stopTimers();
    if (wasOpen) {
      // CloseStream makes Deepgram flush its last results and a Metadata summary, then close with 1000.
      this.#connection.sendControl({ type: 'CloseStream' });
      await this.#connection.waitClosed(this.#options.closeTimeoutMs);
    } else {
      this.#connection.terminate();
    }
    this.#finish('closed by the client');
  }

  #stopTimers(): void {
    clearInterval(this.#keepAliveTimer);
    clearTimeout(this.#finalizeTimer);
  }

  #finish(reason: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#stopTimers();
    this.#events.next({ type: 'closed', reason });
    this.#events.complete();
  }

  #onMessage(message: WireServerMessage): void {
    if (this.#state === 'closed') return;
    const offsetMs = (this.#connectionOffset / this.#options.sampleRate) * 1000;
    switch (message.type) {
      case 'Results':
        this.#onResults(message, offsetMs);
        return;
      case 'SpeechStarted':
        this.#events.next({ type: 'speech.started', atMs: offsetMs + message.timestamp * 1000 });
        return;
      case 'UtteranceEnd':
        if (this.#utteranceOpen) {
          this.#utteranceOpen = false;
          this.#events.next({ type: 'utterance.end', atMs: offsetMs + message.last_word_end * 1000 });
        }
        return;
      case 'Metadata':
        this.#logger.debug({ service: 'deepgram', requestId: message.request_id, durationS: message.duration }, 'deepgram: stream summary');
        return;
      default:
        this.#logger.debug({ service: 'deepgram', type: (message as { type: string }).type }, 'deepgram: message type ignored');
    }
  }

  #onResults(message: WireResults, offsetMs: number): void {
    const alternative = message.channel.alternatives[0];
    const text = alternative?.transcript ?? '';
    const startMs = offsetMs + message.start * 1000;
    const endMs = startMs + message.duration * 1000;
    const final = message.is_final === true;
    const fromFinalize = message.from_finalize === true;
    if (final) this.#replay.settle(this.#connectionOffset + (message.start + message.duration) * this.#options.sampleRate);
    if (fromFinalize) {
      this.#finalizePending = false;
      clearTimeout(this.#finalizeTimer);
    }
    // Deepgram sends empty results over silence; only the answer to Finalize matters when empty.
    if (text.length > 0 || fromFinalize) {
      if (text.length > 0) this.#utteranceOpen = true;
      this.#events.next({
        type: 'transcript',
        text,
        final,
        ...(alternative ? { confidence: alternative.confidence } : {}),
        language: alternative?.languages?.[0] ?? this.#options.language,
        startMs,
        endMs,
        ...(fromFinalize ? { fromFinalize: true } : {}),
      });
    }
    if (message.speech_final === true && this.#utteranceOpen) {
      this.#utteranceOpen = false;
      this.#events.next({ type: 'utterance.end', atMs: endMs });
    }
  }

  #onClose(code: number, reason: string): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    const error = closeError(code, reason);
    this.#logger.warn({ service: 'deepgram', code, reason, errorCode: error.code }, 'deepgram: stream closed by the service');
    const canRetry = error.recoverable && this.#options.maxReconnectAttempts > 0;
    this.#events.next({ type: 'error', error, recoverable: canRetry });
    if (!canRetry) {
      this.#finish(`closed by the service (${code}${reason ? ` ${reason}` : ''})`);
      return;
    }
    this.#state = 'reconnecting';
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    let lastError: DeepgramError | undefined;
    for (let attempt = 0; attempt < this.#options.maxReconnectAttempts; attempt++) {
      await delay(this.#options.reconnectBackoffMs * 2 ** attempt);
      if (this.#state !== 'reconnecting') return;
      try {
        const connection = await DeepgramSttSession.#connect(this.#options, undefined, {
          message: (message) => {
            if (this.#connection === connection) this.#onMessage(message);
          },
          close: (code, reason) => {
            if (this.#connection === connection) this.#onClose(code, reason);
          },
          unreadable: (text) => this.#logger.warn({ service: 'deepgram', sample: text.slice(0, 80) }, 'deepgram: unreadable server message ignored'),
        });
        if (this.#state !== 'reconnecting') {
          connection.terminate();
          return;
        }
        this.#resume(connection);
        return;
      } catch (error) {
        lastError = error instanceof DeepgramError ? error : new DeepgramError('connect_failed', String(error), { cause: error });
        this.#logger.warn({ service: 'deepgram', attempt: attempt + 1, errorCode: lastError.code }, 'deepgram: reconnect attempt failed');
        if (!lastError.recoverable) break;
      }
    }
    if (this.#state !== 'reconnecting') return;
    const error = new DeepgramError(
      'reconnect_failed',
      `could not reconnect after ${this.#options.maxReconnectAttempts} attempts${lastError ? ` (last: ${lastError.message})` : ''}.`,
      { recoverable: false, ...(lastError ? { cause: lastError } : {}) },
    );
    this.#events.next({ type: 'error', error, recoverable: false });
    this.#finish('reconnecting failed');
  }

  /** Switches to a new connection and replays the unsettled audio, so no speech is lost across the drop. */
  #resume(connection: DeepgramConnection): void {
    const from = this.#replay.replayStart;
    const lostSamples = from - this.#connectionOffsetCandidate();
    this.#connection = connection;
    this.#connectionOffset = from;
    this.#state = 'open';
    for (const view of this.#replay.slice(from)) connection.sendAudio(view);
    this.#lastSentAt = Date.now();
    const replayedMs = ((this.#replay.written - from) / this.#options.sampleRate) * 1000;
    this.#logger.info({ service: 'deepgram', replayedMs: Math.round(replayedMs) }, 'deepgram: reconnected; unsettled audio replayed');
    if (lostSamples > 0 && !this.#lostSamplesReported) {
      this.#lostSamplesReported = true;
      const lostMs = Math.round((lostSamples / this.#options.sampleRate) * 1000);
      this.#events.next({
        type: 'error',
        error: new DeepgramError('audio_dropped', `the outage outlasted replayBufferMs; ${lostMs} ms of audio were not transcribed.`, {
          details: { lostMs },
        }),
        recoverable: true,
      });
    }
    if (this.#finalizePending) connection.sendControl({ type: 'Finalize' });
  }

  /** Where a loss-free replay would start: the settled point. */
  #connectionOffsetCandidate(): number {
    return this.#replay.settledPosition;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
