/**
 * The browser transport's input processor: what the client sends becomes frames.
 *
 * @packageDocumentation
 */
import { FrameProcessor, makeFrame, type VoxframeError } from '@voxframe/core';
import { pcm16ViewOfBytes } from '../shared/pcm16-view';
import type { WebSocketTransport } from './transport';

/**
 * Pushes client audio downstream as `audio.input` (PCM16 mono at the rate announced in `hello`), typed text as
 * `text` frames, the page's interrupt button as an `interruption.request` upstream, and the end of the connection
 * as an `end` frame. Audio arriving before the pipeline started is dropped (and counted in the log).
 */
export class WebSocketInput extends FrameProcessor {
  readonly #transport: WebSocketTransport;
  #samplesIn = 0;
  #droppedBeforeStart = 0;
  #ended = false;
  #endPending: string | undefined;

  constructor(transport: WebSocketTransport) {
    super({ name: 'WebSocketInput' });
    this.#transport = transport;
  }

  /** Media time received so far, in ms (the position of the live edge of the input timeline). */
  get receivedMs(): number {
    const rate = this.#transport.info?.inputSampleRate;
    return rate === undefined ? 0 : (this.#samplesIn / rate) * 1000;
  }

  /** Waits for the client's hello so the first audio frame already knows its rate. */
  protected override async onStart(): Promise<void> {
    try {
      await this.#transport.ready;
    } catch {
      // The socket closed before hello: the end is pushed right after the start frame went out.
    }
    const pending = this.#endPending;
    // The base forwards the start frame once this promise settles; the end must follow it, not overtake it.
    if (pending !== undefined) setTimeout(() => this.acceptEnd(pending), 0);
  }

  /** @internal Called by the transport with one binary message. */
  acceptAudio(bytes: Uint8Array): void {
    const info = this.#transport.info;
    if (this.state !== 'running' || info === undefined) {
      this.#droppedBeforeStart += 1;
      if (this.#droppedBeforeStart === 1) this.logger.debug('audio before the pipeline started; dropped');
      return;
    }
    if (bytes.byteLength < 2) return;
    const samples = pcm16ViewOfBytes(bytes);
    const ptsMs = (this.#samplesIn / info.inputSampleRate) * 1000;
    this.#samplesIn += samples.length;
    this.push(makeFrame('audio.input', { samples, sampleRate: info.inputSampleRate, channels: 1 }, { ptsMs }));
  }

  /** @internal Typed text from the page. */
  acceptText(text: string): void {
    if (this.state === 'running') this.push(makeFrame('text', { text, role: 'user' }));
  }

  /** @internal The page asked to interrupt: ask the runner to interrupt the whole pipeline. */
  acceptInterruptRequest(): void {
    if (this.state === 'running') this.push(makeFrame('interruption.request', { reason: 'request' }), 'upstream');
  }

  /** @internal A protocol or socket error. */
  acceptError(error: VoxframeError, fatal: boolean): void {
    this.pushError(error, fatal);
  }

  /** @internal The client left: end the pipeline gracefully (once). */
  acceptEnd(reason: string): void {
    if (this.#ended) return;
    if (this.state === 'idle' || this.state === 'starting') {
      this.#endPending = reason;
      return;
    }
    if (this.state !== 'running') return;
    this.#ended = true;
    this.push(makeFrame('end', { reason }));
  }
}
