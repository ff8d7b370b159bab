/**
 * The emulator's stand-in for the service's activity detection: an energy threshold over 20 ms frames with a
 * start delay (`prefixPaddingMs` in the service's sense: speech needed before start-of-speech commits) and a
 * silence duration that ends the turn.
 *
 * @packageDocumentation
 */

/** Energy VAD settings. */
export interface EnergyVadOptions {
  /** RMS over which a frame is speech. @defaultValue `400` */
  readonly threshold?: number;
  /** Speech needed to start. @defaultValue `60` */
  readonly startMs?: number;
  /** Silence that ends the turn. @defaultValue `500` */
  readonly silenceMs?: number;
}

/** What a frame changed. */
export type VadTransition = 'started' | 'stopped' | undefined;

/** A streaming energy VAD at any sample rate. */
export class EnergyVad {
  readonly #threshold: number;
  readonly #startMs: number;
  readonly #silenceMs: number;
  #speaking = false;
  #speechRunMs = 0;
  #silenceRunMs = 0;

  constructor(options: EnergyVadOptions = {}) {
    this.#threshold = options.threshold ?? 400;
    this.#startMs = options.startMs ?? 60;
    this.#silenceMs = options.silenceMs ?? 500;
  }

  /** Whether the user is speaking. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Feeds audio; returns the transitions it caused, in order. */
  push(samples: Int16Array, sampleRate: number): VadTransition[] {
    const frame = Math.max(1, Math.round(sampleRate / 50));
    const out: VadTransition[] = [];
    for (let at = 0; at < samples.length; at += frame) {
      const end = Math.min(samples.length, at + frame);
      let sum = 0;
      for (let i = at; i < end; i++) sum += samples[i] * samples[i];
      const ms = ((end - at) * 1000) / sampleRate;
      const loud = Math.sqrt(sum / (end - at)) > this.#threshold;
      if (loud) {
        this.#silenceRunMs = 0;
        this.#speechRunMs += ms;
        if (!this.#speaking && this.#speechRunMs >= this.#startMs) {
          this.#speaking = true;
          out.push('started');
        }
      } else {
        this.#speechRunMs = 0;
        this.#silenceRunMs += ms;
        if (this.#speaking && this.#silenceRunMs >= this.#silenceMs) {
          this.#speaking = false;
          out.push('stopped');
        }
      }
    }
    return out;
  }

  /** Ends the current speech (audioStreamEnd). Returns whether it was speaking. */
  flush(): boolean {
    const was = this.#speaking;
    this.#speaking = false;
    this.#speechRunMs = 0;
    this.#silenceRunMs = 0;
    return was;
  }
}
