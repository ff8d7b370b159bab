/**
 * The emulator's scripted voice activity detection on the 16 kHz input: energy per 20 ms window, speech after
 * `minSpeechMs` of loud windows, end of turn after `silenceMs` of quiet ones (the endpointing sensitivity picks
 * `silenceMs`, scaled down for tests).
 *
 * @packageDocumentation
 */

/** What the detector reports. */
export type VadTransition = 'speech-started' | 'speech-stopped';

const WINDOW_SAMPLES = 320; // 20 ms at 16 kHz

/** Energy VAD over a stream of PCM16 chunks. */
export class EnergyVad {
  readonly #threshold: number;
  readonly #minSpeechWindows: number;
  readonly #silenceWindows: number;
  #window = 0;
  #energy = 0;
  #loud = 0;
  #quiet = 0;
  #speaking = false;
  #speechSamples = 0;

  constructor(options: { threshold: number; minSpeechMs: number; silenceMs: number }) {
    this.#threshold = options.threshold * options.threshold * WINDOW_SAMPLES;
    this.#minSpeechWindows = Math.max(1, Math.round(options.minSpeechMs / 20));
    this.#silenceWindows = Math.max(1, Math.round(options.silenceMs / 20));
  }

  /** Whether the user is speaking. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Samples of the current (or last) utterance. */
  get speechSamples(): number {
    return this.#speechSamples;
  }

  /** Feeds samples; calls `on` for each transition, in order. */
  push(samples: Int16Array, on: (transition: VadTransition) => void): void {
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i] as number;
      this.#energy += s * s;
      if (++this.#window < WINDOW_SAMPLES) continue;
      const loud = this.#energy > this.#threshold;
      this.#window = 0;
      this.#energy = 0;
      if (this.#speaking) this.#speechSamples += WINDOW_SAMPLES;
      if (loud) {
        this.#quiet = 0;
        if (!this.#speaking && ++this.#loud >= this.#minSpeechWindows) {
          this.#speaking = true;
          this.#speechSamples = this.#loud * WINDOW_SAMPLES;
          on('speech-started');
        }
      } else {
        this.#loud = 0;
        if (this.#speaking && ++this.#quiet >= this.#silenceWindows) {
          this.#speaking = false;
          this.#quiet = 0;
          on('speech-stopped');
        }
      }
    }
  }
}
