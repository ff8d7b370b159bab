/**
 * One bidirectional stream: `InvokeModelWithBidirectionalStreamCommand` over HTTP/2 with the SDK's own client,
 * fed by an {@link InputQueue}, its output events handed to the session. It knows how a stream ends (protocol note
 * §2): normally after our `sessionEnd`, with a thrown exception, or silently (an HTTP/2 reset looks like a normal
 * end to the SDK), which is a failure unless `completionEnd` came first.
 *
 * @packageDocumentation
 */
import { BedrockRuntimeClient, InvokeModelWithBidirectionalStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import type { Logger } from '@voxframe/core';
import type { ResolvedNovaConfig } from './config';
import { NovaSonicError, droppedStreamError, toNovaError } from './errors';
import type { InputQueue } from './input-queue';
import { parseOutputEvent, type OutputEvent } from './protocol';

/** How a stream ended. */
export type StreamOutcome =
  /** After our `sessionEnd` (or a `completionEnd` from the service). */
  | { readonly kind: 'finished'; readonly byService: boolean }
  /** With an exception, or silently without `completionEnd`. */
  | { readonly kind: 'failed'; readonly error: NovaSonicError };

/** What the stream tells its session. */
export interface StreamHandlers {
  /** The SDK pulled the first input chunk: credentials resolved, request signed and on its way. */
  onRequestSent(): void;
  /** An output event, in order. */
  onEvent(event: OutputEvent): void;
  /** A chunk that is not a Nova event (its length only: never its content). */
  onGarbage(length: number): void;
  /** The stream ended; called once. */
  onEnd(outcome: StreamOutcome): void;
}

/**
 * Makes the SDK client of a session: HTTP/2, one attempt (the session retries on its own, with the conversation),
 * the SDK's own log lines at debug level in the session's logger (the session reports failures itself).
 */
export function createBedrockClient(config: ResolvedNovaConfig, logger: Logger): BedrockRuntimeClient {
  const sdkLog = (...content: unknown[]): void => logger.debug({ sdk: content.map((part) => (part instanceof Error ? part.message : String(part))).join(' ') }, 'aws sdk');
  return new BedrockRuntimeClient({
    region: config.region,
    maxAttempts: 1,
    logger: { trace: () => undefined, debug: () => undefined, info: sdkLog, warn: sdkLog, error: sdkLog },
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    requestHandler: new NodeHttp2Handler({
      disableConcurrentStreams: true,
      ...(config.ca === undefined ? {} : { nodeHttp2ConnectOptions: { ca: config.ca } }),
    }),
  });
}

let streamCounter = 0;

/** One stream of a session. */
export class NovaStream {
  /** Local id for logs. */
  readonly id: string;
  readonly queue: InputQueue;
  readonly #client: BedrockRuntimeClient;
  readonly #model: string;
  readonly #handlers: StreamHandlers;
  readonly #logger: Logger;
  readonly #abort = new AbortController();
  #ended = false;
  #sawCompletionEnd = false;
  #events = 0;
  #requestId: string | undefined;
  #started = false;
  #resolveDone!: () => void;
  /** Resolves when the stream has ended (never, if it was never started). */
  readonly done: Promise<void> = new Promise((resolve) => {
    this.#resolveDone = resolve;
  });

  constructor(client: BedrockRuntimeClient, model: string, queue: InputQueue, handlers: StreamHandlers, logger: Logger) {
    streamCounter += 1;
    this.id = `stream-${streamCounter}`;
    this.#client = client;
    this.#model = model;
    this.queue = queue;
    this.#handlers = handlers;
    this.#logger = logger.child({ stream: this.id });
  }

  /** Output events received. */
  get eventCount(): number {
    return this.#events;
  }

  /** Whether {@link start} was called. */
  get started(): boolean {
    return this.#started;
  }

  /** Whether the stream has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Sends the request. The start events must already be queued: `send()` resolves only after the first output
   * event (§2), so nothing here waits for it before the input flows.
   */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const input = this.#watchFirstPull(this.queue);
    void this.#run(input);
  }

  /** Ends the input after the queued audio with `events` (contentEnd, promptEnd, sessionEnd). */
  finish(events: Parameters<InputQueue['finish']>[0]): void {
    this.queue.finish(events);
  }

  /** Drops the stream at once (the HTTP/2 stream is reset). */
  abort(): void {
    this.queue.abort();
    this.#abort.abort();
  }

  async #run(input: AsyncIterable<{ chunk: { bytes: Uint8Array } }>): Promise<void> {
    try {
      const response = await this.#client.send(new InvokeModelWithBidirectionalStreamCommand({ modelId: this.#model, body: input }), {
        abortSignal: this.#abort.signal,
      });
      this.#requestId = response.$metadata.requestId;
      this.#logger.debug({ requestId: this.#requestId }, 'nova stream open');
      for await (const part of response.body ?? []) {
        if (this.#ended) break;
        const bytes = part.chunk?.bytes;
        if (bytes === undefined) {
          // Error members are thrown by the SDK (§2); should one ever arrive as a value, fail with it all the same.
          const [member] = Object.keys(part);
          if (member !== undefined && member !== '$unknown') throw Object.assign(new Error(String((part as unknown as Record<string, { message?: string }>)[member]?.message ?? member)), { name: member[0]?.toUpperCase() + member.slice(1) });
          continue;
        }
        const event = parseOutputEvent(bytes);
        if (event === undefined) {
          this.#handlers.onGarbage(bytes.length);
          continue;
        }
        if (event.name === 'unknown') {
          this.#logger.debug({ event: event.eventName }, 'ignored unknown nova output event');
          continue;
        }
        this.#events += 1;
        if (event.name === 'completionEnd') this.#sawCompletionEnd = true;
        this.#handlers.onEvent(event);
      }
      this.#end(
        this.queue.closed && !this.#abort.signal.aborted
          ? { kind: 'finished', byService: false }
          : this.#sawCompletionEnd
            ? { kind: 'finished', byService: true }
            : { kind: 'failed', error: droppedStreamError() },
      );
    } catch (error) {
      if (this.#abort.signal.aborted) this.#end({ kind: 'finished', byService: false });
      else this.#end({ kind: 'failed', error: toNovaError(error) });
    } finally {
      this.queue.abort();
    }
  }

  #end(outcome: StreamOutcome): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#resolveDone();
    if (outcome.kind === 'failed') this.#logger.info({ code: outcome.error.code, requestId: this.#requestId }, 'nova stream failed');
    this.#handlers.onEnd(outcome);
  }

  /** Wraps the queue to learn when the SDK pulls the first chunk (later pulls go straight to the queue). */
  #watchFirstPull(queue: InputQueue): AsyncIterable<{ chunk: { bytes: Uint8Array } }> {
    const handlers = this.#handlers;
    return {
      [Symbol.asyncIterator]() {
        const inner = queue[Symbol.asyncIterator]();
        let told = false;
        return {
          next: () => {
            if (told) return inner.next() as Promise<IteratorResult<{ chunk: { bytes: Uint8Array } }>>;
            return inner.next().then((result) => {
              told = true;
              handlers.onRequestSent();
              return result as IteratorResult<{ chunk: { bytes: Uint8Array } }>;
            });
          },
        };
      },
    };
  }
}
