/**
 * Typed errors of the VAD: a model that cannot be loaded, an analyzer that fails, a backlog of windows, bad options.
 *
 * @packageDocumentation
 */
import { VoxframeError, type VoxframeErrorOptions } from '@voxframe/core';

/** Why a VAD model could not be used. */
export type VadModelErrorCode = 'vad_model_missing' | 'vad_model_invalid' | 'vad_runtime_missing';

/**
 * The Silero model (or onnxruntime itself) could not be loaded. The message names the path that was tried and how to
 * fix it; `details.path` holds the path. Not recoverable by retrying: the file or the install must be fixed.
 */
export class VadModelError extends VoxframeError {
  /** The model path that was tried (empty when the path itself could not be resolved). */
  readonly path: string;

  constructor(code: VadModelErrorCode, path: string, message: string, options: VoxframeErrorOptions = {}) {
    super(code, message, { recoverable: false, ...options, details: { path, ...options.details } });
    this.path = path;
  }
}

/** An analyzer threw, rejected, or returned a score that is not a number in `[0, 1]`. The window is scored as silence. */
export class VadAnalyzerError extends VoxframeError {
  constructor(message: string, options: VoxframeErrorOptions = {}) {
    super('vad_analyzer_failed', message, { recoverable: true, ...options });
  }
}

/**
 * Windows waited for inference longer than the bounded queue allows, and the oldest were dropped (the VAD falls
 * behind real time: the CPU is saturated). Reported once per episode; the count goes out in a `queue-overflow` metric.
 */
export class VadBacklogError extends VoxframeError {
  constructor(processor: string, capacity: number) {
    super(
      'vad_backlog',
      `${processor}: more than ${capacity} VAD windows were waiting for inference; the oldest were dropped. ` +
        'Inference is slower than real time: run fewer streams per process or raise maxPendingWindows.',
      { recoverable: true, details: { processor, capacity } },
    );
  }
}

/** VAD options are out of range or contradict each other. Thrown by the factories, before any audio flows. */
export class VadOptionsError extends VoxframeError {
  constructor(message: string) {
    super('vad_invalid_options', message, { recoverable: false });
  }
}
