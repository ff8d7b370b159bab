/**
 * The input side of one stream: the async iterable the SDK pulls its `chunk`s from (protocol note §2). Two lanes:
 * control events (start events, text, tool results) go ahead of queued user audio; the end events go after it, so
 * no audio is cut off by `contentEnd`. Audio is held as base64 in a bounded ring until the SDK pulls it, and what
 * a dead stream never pulled can be taken over by the next stream (no sample lost).
 *
 * @packageDocumentation
 */
import type { InputEvent } from './protocol';

/** One chunk as the SDK's request body union wants it. */
export interface InputChunk {
  readonly chunk: { readonly bytes: Uint8Array };
}

/** User audio not yet pulled by the SDK. */
export interface QueuedAudio {
  readonly base64: string;
  readonly samples: number;
}

const encoder = new TextEncoder();

/** Encodes one input event as the bytes of a chunk. */
export function encodeInputEvent(event: InputEvent): Uint8Array {
  return encoder.encode(JSON.stringify({ event }));
}

/** Called when the audio ring was full and the oldest audio was dropped. */
export type AudioOverflowHandler = (droppedSamples: number) => void;

/** The queue of one stream. Iterate it once (the SDK does). */
export class InputQueue implements AsyncIterable<InputChunk> {
  readonly #control: Uint8Array[] = [];
  #controlHead = 0;
  readonly #audio: (QueuedAudio | undefined)[];
  #audioHead = 0;
  #audioCount = 0;
  #audioSamples = 0;
  readonly #maxSamples: number;
  readonly #onOverflow: AudioOverflowHandler;
  /** Prefix of an `audioInput` event for this stream's prompt and audio content names (built once). */
  readonly #audioPrefix: string;
  #finishEvents: InputEvent[] | undefined;
  #done = false;
  #wake: (() => void) | undefined;
  #pulledSamples = 0;

  /**
   * @param promptName - this stream's prompt name
   * @param audioContentName - this stream's audio content block name
   * @param maxSamples - audio held before the oldest is dropped
   */
  constructor(promptName: string, audioContentName: string, maxSamples: number, onOverflow: AudioOverflowHandler) {
    this.#maxSamples = maxSamples;
    this.#onOverflow = onOverflow;
    // Enough slots for the worst case of 10 ms chunks filling the sample budget.
    this.#audio = new Array<QueuedAudio | undefined>(Math.max(16, Math.ceil(maxSamples / 160)));
    this.#audioPrefix = `{"event":{"audioInput":{"promptName":${JSON.stringify(promptName)},"contentName":${JSON.stringify(audioContentName)},"content":"`;
  }

  /** User audio samples waiting for the SDK. */
  get queuedSamples(): number {
    return this.#audioSamples;
  }

  /** User audio samples the SDK pulled (handed to the HTTP/2 stream). */
  get pulledSamples(): number {
    return this.#pulledSamples;
  }

  /** Whether the queue no longer takes events. */
  get closed(): boolean {
    return this.#done || this.#finishEvents !== undefined;
  }

  /** Queues a control event ahead of any queued audio. */
  control(event: InputEvent): void {
    if (this.closed) return;
    this.#control.push(encodeInputEvent(event));
    this.#notify();
  }

  /** Queues user audio (base64 PCM16 LE at 16 kHz). */
  audio(chunk: QueuedAudio): void {
    if (this.closed) return;
    let dropped = 0;
    while (this.#audioCount > 0 && (this.#audioSamples + chunk.samples > this.#maxSamples || this.#audioCount === this.#audio.length)) {
      dropped += this.#shiftAudio()?.samples ?? 0;
    }
    this.#audio[(this.#audioHead + this.#audioCount) % this.#audio.length] = chunk;
    this.#audioCount += 1;
    this.#audioSamples += chunk.samples;
    if (dropped > 0) this.#onOverflow(dropped);
    this.#notify();
  }

  /** Ends the input: queued control events and audio first, then `events`, then the iterable completes. */
  finish(events: readonly InputEvent[]): void {
    if (this.closed) return;
    this.#finishEvents = [...events];
    this.#notify();
  }

  /** Ends the iterable at once (the stream is gone); queued audio stays for {@link takeAudio}. */
  abort(): void {
    this.#done = true;
    this.#notify();
  }

  /** Removes and returns the audio never pulled, oldest first (to move it to the next stream). */
  takeAudio(): QueuedAudio[] {
    const taken: QueuedAudio[] = [];
    for (let chunk = this.#shiftAudio(); chunk !== undefined; chunk = this.#shiftAudio()) taken.push(chunk);
    return taken;
  }

  [Symbol.asyncIterator](): AsyncIterator<InputChunk> {
    return { next: () => this.#next() };
  }

  async #next(): Promise<IteratorResult<InputChunk>> {
    for (;;) {
      if (this.#done) return { done: true, value: undefined };
      const bytes = this.#pull();
      if (bytes !== undefined) return { done: false, value: { chunk: { bytes } } };
      if (this.#done) return { done: true, value: undefined };
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #pull(): Uint8Array | undefined {
    if (this.#controlHead < this.#control.length) {
      const bytes = this.#control[this.#controlHead] as Uint8Array;
      this.#control[this.#controlHead] = EMPTY;
      this.#controlHead += 1;
      if (this.#controlHead === this.#control.length) {
        this.#control.length = 0;
        this.#controlHead = 0;
      }
      return bytes;
    }
    const audio = this.#shiftAudio();
    if (audio !== undefined) {
      this.#pulledSamples += audio.samples;
      return encoder.encode(`${this.#audioPrefix}${audio.base64}"}}}`);
    }
    const finish = this.#finishEvents;
    if (finish !== undefined) {
      const event = finish.shift();
      if (event !== undefined) return encodeInputEvent(event);
      this.#done = true;
    }
    return undefined;
  }

  #shiftAudio(): QueuedAudio | undefined {
    if (this.#audioCount === 0) return undefined;
    const chunk = this.#audio[this.#audioHead];
    this.#audio[this.#audioHead] = undefined;
    this.#audioHead = (this.#audioHead + 1) % this.#audio.length;
    this.#audioCount -= 1;
    if (chunk !== undefined) this.#audioSamples -= chunk.samples;
    return chunk;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

const EMPTY = new Uint8Array(0);
