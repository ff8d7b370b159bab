/**
 * The last few hundred milliseconds of input audio, on a fixed ring, so a speech start can hand out the audio from
 * just before the detected onset (the pre-roll) without the caller buffering everything.
 *
 * @packageDocumentation
 */

/** Audio handed out with a speech start: mono PCM16 at the input rate, and where it sits in media time. */
export interface PreRollAudio {
  /** Mono PCM16 samples (a copy: keep it as long as you like). */
  readonly samples: Int16Array;
  readonly sampleRate: number;
  /** Media time of the first sample. */
  readonly startMs: number;
  /** Media time just after the last sample: input audio frames from here on continue it. */
  readonly endMs: number;
}

/** A ring holding the most recent `capacityMs` of mono PCM16 audio at one sample rate. */
export class PreRollBuffer {
  readonly sampleRate: number;
  readonly #ring: Int16Array;
  /** Samples written since construction (the stream position of the next sample). */
  #written = 0;
  readonly #originMs: number;

  /**
   * @param sampleRate - rate of the audio written
   * @param capacityMs - how much recent audio to keep
   * @param originMs - media time of the first sample that will be written
   */
  constructor(sampleRate: number, capacityMs: number, originMs: number) {
    this.sampleRate = sampleRate;
    this.#ring = new Int16Array(Math.max(1, Math.ceil((capacityMs * sampleRate) / 1000)));
    this.#originMs = originMs;
  }

  /** Media time just after the newest sample. */
  get endMs(): number {
    return this.#originMs + (this.#written * 1000) / this.sampleRate;
  }

  /** Appends `samples[0, length)`, overwriting the oldest. Allocation-free (it runs for every input frame). */
  write(samples: Int16Array, length = samples.length): void {
    const ring = this.#ring;
    const capacity = ring.length;
    const skipped = length > capacity ? length - capacity : 0;
    let at = (this.#written + skipped) % capacity;
    for (let i = skipped; i < length; i++) {
      ring[at] = samples[i];
      at = at + 1 === capacity ? 0 : at + 1;
    }
    this.#written += length;
  }

  /** Copies the kept audio from media time `fromMs` (or the oldest kept sample, if later) to the newest sample. */
  read(fromMs: number): PreRollAudio {
    const ring = this.#ring;
    const capacity = ring.length;
    const oldest = Math.max(0, this.#written - capacity);
    const wanted = Math.round(((fromMs - this.#originMs) * this.sampleRate) / 1000);
    const first = Math.min(this.#written, Math.max(oldest, wanted));
    const samples = new Int16Array(this.#written - first);
    const at = first % capacity;
    const head = Math.min(samples.length, capacity - at);
    samples.set(ring.subarray(at, at + head), 0);
    if (head < samples.length) samples.set(ring.subarray(0, samples.length - head), head);
    return { samples, sampleRate: this.sampleRate, startMs: this.#originMs + (first * 1000) / this.sampleRate, endMs: this.endMs };
  }
}
