/**
 * Typed errors of the S2S processor.
 *
 * @packageDocumentation
 */
import { S2SError, UsageError, VoxframeError, type VoxframeErrorOptions } from '@voxframe/core';

/** The processor was configured the wrong way (neither `s2s` nor `session`, bad option values). */
export class S2SProcessorOptionsError extends UsageError {
  constructor(message: string) {
    super(`s2sProcessor: ${message}`);
  }
}

/** The provider refused or could not be reached when the pipeline started. Fatal: the run cannot go on. */
export class S2SStartError extends S2SError {
  constructor(provider: string, cause: unknown) {
    super(
      provider,
      'start_failed',
      `could not start a session: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'Check the API key, network and model name; the pipeline stops because it has no model to talk to.',
      { recoverable: false, cause },
    );
  }
}

/** The session ended while the pipeline still ran (connection lost, provider closed it). Fatal. */
export class S2SSessionClosedError extends S2SError {
  constructor(provider: string, reason: string) {
    super(provider, 'session_closed', `the session closed unexpectedly (${reason}).`, { recoverable: false, details: { reason } });
  }
}

/** A frame asked for something this provider cannot do (text input without `capabilities.textInput`, ...). */
export class S2SCapabilityError extends VoxframeError {
  constructor(provider: string, message: string, options: VoxframeErrorOptions = {}) {
    super('unsupported', `${provider}: ${message}`, { recoverable: true, ...options });
  }
}
