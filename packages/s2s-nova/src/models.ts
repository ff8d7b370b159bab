/**
 * Nova Sonic models and their voices (Nova user guides; the Nova 2 voice list is cross-checked with third-party
 * typed clients, as the AWS table was not available to us).
 *
 * @packageDocumentation
 */

/** Nova Sonic 1: audio in and out, English (US/GB), French, Italian, German, Spanish. */
export const NOVA_SONIC_V1_MODEL = 'amazon.nova-sonic-v1:0';
/** Nova 2 Sonic: adds turn detection settings, cross-modal text input and more languages. The default. */
export const NOVA_2_SONIC_MODEL = 'amazon.nova-2-sonic-v1:0';
/** The model used when `config.model` is not given. */
export const DEFAULT_NOVA_SONIC_MODEL = NOVA_2_SONIC_MODEL;
/** The voice used when `config.voice` is not given. */
export const DEFAULT_NOVA_SONIC_VOICE = 'matthew';

/** Voices of Nova Sonic 1. */
export const NOVA_SONIC_V1_VOICES = ['tiffany', 'matthew', 'amy', 'ambre', 'florian', 'beatrice', 'lorenzo', 'greta', 'lennart', 'lupe', 'carlos'] as const;
/** Voices of Nova 2 Sonic. */
export const NOVA_2_SONIC_VOICES = [
  'matthew',
  'tiffany',
  'amy',
  'olivia',
  'lupe',
  'carlos',
  'ambre',
  'florian',
  'tina',
  'lennart',
  'beatrice',
  'lorenzo',
  'carolina',
  'leo',
  'arjun',
  'kiara',
] as const;

/** What a model can do. */
export interface NovaModelInfo {
  readonly voices: readonly string[];
  /** Accepts `turnDetectionConfiguration.endpointingSensitivity`. */
  readonly endpointing: boolean;
  /** Accepts interactive (cross-modal) text input while audio flows. */
  readonly textInput: boolean;
}

/** The models this provider knows. */
export const NOVA_SONIC_MODELS: Readonly<Record<string, NovaModelInfo>> = {
  [NOVA_SONIC_V1_MODEL]: { voices: NOVA_SONIC_V1_VOICES, endpointing: false, textInput: false },
  [NOVA_2_SONIC_MODEL]: { voices: NOVA_2_SONIC_VOICES, endpointing: true, textInput: true },
};
