/**
 * `@voxframe/s2s-gemini/testing`: the Gemini Live emulator will live here. Not implemented yet.
 *
 * @packageDocumentation
 */
export {};
