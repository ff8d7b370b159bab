/**
 * Gemini Live models and voices (Developer API), as documented at https://ai.google.dev/gemini-api/docs/models and
 * https://ai.google.dev/gemini-api/docs/live-guide.
 *
 * @packageDocumentation
 */

/** The current stable Live model, used when `config.model` is not set. */
export const DEFAULT_GEMINI_LIVE_MODEL = 'gemini-3.8-live';

/** The previous Live model (preview): synchronous tools only. */
export const GEMINI_LIVE_PREVIEW_MODEL = 'gemini-3.1-flash-live-preview';

/** Half-cascade Live models that Google retired; a config naming one fails with a pointer to the current model. */
export const RETIRED_GEMINI_LIVE_MODELS: readonly string[] = ['gemini-2.0-flash-live-001', 'gemini-live-2.5-flash-preview', 'gemini-2.0-flash-exp'];

/**
 * Prebuilt voices of the native-audio Live models (`prebuiltVoiceConfig.voiceName`). Other names are passed through
 * to the service (new voices appear without notice); the service rejects unknown ones.
 */
export const GEMINI_LIVE_VOICES: readonly string[] = [
  'Achernar', 'Achird', 'Algenib', 'Algieba', 'Alnilam', 'Aoede', 'Autonoe', 'Callirrhoe', 'Charon', 'Despina',
  'Enceladus', 'Erinome', 'Fenrir', 'Gacrux', 'Iapetus', 'Kore', 'Laomedeia', 'Leda', 'Orus', 'Pulcherrima', 'Puck',
  'Rasalgethi', 'Sadachbia', 'Sadaltager', 'Schedar', 'Sulafat', 'Umbriel', 'Vindemiatrix', 'Zephyr', 'Zubenelgenubi',
];

/** Whether a model calls NON_BLOCKING functions by default (Gemini 3.8) or supports them at all (2.5 native audio). */
export function supportsNonBlockingTools(model: string): boolean {
  return !model.startsWith('gemini-3.1-');
}
