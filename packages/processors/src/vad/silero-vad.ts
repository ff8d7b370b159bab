/**
 * `sileroVad()`: the VAD processor on Silero VAD (onnxruntime-node, one shared single-threaded session).
 *
 * @packageDocumentation
 */
import type { InferenceSession } from 'onnxruntime-node';
import { sileroAnalyzerFactory } from './silero-analyzer';
import { SileroModel, type SileroModelVersion } from './silero-model';
import { VadProcessor, type VadProcessorOptions } from './vad-processor';

/** Options of {@link sileroVad}. */
export interface SileroVadOptions extends Omit<VadProcessorOptions, 'analyzer'> {
  /**
   * A Silero VAD `.onnx` file: v4, or v5/v6 (detected from the model's inputs). Takes precedence over `modelVersion`.
   * @defaultValue `$VOXFRAME_SILERO_MODEL`, else the `modelVersion` file shipped in `@ricky0123/vad-web`
   */
  readonly modelPath?: string;
  /**
   * A Silero release shipped in `@ricky0123/vad-web` (no download): `'v4'`, `'v5'` or `'v6'`.
   * @defaultValue `'v5'` (`DEFAULT_SILERO_MODEL_VERSION`: the fastest barge-in without more false triggers, measured by `pnpm bench vad-barge-in`)
   */
  readonly modelVersion?: SileroModelVersion;
  /**
   * A model to share instead of loading `modelPath`: a {@link SileroModel} (from `loadSileroModel()`), a promise of
   * one, or an onnxruntime `InferenceSession` you created yourself. Processors loading the same path share one
   * session anyway; this is for custom session options or models loaded from memory.
   */
  readonly session?: SileroModel | Promise<SileroModel> | InferenceSession;
}

/**
 * Creates a Silero VAD processor. Create one per stream (per call); they share the model, and the windows of all of
 * them that complete in the same event-loop turn run as one batched inference (see `configureSileroBatching`).
 *
 * @example
 * ```ts
 * const agent = pipeline(transport.input(), sileroVad({ minSilenceMs: 400 }), s2s, transport.output());
 * ```
 * @throws {@link VadOptionsError} on invalid options. A missing or invalid model file is reported when the pipeline
 * starts, as an error frame with code `vad_model_missing` / `vad_model_invalid` (see {@link VadProcessor}).
 */
export function sileroVad(options: SileroVadOptions = {}): VadProcessor {
  const { modelPath, modelVersion, session, ...rest } = options;
  const model = session === undefined || session instanceof SileroModel || isPromise(session) ? session : SileroModel.fromSession(session);
  const analyzer = sileroAnalyzerFactory({
    ...(modelPath !== undefined ? { modelPath } : {}),
    ...(modelVersion !== undefined ? { modelVersion } : {}),
    ...(model !== undefined ? { model } : {}),
  });
  return new VadProcessor({ name: 'SileroVad', ...rest, analyzer });
}

function isPromise(value: unknown): value is Promise<SileroModel> {
  return typeof (value as Promise<SileroModel> | undefined)?.then === 'function';
}
