/**
 * The user's audio on its way to the service: PCM16 at 16 kHz encoded into `realtimeInput.audio` messages, and
 * held in a bounded backlog while the session is between connections (a goAway rotation or a reconnect), then
 * sent in order, so no sample is lost to a switch.
 *
 * @packageDocumentation
 */
import type { Logger } from '@voxframe/core';
import { GEMINI_INPUT_SAMPLE_RATE } from './names';

const PREFIX = '{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":"';
const SUFFIX = '"}}}';

/** The JSON text of one audio message (built by hand: the hot path skips `JSON.stringify`). */
export function audioMessageJson(samples: Int16Array): string {
  return PREFIX + Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64') + SUFFIX;
}

/** Sends audio when online, holds it when not. */
export class InputAudio {
  readonly #send: (json: string) => boolean;
  readonly #logger: Logger;
  readonly #maxBacklogSamples: number;
  #online = false;
  #backlog: Int16Array[] = [];
  #backlogSamples = 0;
  #droppedWarned = false;
  /** Samples handed to the socket, for tests and metrics. */
  sentSamples = 0;
  /** Samples dropped because the backlog was full. */
  droppedSamples = 0;

  constructor(backlogMs: number, send: (json: string) => boolean, logger: Logger) {
    this.#send = send;
    this.#logger = logger;
    this.#maxBacklogSamples = Math.round((backlogMs * GEMINI_INPUT_SAMPLE_RATE) / 1000);
  }

  /** Whether audio goes straight to the socket. */
  get online(): boolean {
    return this.#online;
  }

  /** Samples waiting in the backlog. */
  get backlogSamples(): number {
    return this.#backlogSamples;
  }

  /** Takes user audio: sent at once, or copied into the backlog. */
  push(samples: Int16Array): void {
    if (samples.length === 0) return;
    if (this.#online && this.#send(audioMessageJson(samples))) {
      this.sentSamples += samples.length;
      return;
    }
    this.#hold(samples.slice());
  }

  /** Holds audio from now on (the connection is switching). */
  goOffline(): void {
    this.#online = false;
  }

  /** Sends the backlog in order, then audio goes straight through again. */
  goOnline(): void {
    const held = this.#backlog;
    this.#backlog = [];
    this.#backlogSamples = 0;
    this.#online = true;
    for (let i = 0; i < held.length; i++) {
      if (!this.#send(audioMessageJson(held[i]))) {
        // The new connection failed already: keep the rest for the next one.
        this.#online = false;
        for (let j = i; j < held.length; j++) this.#hold(held[j]);
        return;
      }
      this.sentSamples += held[i].length;
    }
  }

  /** Drops held audio (closing). */
  clear(): void {
    this.#backlog = [];
    this.#backlogSamples = 0;
  }

  #hold(samples: Int16Array): void {
    this.#backlog.push(samples);
    this.#backlogSamples += samples.length;
    let drop = 0;
    while (this.#backlogSamples > this.#maxBacklogSamples && drop < this.#backlog.length) {
      this.#backlogSamples -= this.#backlog[drop].length;
      this.droppedSamples += this.#backlog[drop].length;
      drop++;
    }
    if (drop > 0) {
      // One splice per overflow, not one shift per chunk.
      this.#backlog.splice(0, drop);
      if (!this.#droppedWarned) this.#logger.warn({ droppedSamples: this.droppedSamples }, 'input audio backlog full while reconnecting; dropping the oldest (logged once)');
      this.#droppedWarned = true;
    }
  }
}
