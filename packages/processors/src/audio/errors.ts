/**
 * Typed errors of the audio toolkit.
 *
 * @packageDocumentation
 */
import { VoxframeError, type VoxframeErrorOptions } from '@voxframe/core';

/**
 * An audio component was configured with values it cannot work with: a non-integer or out-of-range sample rate, a
 * rate pair whose ratio needs too many filter phases, an unknown encoding or quality. Not recoverable: fix the
 * configuration. Code `invalid_audio_config`.
 */
export class AudioConfigError extends VoxframeError {
  constructor(message: string, options: VoxframeErrorOptions = {}) {
    super('invalid_audio_config', message, { recoverable: false, ...options });
  }
}

/**
 * Audio bytes or samples that cannot be decoded as declared: an odd byte count for PCM16, a length that is not a
 * whole number of frames, a truncated buffer. Recoverable: the stream can go on. Code `invalid_audio_data`.
 */
export class AudioDataError extends VoxframeError {
  constructor(message: string, options: VoxframeErrorOptions = {}) {
    super('invalid_audio_data', message, { recoverable: true, ...options });
  }
}

/** A buffer is not a WAV file voxframe can read (not RIFF/WAVE, a missing or malformed chunk, an unsupported codec). Code `invalid_wav`. */
export class WavFormatError extends VoxframeError {
  constructor(message: string, options: VoxframeErrorOptions = {}) {
    super('invalid_wav', message, { recoverable: true, ...options });
  }
}
