/**
 * Drives a streaming-input TTS connection (`TtsService.connect()`): routes its events per context, and turns
 * "flush and wait for done" into a promise the TTS processor's ordered lane can await.
 *
 * @packageDocumentation
 */
import type { Subscription } from 'rxjs';
import type { Logger, TtsStream, TtsStreamEvent, VoxframeError, WordTiming } from '@voxframe/core';

/** What the driver reports to the processor. */
export interface TtsStreamHost {
  readonly logger: Logger;
  onAudio(contextId: string, samples: Int16Array, sampleRate: number): void;
  onTimings(contextId: string, words: readonly WordTiming[]): void;
  onError(error: VoxframeError, fatal: boolean): void;
  /** The connection closed on its own; the processor falls back to `synthesize()`. */
  onClosed(): void;
}

/** One streaming connection. */
export class TtsStreamDriver {
  readonly #stream: TtsStream;
  readonly #host: TtsStreamHost;
  readonly #subscription: Subscription;
  readonly #waiting = new Map<string, () => void>();
  #closing = false;

  constructor(stream: TtsStream, host: TtsStreamHost) {
    this.#stream = stream;
    this.#host = host;
    this.#subscription = stream.events.subscribe({
      next: (event) => this.#onEvent(event),
      complete: () => this.#gone('event stream completed'),
      error: () => this.#gone('event stream failed'),
    });
  }

  send(contextId: string, text: string): void {
    // A trailing space keeps sentences apart in the service's buffer.
    this.#stream.sendText(contextId, `${text} `);
  }

  cancel(contextId: string): void {
    this.#release(contextId);
    try {
      this.#stream.cancel(contextId);
    } catch (error) {
      this.#host.logger.debug({ err: error }, 'cancelling a tts context failed');
    }
  }

  /** Flushes a context; resolves when the service says it is done (or on abort, error or close). */
  finish(contextId: string, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        this.#waiting.delete(contextId);
        resolve();
      };
      if (signal.aborted || this.#closing) return resolve();
      signal.addEventListener('abort', done, { once: true });
      this.#waiting.set(contextId, done);
      this.#stream.flush(contextId);
    });
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    for (const done of [...this.#waiting.values()]) done();
    try {
      await this.#stream.close();
    } finally {
      this.#subscription.unsubscribe();
    }
  }

  #onEvent(event: TtsStreamEvent): void {
    switch (event.type) {
      case 'audio':
        return this.#host.onAudio(event.contextId, event.samples, event.sampleRate);
      case 'timings':
        return this.#host.onTimings(event.contextId, event.words);
      case 'done':
        return this.#release(event.contextId);
      case 'error':
        this.#host.onError(event.error, false);
        if (!event.recoverable && event.contextId !== undefined) this.#release(event.contextId);
        return;
      case 'closed':
        return this.#gone(event.reason);
    }
  }

  #release(contextId: string): void {
    this.#waiting.get(contextId)?.();
  }

  #gone(reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#host.logger.warn({ reason }, 'tts streaming connection closed');
    for (const done of [...this.#waiting.values()]) done();
    this.#host.onClosed();
  }
}
