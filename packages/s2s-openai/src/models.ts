/**
 * Model and voice names of the OpenAI Realtime API (protocol note §0, §3.1).
 *
 * @packageDocumentation
 */

/** The current GA model, used when `config.model` is not given (`@openai/agents-realtime` 0.20 default too). */
export const DEFAULT_OPENAI_REALTIME_MODEL = 'gpt-realtime-2.1';

/** The smaller current GA model, suggested in errors next to {@link DEFAULT_OPENAI_REALTIME_MODEL}. */
export const OPENAI_REALTIME_MINI_MODEL = 'gpt-realtime-2.1-mini';

/** The default voice. */
export const DEFAULT_OPENAI_REALTIME_VOICE = 'alloy';

/** Built-in voices (§3.1). Custom voices are given by id, `voice_…`. */
export const OPENAI_REALTIME_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;

/** A built-in voice name. */
export type OpenAIRealtimeVoice = (typeof OPENAI_REALTIME_VOICES)[number];

/**
 * Models of the retired beta interface (`gpt-4o-realtime-preview*`, `gpt-4o-mini-realtime-preview*`): the service
 * shut the beta interface down on 2026-05-07 (§0), so a session with them cannot work.
 */
const RETIRED_BETA_MODEL = /^gpt-4o(-mini)?-realtime-preview/;

/** Models whose shutdown is announced for 2027-01-20 (SDK type comments, §0): still usable, with a warning. */
const DEPRECATED_MODELS: ReadonlySet<string> = new Set([
  'gpt-realtime',
  'gpt-realtime-2025-08-28',
  'gpt-realtime-mini',
  'gpt-realtime-mini-2025-10-06',
  'gpt-realtime-mini-2025-12-15',
  'gpt-audio-mini',
  'gpt-audio-mini-2025-10-06',
  'gpt-audio-mini-2025-12-15',
]);

/** What is known about a model name. */
export type ModelStatus = 'current' | 'deprecated' | 'retired-beta';

/** Classifies a model name. Unknown names (new models, Azure deployment names) count as `current`. */
export function modelStatus(model: string): ModelStatus {
  if (RETIRED_BETA_MODEL.test(model)) return 'retired-beta';
  if (DEPRECATED_MODELS.has(model)) return 'deprecated';
  return 'current';
}

/** Whether a voice name is a custom voice id (`voice_…`), sent as `{id}`. */
export function isCustomVoiceId(voice: string): boolean {
  return /^voice_[A-Za-z0-9_-]+$/.test(voice);
}

/** Whether a voice name is built in. */
export function isBuiltInVoice(voice: string): voice is OpenAIRealtimeVoice {
  return (OPENAI_REALTIME_VOICES as readonly string[]).includes(voice);
}
