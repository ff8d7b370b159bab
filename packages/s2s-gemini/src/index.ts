/**
 * `@voxframe/s2s-gemini`: Gemini Live (BidiGenerateContent) provider. Not implemented yet: see the package README.
 *
 * @packageDocumentation
 */
/** The name this provider will register under. */
export const GEMINI_LIVE_PROVIDER = 'gemini_live';
