/**
 * The browser transport's input processor: what the client sends becomes frames.
 *
 * @packageDocumentation
 */
import { makeFrame } from '@voxframe/core';
import { ConnectionInput } from '../shared/connection-input';
import { pcm16ViewOfBytes } from '../shared/pcm16-view';
import type { WebSocketTransport } from './transport';

/**
 * Pushes client audio downstream as `audio.input` (PCM16 mono at the rate announced in `hello`), typed text as
 * `text` frames, the page's interrupt button as an `interruption.request` upstream, and the end of the connection
 * as an `end` frame. Audio arriving before the pipeline started is dropped (and counted in the log).
 */
export class WebSocketInput extends ConnectionInput {
  readonly #transport: WebSocketTransport;
  #samplesIn = 0;
  #droppedBeforeStart = 0;

  constructor(transport: WebSocketTransport) {
    super({ name: 'WebSocketInput' });
    this.#transport = transport;
  }

  /** Media time received so far, in ms (the position of the live edge of the input timeline). */
  get receivedMs(): number {
    const rate = this.#transport.info?.inputSampleRate;
    return rate === undefined ? 0 : (this.#samplesIn / rate) * 1000;
  }

  /** The client's `hello` message: its rates. */
  protected override peerReady(): Promise<unknown> {
    return this.#transport.ready;
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

  /** @internal The page asked for another mode or provider: a `service.switch` frame for a switcher downstream. */
  acceptSwitch(target: string): void {
    if (this.state === 'running') this.push(makeFrame('service.switch', { target, reason: 'client' }));
  }

  /** @internal The page asked to interrupt: ask the runner to interrupt the whole pipeline. */
  acceptInterruptRequest(): void {
    if (this.state === 'running') this.push(makeFrame('interruption.request', { reason: 'request' }), 'upstream');
  }
}
