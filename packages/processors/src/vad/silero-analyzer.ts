/**
 * The Silero analyzer: one stream's state (recurrent state, context samples) over a shared {@link SileroModel}.
 *
 * Windows of all streams at one rate are run together by the model's {@link SileroBatcher} (one `session.run` per
 * event-loop turn). A window costs one conversion into this stream's input row; its state is gathered into and
 * scattered from the batch tensors, all in preallocated buffers.
 *
 * @packageDocumentation
 */
import { windowSamplesFor, type VadAnalyzer, type VadAnalyzerFactory, type VadSampleRate } from './analyzer';
import { VadAnalyzerError } from './errors';
import { sileroBatcher, type BatchMember, type SileroBatcher } from './silero-batcher';
import { loadSileroModel, type SileroModel, type SileroModelVersion } from './silero-model';

const INT16_SCALE = 1 / 32768;

/**
 * Silero VAD on one stream. Created by {@link createSileroAnalyzer} or a {@link sileroAnalyzerFactory}.
 * Windows: 512 samples at 16 kHz, 256 at 8 kHz (32 ms).
 */
export class SileroAnalyzer implements VadAnalyzer, BatchMember {
  readonly windowSamples: number;
  readonly sampleRate: VadSampleRate;
  /** The shared model. */
  readonly model: SileroModel;
  /** `[context | window]`, handed to the batcher. */
  readonly row: Float32Array;

  readonly #batcher: SileroBatcher;
  readonly #contextSamples: number;
  /** This stream's state tensors (v4: `h`, `c`; v5: `state`), each `[layers, 1, size]`. */
  readonly #states: Float32Array[];
  #busy = false;
  #generation = 0;
  #runGeneration = 0;
  #resolve: ((probability: number) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  readonly #executor = (resolve: (probability: number) => void, reject: (error: unknown) => void): void => {
    this.#resolve = resolve;
    this.#reject = reject;
  };

  constructor(model: SileroModel, sampleRate: VadSampleRate) {
    this.model = model;
    this.sampleRate = sampleRate;
    this.windowSamples = windowSamplesFor(sampleRate);
    this.#batcher = sileroBatcher(model, sampleRate);
    this.#contextSamples = this.#batcher.contextSamples;
    this.row = new Float32Array(this.#batcher.inputWidth);
    const { stateTensors, stateLayers, stateSize } = this.#batcher;
    this.#states = Array.from({ length: stateTensors }, () => new Float32Array(stateLayers * stateSize));
  }

  analyze(window: Int16Array | Float32Array): Promise<number> {
    if (this.#busy) {
      return Promise.reject(new VadAnalyzerError('SileroAnalyzer.analyze called again before the previous window finished.'));
    }
    if (window.length !== this.windowSamples) {
      return Promise.reject(
        new VadAnalyzerError(`SileroAnalyzer needs ${this.windowSamples}-sample windows at ${this.sampleRate} Hz, got ${window.length}.`),
      );
    }
    const row = this.row;
    const offset = this.#contextSamples;
    if (window instanceof Int16Array) {
      for (let i = 0; i < window.length; i++) row[offset + i] = window[i] * INT16_SCALE;
    } else {
      for (let i = 0; i < window.length; i++) {
        const sample = window[i];
        // NaN/Infinity would poison the recurrent state for the rest of the stream: score them as silence.
        row[offset + i] = sample >= -1 && sample <= 1 ? sample : sample > 1 ? 1 : sample < -1 ? -1 : 0;
      }
    }
    this.#busy = true;
    this.#runGeneration = this.#generation;
    const result = new Promise<number>(this.#executor);
    this.#batcher.submit(this);
    return result;
  }

  reset(): void {
    this.#generation += 1;
    for (const state of this.#states) state.fill(0);
    this.row.fill(0);
  }

  /** @internal Batcher side: copies this stream's state into batch position `b`. */
  gatherState(states: readonly Float32Array[], b: number, batchSize: number): void {
    const { stateLayers, stateSize } = this.#batcher;
    for (let t = 0; t < states.length; t++) {
      const own = this.#states[t];
      const batch = states[t];
      for (let layer = 0; layer < stateLayers; layer++) {
        const from = layer * stateSize;
        const to = (layer * batchSize + b) * stateSize;
        for (let i = 0; i < stateSize; i++) batch[to + i] = own[from + i]; // a loop, not set(subarray()): no view objects
      }
    }
  }

  /** @internal Batcher side: takes the score and the new state. */
  complete(probability: number, states: readonly Float32Array[], b: number, batchSize: number): void {
    if (this.#runGeneration === this.#generation) {
      // Not reset meanwhile: keep the new state and this window's tail as the next context.
      const { stateLayers, stateSize } = this.#batcher;
      for (let t = 0; t < states.length; t++) {
        const own = this.#states[t];
        const batch = states[t];
        for (let layer = 0; layer < stateLayers; layer++) {
          const from = (layer * batchSize + b) * stateSize;
          const to = layer * stateSize;
          for (let i = 0; i < stateSize; i++) own[to + i] = batch[from + i];
        }
      }
      const context = this.#contextSamples;
      if (context > 0) this.row.copyWithin(0, this.row.length - context);
    }
    const resolve = this.#resolve;
    this.#settle();
    resolve?.(probability);
  }

  /** @internal Batcher side: the run failed. */
  fail(error: unknown): void {
    const reject = this.#reject;
    this.#settle();
    reject?.(new VadAnalyzerError(`Silero inference failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
  }

  #settle(): void {
    this.#busy = false;
    this.#resolve = undefined;
    this.#reject = undefined;
  }
}

/** Creates the analyzer of one stream over a loaded model. */
export function createSileroAnalyzer(model: SileroModel, sampleRate: VadSampleRate): SileroAnalyzer {
  return new SileroAnalyzer(model, sampleRate);
}

/** Options of {@link sileroAnalyzerFactory}. */
export interface SileroAnalyzerFactoryOptions {
  /**
   * A Silero `.onnx` file (v4, or v5/v6, detected from its inputs). Takes precedence over `modelVersion`.
   * @defaultValue the `modelVersion` file shipped in `@ricky0123/vad-web` (see `defaultSileroModelPath`)
   */
  readonly modelPath?: string;
  /**
   * A Silero release shipped in `@ricky0123/vad-web`: `'v4'`, `'v5'` or `'v6'`.
   * @defaultValue `'v5'` (`DEFAULT_SILERO_MODEL_VERSION`), unless `$VOXFRAME_SILERO_MODEL` names a file
   */
  readonly modelVersion?: SileroModelVersion;
  /** A model already loaded (by `loadSileroModel` or `SileroModel.fromSession`); `modelPath` is ignored then. */
  readonly model?: SileroModel | Promise<SileroModel>;
}

/**
 * A factory of Silero analyzers sharing one model. The model loads at the first `load()` (once per process and
 * path), so many VAD processors share one InferenceSession.
 */
export function sileroAnalyzerFactory(options: SileroAnalyzerFactoryOptions = {}): VadAnalyzerFactory & { readonly model: SileroModel | undefined } {
  let loading: Promise<void> | undefined;
  let model: SileroModel | undefined;
  return {
    name: 'silero',
    get model() {
      return model;
    },
    load(): Promise<void> {
      loading ??= Promise.resolve(options.model ?? loadSileroModel({
          ...(options.modelPath !== undefined ? { path: options.modelPath } : {}),
          ...(options.modelVersion !== undefined ? { version: options.modelVersion } : {}),
        })).then(
        (loaded) => {
          model = loaded;
        },
      );
      return loading;
    },
    create(sampleRate: VadSampleRate): VadAnalyzer {
      if (model === undefined) throw new VadAnalyzerError('sileroAnalyzerFactory.create called before load() resolved.');
      return new SileroAnalyzer(model, sampleRate);
    },
  };
}
