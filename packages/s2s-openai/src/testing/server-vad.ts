/**
 * The emulator's server VAD: energy based and deterministic (protocol note §14.5). Audio is judged in 10 ms frames
 * against an RMS threshold derived from the session's `threshold` (0.5 -> -35 dBFS); speech starts after 20 ms of
 * voiced frames (reported `prefix_padding_ms` earlier, as the service does) and stops after `silence_duration_ms`
 * of unvoiced frames (reported at the end of that silence, §8).
 *
 * @packageDocumentation
 */

/** What the VAD reports. */
export type VadEvent = { readonly type: 'start'; readonly audioStartMs: number } | { readonly type: 'stop'; readonly audioEndMs: number };

/** VAD settings (from the session's `turn_detection`). */
export interface EnergyVadOptions {
  readonly sampleRate: number;
  /** 0-1; higher needs louder audio. */
  readonly threshold: number;
  readonly prefixPaddingMs: number;
  readonly silenceDurationMs: number;
}

const FRAME_MS = 10;
const ACTIVATION_FRAMES = 2;

/** Streaming energy VAD over PCM16. */
export class EnergyVad {
  readonly #frameSamples: number;
  readonly #thresholdSquare: number;
  readonly #options: EnergyVadOptions;
  /** Partial frame carried between calls. */
  readonly #carry: Int16Array;
  #carryLength = 0;
  /** Position (ms since the session's first audio) of the next frame. */
  #positionMs = 0;
  #speaking = false;
  #voicedRun = 0;
  #silentMs = 0;

  constructor(options: EnergyVadOptions) {
    this.#options = options;
    this.#frameSamples = Math.round((options.sampleRate * FRAME_MS) / 1000);
    const dbfs = -60 + 50 * Math.min(1, Math.max(0, options.threshold));
    const rms = 32768 * 10 ** (dbfs / 20);
    this.#thresholdSquare = rms * rms;
    this.#carry = new Int16Array(this.#frameSamples);
  }

  /** Whether speech is in progress. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Feeds samples; returns the start/stop events they caused, in order. */
  process(samples: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const n = Math.min(this.#frameSamples - this.#carryLength, samples.length - offset);
      this.#carry.set(samples.subarray(offset, offset + n), this.#carryLength);
      this.#carryLength += n;
      offset += n;
      if (this.#carryLength === this.#frameSamples) {
        this.#frame(events);
        this.#carryLength = 0;
      }
    }
    return events;
  }

  #frame(events: VadEvent[]): void {
    let energy = 0;
    for (let i = 0; i < this.#frameSamples; i++) energy += this.#carry[i] * this.#carry[i];
    const voiced = energy / this.#frameSamples >= this.#thresholdSquare;
    this.#positionMs += FRAME_MS;
    if (!this.#speaking) {
      this.#voicedRun = voiced ? this.#voicedRun + 1 : 0;
      if (this.#voicedRun >= ACTIVATION_FRAMES) {
        this.#speaking = true;
        this.#silentMs = 0;
        const voicedStartMs = this.#positionMs - ACTIVATION_FRAMES * FRAME_MS;
        events.push({ type: 'start', audioStartMs: Math.max(0, voicedStartMs - this.#options.prefixPaddingMs) });
      }
      return;
    }
    this.#silentMs = voiced ? 0 : this.#silentMs + FRAME_MS;
    if (this.#silentMs >= this.#options.silenceDurationMs) {
      this.#speaking = false;
      this.#voicedRun = 0;
      events.push({ type: 'stop', audioEndMs: this.#positionMs });
    }
  }
}
