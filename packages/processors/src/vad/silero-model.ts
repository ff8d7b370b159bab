/**
 * Loading the Silero VAD model on onnxruntime-node: one single-threaded InferenceSession per model file, shared by
 * every stream of the process, with the model's input signature (v4 or v5/v6) detected from its input names.
 *
 * onnxruntime-node is loaded lazily (at the first {@link loadSileroModel}), so importing `@voxframe/processors`
 * never loads a native module: users of the energy VAD do not need it to install.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { VadModelError } from './errors';

type OrtModule = typeof import('onnxruntime-node');

/**
 * The model's input signature.
 * - `v4`: inputs `input`, `sr`, `h`, `c`; outputs `output`, `hn`, `cn`; no context samples.
 * - `v5`: inputs `input`, `state`, `sr`; outputs `output`, `stateN`; each window is prefixed with the last 64
 *   (16 kHz) or 32 (8 kHz) samples of the previous one. Silero v6 has the same signature.
 */
export type SileroSignature = 'v4' | 'v5';

/** Environment variable that overrides the default model path (for bundled apps where package lookup fails). */
export const SILERO_MODEL_ENV = 'VOXFRAME_SILERO_MODEL';

/**
 * A Silero VAD release shipped as a plain `.onnx` file in `@ricky0123/vad-web` (a dependency: nothing is
 * downloaded). `v4` is that package's `silero_vad_legacy.onnx` (the v4 model), `v5` and `v6` its
 * `silero_vad_v5.onnx` and `silero_vad_v6.onnx`.
 */
export type SileroModelVersion = 'v4' | 'v5' | 'v6';

/**
 * The model used when none is named: Silero v5, chosen by `pnpm bench vad-barge-in` (speech onset to interruption
 * and false barge-ins on clicks, coughs and room noise, v4/v5/v6 side by side; see docs/benchmarks.md).
 */
export const DEFAULT_SILERO_MODEL_VERSION: SileroModelVersion = 'v5';

/** The package the model files ship in. */
const MODEL_PACKAGE = '@ricky0123/vad-web';
const MODEL_FILES: Readonly<Record<SileroModelVersion, string>> = {
  v4: 'silero_vad_legacy.onnx',
  v5: 'silero_vad_v5.onnx',
  v6: 'silero_vad_v6.onnx',
};

/**
 * Session options for every VAD session. Single-threaded on purpose: onnxruntime's default thread pools double the
 * CPU spent per 32 ms window (measured by `pnpm bench vad`), and a server runs many streams, one window at a time each.
 */
const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

/** A `require` usable from both the CJS and the ESM build, resolving relative to this package. */
function packageRequire(): NodeRequire {
  // CJS builds (and jest) have __filename; the ESM build has import.meta.url. Either way resolution starts here,
  // inside @voxframe/processors, so pnpm's strict layout finds our own dependencies.
  const base = typeof __filename === 'string' ? __filename : import.meta.url;
  return createRequire(base);
}

/**
 * The path of a Silero release's `.onnx` file inside the installed `@ricky0123/vad-web` package.
 *
 * @throws {@link VadModelError} (`vad_model_missing`) when the package cannot be found, or the version is unknown.
 */
export function sileroModelPath(version: SileroModelVersion): string {
  const file = Object.prototype.hasOwnProperty.call(MODEL_FILES, version) ? MODEL_FILES[version] : undefined;
  if (file === undefined) {
    throw new VadModelError('vad_model_missing', '', `Unknown Silero model version ${String(version)}: use 'v4', 'v5' or 'v6', or pass modelPath.`);
  }
  let manifest: string;
  try {
    manifest = packageRequire().resolve(`${MODEL_PACKAGE}/package.json`);
  } catch (error) {
    throw new VadModelError(
      'vad_model_missing',
      '',
      `Cannot find the Silero VAD model ${version}: the package ${MODEL_PACKAGE}, which ships it, is not installed. ` +
        `Install it (npm i ${MODEL_PACKAGE}), or pass modelPath to sileroVad({ modelPath }), or set ` +
        `${SILERO_MODEL_ENV} to a Silero .onnx file (v4, v5 or v6).`,
      { cause: error },
    );
  }
  return join(dirname(manifest), 'dist', file);
}

/**
 * The path of the default Silero model: `$VOXFRAME_SILERO_MODEL` when set, else the
 * {@link DEFAULT_SILERO_MODEL_VERSION} file inside `@ricky0123/vad-web` (see {@link sileroModelPath}).
 *
 * @throws {@link VadModelError} (`vad_model_missing`) when the package cannot be found.
 */
export function defaultSileroModelPath(): string {
  const fromEnv = process.env[SILERO_MODEL_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return resolvePath(fromEnv);
  return sileroModelPath(DEFAULT_SILERO_MODEL_VERSION);
}

let ortModule: OrtModule | undefined;

/** Loads onnxruntime-node once, turning a broken install into a typed error. */
function loadOrt(path: string): OrtModule {
  if (ortModule !== undefined) return ortModule;
  try {
    ortModule = packageRequire()('onnxruntime-node') as OrtModule;
  } catch (error) {
    throw new VadModelError(
      'vad_runtime_missing',
      path,
      `Cannot load onnxruntime-node for the Silero VAD (${error instanceof Error ? error.message : String(error)}). ` +
        'Install onnxruntime-node for this platform (npm i onnxruntime-node), or use energyVad(), which needs no native module.',
      { cause: error },
    );
  }
  return ortModule;
}

/** Sizes of the model's recurrent state and context, derived from its signature and input metadata. */
interface StateLayout {
  /** Floats in each state tensor (v4: `h` and `c` each; v5: `state`). */
  readonly stateSize: number;
  /** Dims of each state tensor with batch 1. */
  readonly stateDims: readonly number[];
}

/**
 * A loaded Silero VAD model: one InferenceSession, shared by every stream. Create per-stream analyzers with
 * `createSileroAnalyzer(model, sampleRate)` (see `silero-analyzer.ts`) or let `sileroVad()` do it.
 */
export class SileroModel {
  /** Path the model was loaded from (`'(session)'` for a session handed in by the caller). */
  readonly path: string;
  /** The detected input signature. */
  readonly signature: SileroSignature;
  /** The shared session. Runs on the main thread, one window at a time per stream. */
  readonly session: InferenceSession;
  /** The onnxruntime module the session belongs to (its Tensor class builds the inputs). */
  readonly ort: OrtModule;
  /** State tensor layout. */
  readonly state: StateLayout;

  private constructor(path: string, session: InferenceSession, ort: OrtModule) {
    this.path = path;
    this.session = session;
    this.ort = ort;
    this.signature = detectSignature(session, path);
    this.state = stateLayout(session, this.signature);
  }

  /**
   * Wraps a session the caller created (with its own options). Its signature is checked like a loaded file's.
   * @throws {@link VadModelError} (`vad_model_invalid`) when the session is not a Silero VAD model.
   */
  static fromSession(session: InferenceSession, path = '(session)'): SileroModel {
    return new SileroModel(path, session, loadOrt(path));
  }

  /** Loads a model file into a new single-threaded session. Prefer {@link loadSileroModel}, which shares it. */
  static async load(path: string): Promise<SileroModel> {
    if (!existsSync(path)) {
      throw new VadModelError(
        'vad_model_missing',
        path,
        `Silero VAD model file not found at ${path}. Pass modelPath to sileroVad({ modelPath }) with an existing ` +
          `Silero .onnx file (v4, v5 or v6), set ${SILERO_MODEL_ENV}, or reinstall ${MODEL_PACKAGE}, which ships them.`,
      );
    }
    const ort = loadOrt(path);
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(path, SESSION_OPTIONS);
    } catch (error) {
      throw new VadModelError(
        'vad_model_invalid',
        path,
        `The file at ${path} is not a loadable ONNX model (${error instanceof Error ? error.message : String(error)}). ` +
          `Replace it with a Silero VAD .onnx file (v4, v5 or v6) or reinstall ${MODEL_PACKAGE}.`,
        { cause: error },
      );
    }
    return new SileroModel(path, session, ort);
  }

  /** Creates an int64 scalar tensor holding a sample rate (the `sr` input). */
  sampleRateTensor(sampleRate: number): Tensor {
    return new this.ort.Tensor('int64', BigInt64Array.of(BigInt(sampleRate)), []);
  }

  /** Creates a float32 tensor over `data`. */
  floatTensor(data: Float32Array, dims: readonly number[]): Tensor {
    return new this.ort.Tensor('float32', data, dims);
  }

  /** Releases the session. Only for models nobody shares any more; {@link loadSileroModel}'s cache forgets it. */
  async dispose(): Promise<void> {
    if (loadedModels.get(this.path) === this) {
      loadedModels.delete(this.path);
      modelCache.delete(this.path);
    }
    await this.session.release();
  }
}

function detectSignature(session: InferenceSession, path: string): SileroSignature {
  const inputs = new Set(session.inputNames);
  const outputs = new Set(session.outputNames);
  const has = (set: Set<string>, names: readonly string[]): boolean => names.every((name) => set.has(name));
  if (has(inputs, ['input', 'sr', 'h', 'c']) && has(outputs, ['output', 'hn', 'cn'])) return 'v4';
  if (has(inputs, ['input', 'sr', 'state']) && has(outputs, ['output', 'stateN'])) return 'v5';
  throw new VadModelError(
    'vad_model_invalid',
    path,
    `The model at ${path} does not look like Silero VAD: inputs [${session.inputNames.join(', ')}], outputs ` +
      `[${session.outputNames.join(', ')}]. Expected v4 (input, sr, h, c -> output, hn, cn) or v5/v6 ` +
      '(input, state, sr -> output, stateN).',
  );
}

function stateLayout(session: InferenceSession, signature: SileroSignature): StateLayout {
  const name = signature === 'v4' ? 'h' : 'state';
  const fallback = signature === 'v4' ? [2, 1, 64] : [2, 1, 128];
  const metadata = session.inputMetadata.find((m) => m.name === name);
  let dims = fallback;
  if (metadata !== undefined && metadata.isTensor) {
    // Symbolic dims (the batch) become 1: one stream per state.
    dims = metadata.shape.map((dim) => (typeof dim === 'number' && dim > 0 ? dim : 1));
  }
  return { stateDims: dims, stateSize: dims.reduce((a, b) => a * b, 1) };
}

/** Models loading or loaded, by absolute path: one session per file per process. */
const modelCache = new Map<string, Promise<SileroModel>>();
/** The loaded ones, so {@link SileroModel.dispose} can tell whether the cache holds it. */
const loadedModels = new Map<string, SileroModel>();

/** Options of {@link loadSileroModel}. */
export interface LoadSileroModelOptions {
  /**
   * Path of a Silero VAD `.onnx` file (v4, v5 or v6). Takes precedence over `version`.
   * @defaultValue {@link defaultSileroModelPath}: `$VOXFRAME_SILERO_MODEL`, else the v5 model in `@ricky0123/vad-web`
   */
  readonly path?: string;
  /**
   * A Silero release shipped in `@ricky0123/vad-web`, used when `path` is not given.
   * @defaultValue {@link DEFAULT_SILERO_MODEL_VERSION} (`'v5'`), unless `$VOXFRAME_SILERO_MODEL` names a file
   */
  readonly version?: SileroModelVersion;
}

/**
 * Loads a Silero model once per process and path; later calls share the same session.
 * A failed load is not cached, so fixing the file and calling again works.
 *
 * @throws {@link VadModelError} via the returned promise when the file is missing or not a Silero model.
 */
export function loadSileroModel(options: LoadSileroModelOptions = {}): Promise<SileroModel> {
  let path: string;
  try {
    path = resolvePath(options.path ?? (options.version !== undefined ? sileroModelPath(options.version) : defaultSileroModelPath()));
  } catch (error) {
    return Promise.reject(error as Error);
  }
  const cached = modelCache.get(path);
  if (cached !== undefined) return cached;
  const loading = SileroModel.load(path);
  modelCache.set(path, loading);
  loading.then(
    (model) => loadedModels.set(path, model),
    () => modelCache.delete(path),
  );
  return loading;
}
