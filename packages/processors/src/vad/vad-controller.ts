/**
 * The VAD controller: hysteresis and timing over per-window speech scores, in media time.
 *
 * Pure and synchronous: scores and window times in, speech-start/speech-end events out. No clock, no frames, no
 * model: it is tested alone, in virtual time (see `vadEvents` in `vad-operator.ts`).
 *
 * ```
 *            p >= threshold                held >= minSpeechMs
 *   quiet ------------------> starting ----------------------> speaking  (emits speech-start)
 *     ^                          |  p < negativeThreshold        |   ^
 *     |<-------------------------+            p < negativeThreshold  |   | p >= threshold
 *     |                                                          v   |
 *     +------------------------------------------------------ stopping
 *        silence held >= minSilenceMs (emits speech-end)
 * ```
 *
 * @packageDocumentation
 */
import { VadOptionsError } from './errors';

/** Where the controller is. `starting` and `stopping` are candidates not yet confirmed by their minimum duration. */
export type VadState = 'quiet' | 'starting' | 'speaking' | 'stopping';

/** Hysteresis and timing knobs. All times are media time in milliseconds. */
export interface VadControllerOptions {
  /**
   * Score at or above which a window counts as speech (starts a candidate, or cancels a candidate stop).
   * @defaultValue 0.5
   */
  readonly threshold?: number;
  /**
   * Score below which a window counts as silence once speech began. The gap to `threshold` is the hysteresis: a
   * score hovering around one value does not flap.
   * @defaultValue `max(threshold - 0.15, 0.01)`
   */
  readonly negativeThreshold?: number;
  /**
   * How long speech must hold (from its first window to the end of the confirming one) before speech-start. Two
   * 32 ms windows: a single loud window (a click, a cough's burst) is not a turn, and barge-in stays fast.
   * @defaultValue 64
   */
  readonly minSpeechMs?: number;
  /**
   * How long silence must hold before speech-end. Bridges the pauses between words and phrases (mostly under
   * 300 ms) while keeping the end of a turn prompt.
   * @defaultValue 500
   */
  readonly minSilenceMs?: number;
  /**
   * Audio kept before the detected start, so the first syllable is not lost: speech-start reports
   * `preRollStartMs = startMs - prefixPaddingMs` (not before the stream's first window), and the VAD processor keeps
   * that much input audio for {@link VadSpeechStart} consumers.
   * @defaultValue 300
   */
  readonly prefixPaddingMs?: number;
}

/** Gap between `threshold` and the default `negativeThreshold`. */
export const NEGATIVE_THRESHOLD_GAP = 0.15;

/** Defaults of {@link VadControllerOptions} (`negativeThreshold` follows `threshold`, see its doc). */
export const vadControllerDefaults = {
  threshold: 0.5,
  minSpeechMs: 64,
  minSilenceMs: 500,
  prefixPaddingMs: 300,
} as const satisfies Omit<Required<VadControllerOptions>, 'negativeThreshold'>;

/** {@link VadControllerOptions} with every default filled in. */
export type ResolvedVadControllerOptions = Required<VadControllerOptions>;

/** The user started speaking. */
export interface VadSpeechStart {
  readonly type: 'speech-start';
  /** Media time of the first window of the speech. */
  readonly startMs: number;
  /** Where kept audio should begin: `startMs - prefixPaddingMs`, not before the stream's first window. */
  readonly preRollStartMs: number;
  /** Media time when the start was confirmed (end of the confirming window). */
  readonly atMs: number;
}

/** The user stopped speaking. */
export interface VadSpeechEnd {
  readonly type: 'speech-end';
  /** Media time the speech began (as reported by its speech-start). */
  readonly startMs: number;
  /** Media time of the first silent window after the speech. */
  readonly endMs: number;
  /** Media time when the end was confirmed (after `minSilenceMs` of silence, or at flush). */
  readonly atMs: number;
}

/** What the controller reports. */
export type VadEvent = VadSpeechStart | VadSpeechEnd;

/**
 * Checks options and fills in defaults.
 * @throws {@link VadOptionsError} on out-of-range or contradictory values.
 */
export function resolveVadControllerOptions(options: VadControllerOptions = {}): ResolvedVadControllerOptions {
  const threshold = options.threshold ?? vadControllerDefaults.threshold;
  if (!(threshold > 0 && threshold <= 1)) throw new VadOptionsError(`VAD threshold must be in (0, 1], got ${threshold}.`);
  const negativeThreshold = options.negativeThreshold ?? Math.max(threshold - NEGATIVE_THRESHOLD_GAP, 0.01);
  if (!(negativeThreshold > 0 && negativeThreshold <= threshold)) {
    throw new VadOptionsError(`VAD negativeThreshold must be in (0, threshold=${threshold}], got ${negativeThreshold}.`);
  }
  const durations = {
    minSpeechMs: options.minSpeechMs ?? vadControllerDefaults.minSpeechMs,
    minSilenceMs: options.minSilenceMs ?? vadControllerDefaults.minSilenceMs,
    prefixPaddingMs: options.prefixPaddingMs ?? vadControllerDefaults.prefixPaddingMs,
  };
  for (const [name, value] of Object.entries(durations)) {
    if (!(value >= 0 && Number.isFinite(value))) throw new VadOptionsError(`VAD ${name} must be a finite number >= 0, got ${value}.`);
  }
  return { threshold, negativeThreshold, ...durations };
}

/**
 * The hysteresis and timing state machine of one stream. Feed it one score per analysis window, in order.
 *
 * @example
 * ```ts
 * const controller = new VadController({ minSilenceMs: 300 });
 * const event = controller.update(probability, windowStartMs, 32);
 * if (event?.type === 'speech-start') console.log('user speaks since', event.startMs);
 * ```
 */
export class VadController {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedVadControllerOptions;
  #state: VadState = 'quiet';
  /** First window of the candidate or current speech. */
  #speechStartMs = 0;
  /** First silent window of the candidate stop. */
  #silenceStartMs = 0;
  /** First window the controller ever saw (pre-roll cannot reach before it). */
  #streamStartMs: number | undefined;

  constructor(options: VadControllerOptions = {}) {
    this.options = resolveVadControllerOptions(options);
  }

  /** The current state. */
  get state(): VadState {
    return this.#state;
  }

  /** Whether the user is speaking, as announced (`speaking` or `stopping`). */
  get speaking(): boolean {
    return this.#state === 'speaking' || this.#state === 'stopping';
  }

  /**
   * Feeds one window's score. Returns the event this window confirmed, if any.
   *
   * @param probability - speech score in `[0, 1]`; anything else (NaN) counts as silence
   * @param windowStartMs - media time of the window's first sample
   * @param windowMs - window duration
   */
  update(probability: number, windowStartMs: number, windowMs: number): VadEvent | undefined {
    this.#streamStartMs ??= windowStartMs;
    const { threshold, negativeThreshold, minSpeechMs, minSilenceMs } = this.options;
    const p = probability >= 0 ? probability : 0; // NaN fails every comparison: silence
    const windowEndMs = windowStartMs + windowMs;
    switch (this.#state) {
      case 'quiet':
        if (p < threshold) return undefined;
        this.#state = 'starting';
        this.#speechStartMs = windowStartMs;
        return this.#confirmStart(windowEndMs, minSpeechMs);
      case 'starting':
        if (p < negativeThreshold) {
          this.#state = 'quiet';
          return undefined;
        }
        return this.#confirmStart(windowEndMs, minSpeechMs);
      case 'speaking':
        if (p >= negativeThreshold) return undefined;
        this.#state = 'stopping';
        this.#silenceStartMs = windowStartMs;
        return this.#confirmEnd(windowEndMs, minSilenceMs);
      case 'stopping':
        // Like Silero's reference: only a clearly voiced window (>= threshold) cancels a stop; scores between the
        // two thresholds keep the silence running, so trailing breath does not hold a turn open.
        if (p >= threshold) {
          this.#state = 'speaking';
          return undefined;
        }
        return this.#confirmEnd(windowEndMs, minSilenceMs);
    }
  }

  /**
   * Ends the stream: if speech is announced, returns its speech-end (at the candidate stop, or `atMs`), and goes
   * quiet. A candidate start that was never confirmed is dropped.
   */
  flush(atMs: number): VadSpeechEnd | undefined {
    const wasSpeaking = this.speaking;
    const endMs = this.#state === 'stopping' ? this.#silenceStartMs : atMs;
    this.#state = 'quiet';
    if (!wasSpeaking) return undefined;
    return { type: 'speech-end', startMs: this.#speechStartMs, endMs, atMs };
  }

  /** Forgets everything (a new, unrelated stream). Emits nothing. */
  reset(): void {
    this.#state = 'quiet';
    this.#streamStartMs = undefined;
  }

  #confirmStart(windowEndMs: number, minSpeechMs: number): VadSpeechStart | undefined {
    if (windowEndMs - this.#speechStartMs < minSpeechMs) return undefined;
    this.#state = 'speaking';
    const preRollStartMs = Math.max(this.#streamStartMs ?? this.#speechStartMs, this.#speechStartMs - this.options.prefixPaddingMs);
    return { type: 'speech-start', startMs: this.#speechStartMs, preRollStartMs, atMs: windowEndMs };
  }

  #confirmEnd(windowEndMs: number, minSilenceMs: number): VadSpeechEnd | undefined {
    if (windowEndMs - this.#silenceStartMs < minSilenceMs) return undefined;
    this.#state = 'quiet';
    return { type: 'speech-end', startMs: this.#speechStartMs, endMs: this.#silenceStartMs, atMs: windowEndMs };
  }
}
