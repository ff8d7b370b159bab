/**
 * Constants shared by the provider's modules.
 *
 * @packageDocumentation
 */

/** The registered provider name. */
export const GEMINI_LIVE_PROVIDER = 'gemini_live';

/** Input audio rate the service takes natively (`audio/pcm;rate=16000`). */
export const GEMINI_INPUT_SAMPLE_RATE = 16_000;

/** Output audio rate of every Live model (`audio/pcm;rate=24000`). */
export const GEMINI_OUTPUT_SAMPLE_RATE = 24_000;
