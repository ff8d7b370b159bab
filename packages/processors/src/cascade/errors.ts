/**
 * Typed errors of the cascade processors.
 *
 * @packageDocumentation
 */
import { UsageError, VoxframeError, type VoxframeErrorOptions } from '@voxframe/core';

/** A cascade processor was configured the wrong way. */
export class CascadeOptionsError extends UsageError {
  constructor(processor: string, message: string) {
    super(`${processor}: ${message}`);
  }
}

/**
 * A cascade stage failed: the STT session could not be (re)started, the LLM or TTS request failed with an error
 * that was not already typed by its service, or a response broke a rule (too many tool rounds).
 */
export class CascadeStageError extends VoxframeError {
  /** Which stage: `stt`, `llm` or `tts`. */
  readonly stage: 'stt' | 'llm' | 'tts';

  constructor(stage: 'stt' | 'llm' | 'tts', code: string, message: string, options: VoxframeErrorOptions = {}) {
    super(code, `${stage}: ${message}`, { recoverable: true, ...options, details: { stage, ...options.details } });
    this.stage = stage;
  }
}

/** Wraps anything thrown by a service into a typed error (services should throw `VoxframeError`s themselves). */
export function stageError(stage: 'stt' | 'llm' | 'tts', error: unknown): VoxframeError {
  if (error instanceof VoxframeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CascadeStageError(stage, `${stage}_failed`, `the ${stage} service failed: ${message}`, { cause: error });
}
