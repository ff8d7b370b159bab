/**
 * `@voxframe/s2s-gemini/testing`: a local Gemini Live emulator for offline tests, scriptable so users can test their
 * own agents, and test signals.
 *
 * @packageDocumentation
 */
export * from './emulator';
export * from './emulated-connection';
export * from './emulated-session';
export * from './script';
export * from './signals';
export * from './energy-vad';
