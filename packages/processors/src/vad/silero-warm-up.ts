/**
 * Warming the Silero model at startup, so a process's first call does not pay for it.
 *
 * Loading a model (onnxruntime session creation) takes a few hundred ms, and the first inference at each rate and
 * batch size is slower than the rest. A `sileroVad()` that loads the model when its pipeline starts holds the call's
 * audio meanwhile; on a live call that arrives as a burst the VAD must absorb (the `vad_backlog` drops of a first
 * call). {@link warmUpSileroVad} does all of it before the server accepts calls; {@link sileroVadReady} is the promise
 * a readiness check waits for.
 *
 * @packageDocumentation
 */
import { resolve as resolvePath } from 'node:path';
import type { VadSampleRate } from './analyzer';
import { SileroAnalyzer } from './silero-analyzer';
import { defaultSileroModelPath, loadSileroModel, sileroModelPath, type SileroModel, type SileroModelVersion } from './silero-model';

/** Options of {@link warmUpSileroVad}. */
export interface WarmUpSileroVadOptions {
  /** The model file to warm, as `sileroVad({ modelPath })` takes it. @defaultValue the default model (`modelVersion`) */
  readonly modelPath?: string;
  /** The Silero release to warm, as `sileroVad({ modelVersion })` takes it. @defaultValue `'v5'` */
  readonly modelVersion?: SileroModelVersion;
  /**
   * Rates to run inferences at (each has its own first-run cost).
   * @defaultValue `[16000, 8000]`
   */
  readonly sampleRates?: readonly VadSampleRate[];
  /**
   * Batch sizes to run (windows of several streams completing in one event-loop turn run as one batch).
   * @defaultValue `[1, 4, 16]`
   */
  readonly batchSizes?: readonly number[];
}

/** Defaults of {@link WarmUpSileroVadOptions}. */
export const warmUpSileroVadDefaults = {
  sampleRates: [16000, 8000],
  batchSizes: [1, 4, 16],
} as const satisfies Pick<Required<WarmUpSileroVadOptions>, 'sampleRates' | 'batchSizes'>;

/** Warm-ups started, by model path. */
const warmUps = new Map<string, Promise<SileroModel>>();
/** Paths whose warm-up finished. */
const warm = new Set<string>();

function modelPathOf(options: WarmUpSileroVadOptions): string {
  return resolvePath(options.modelPath ?? (options.modelVersion !== undefined ? sileroModelPath(options.modelVersion) : defaultSileroModelPath()));
}

/**
 * Loads a Silero model and runs one inference per rate and batch size on silence, so `sileroVad()` processors created
 * afterwards (with the same `modelPath` / `modelVersion`) share a loaded, warm session. Call it at startup and await
 * it before accepting calls. Idempotent: later calls for the same model return the same promise; a failed warm-up
 * is forgotten so a later call retries.
 *
 * @example
 * ```ts
 * await warmUpSileroVad(); // before server.listen()
 * ```
 * @throws {@link VadModelError} via the promise when the model cannot be loaded.
 */
export function warmUpSileroVad(options: WarmUpSileroVadOptions = {}): Promise<SileroModel> {
  let path: string;
  try {
    path = modelPathOf(options);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  const started = warmUps.get(path);
  if (started !== undefined) return started;
  const sampleRates = options.sampleRates ?? warmUpSileroVadDefaults.sampleRates;
  const batchSizes = options.batchSizes ?? warmUpSileroVadDefaults.batchSizes;
  const warming = loadSileroModel({ path }).then(async (model) => {
    for (const rate of sampleRates) {
      for (const size of batchSizes) {
        // Windows submitted in one turn run as one batch; fresh analyzers keep the streams' states untouched.
        const analyzers = Array.from({ length: size }, () => new SileroAnalyzer(model, rate));
        await Promise.all(analyzers.map((analyzer) => analyzer.analyze(new Float32Array(analyzer.windowSamples))));
      }
    }
    warm.add(path);
    return model;
  });
  warmUps.set(path, warming);
  warming.catch(() => warmUps.delete(path));
  return warming;
}

/**
 * The readiness promise: resolves when the model is loaded and warm (starting the warm-up if nobody did). A serving
 * layer's readiness check waits for it, or polls {@link isSileroVadWarm}.
 */
export function sileroVadReady(options: WarmUpSileroVadOptions = {}): Promise<SileroModel> {
  return warmUpSileroVad(options);
}

/** Whether {@link warmUpSileroVad} finished for the model (for a synchronous readiness endpoint). */
export function isSileroVadWarm(options: WarmUpSileroVadOptions = {}): boolean {
  try {
    return warm.has(modelPathOf(options));
  } catch {
    return false;
  }
}
