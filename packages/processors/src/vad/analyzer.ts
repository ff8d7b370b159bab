/**
 * The analyzer contract: the pure half of a VAD. Samples in, one speech score per window out. It knows nothing of
 * frames, timing or hysteresis; {@link VadController} turns its scores into speech segments.
 *
 * @packageDocumentation
 */

/** Sample rates a VAD analyzes at. Silero is trained at these two; other input rates are resampled to one of them. */
export type VadSampleRate = 8000 | 16000;

/**
 * A voice activity analyzer for one audio stream.
 *
 * It holds that stream's state (a recurrent model state, context samples, a noise floor), so each stream needs its
 * own analyzer; heavy shared resources (an ONNX session) live in the factory that creates it
 * ({@link VadAnalyzerFactory}).
 *
 * Contract:
 * - `analyze` is called with exactly `windowSamples` samples, in stream order, one call at a time (the caller waits
 *   for a returned Promise before the next call).
 * - The analyzer must not keep a reference to `window` after `analyze` returns (copy what it needs synchronously):
 *   callers hand in views over reused buffers.
 * - The score is in `[0, 1]`: the probability (or a probability-like confidence) that the window holds speech.
 */
export interface VadAnalyzer {
  /** Samples per window the analyzer takes (Silero: 512 at 16 kHz, 256 at 8 kHz, i.e. 32 ms). */
  readonly windowSamples: number;
  /** Sample rate the windows must have. */
  readonly sampleRate: VadSampleRate;
  /**
   * Scores one window. `Int16Array` samples are PCM16; `Float32Array` samples are in `[-1, 1]`.
   * May return the score at once or a Promise of it (model inference).
   */
  analyze(window: Int16Array | Float32Array): number | Promise<number>;
  /** Forgets the stream's state (start of a new, unrelated stream). */
  reset(): void;
}

/**
 * Creates analyzers, one per stream, sharing what can be shared (a loaded model).
 * A VAD processor calls {@link load} when the pipeline starts and {@link create} when it knows its analysis rate.
 */
export interface VadAnalyzerFactory {
  /** Short name for logs (`'silero'`, `'energy'`). */
  readonly name: string;
  /**
   * Loads shared resources (the model file). Rejects with a typed error ({@link VadModelError}) when they cannot be
   * loaded. Calling it again returns the same promise.
   */
  load(): Promise<void>;
  /** Creates the analyzer of one stream. Only called after {@link load} resolved. */
  create(sampleRate: VadSampleRate): VadAnalyzer;
}

/** Samples per 32 ms window at a VAD sample rate: the Silero window, also used by the energy analyzer. */
export function windowSamplesFor(sampleRate: VadSampleRate): number {
  return sampleRate === 16000 ? 512 : 256;
}

/** Whether a number is one of the rates a VAD analyzes at. */
export function isVadSampleRate(rate: number): rate is VadSampleRate {
  return rate === 8000 || rate === 16000;
}
