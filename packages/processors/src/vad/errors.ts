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

/** Where a VAD backlog came from: a live stream the CPU cannot keep up with, or a source faster than real time. */
export type VadBacklogSource = 'live' | 'offline';

/**
 * Windows waited for inference longer than the bounded queue allows, and the oldest were dropped. Reported once per
 * episode; the count goes out in a `queue-overflow` metric.
 *
 * - `live`: audio arrives in real time but inference is slower than real time (the CPU is saturated, or the model
 *   was cold: warm it at startup with `warmUpSileroVad()`). The oldest windows are dropped to keep latency bounded.
 * - `offline`: a source faster than real time (a file read at once) ran further ahead of the VAD than
 *   `maxOfflineBacklogMs`. Below that bound such a source is buffered and analyzed completely, never dropped.
 */
export class VadBacklogError extends VoxframeError {
  /** Which kind of backlog overflowed. */
  readonly source: VadBacklogSource;

  constructor(processor: string, capacity: number, source: VadBacklogSource = 'live', windowMs = 32) {
    const heldMs = Math.round(capacity * windowMs);
    super(
      'vad_backlog',
      source === 'live'
        ? `${processor}: live audio arrived faster than the VAD could analyze it: more than ${capacity} windows ` +
            `(${heldMs} ms) waited for inference and the oldest were dropped. Inference fell behind real time: the CPU ` +
            'is saturated (run fewer streams per process) or the model was cold (await warmUpSileroVad() before ' +
            'accepting calls); maxPendingWindows raises the bound at the cost of latency.'
        : `${processor}: an offline source (faster than real time) ran more than ${heldMs} ms ahead of the VAD and the ` +
            'oldest windows were dropped. Raise maxOfflineBacklogMs, or feed the file in smaller pieces.',
      { recoverable: true, details: { processor, capacity, source, heldMs } },
    );
    this.source = source;
  }
}

/** VAD options are out of range or contradict each other. Thrown by the factories, before any audio flows. */
export class VadOptionsError extends VoxframeError {
  constructor(message: string) {
    super('vad_invalid_options', message, { recoverable: false });
  }
}
