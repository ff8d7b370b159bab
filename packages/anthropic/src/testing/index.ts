/**
 * `@voxframe/anthropic/testing`: a local emulator of Anthropic's streamed Messages API with scripted replies, to
 * test agents offline.
 *
 * @packageDocumentation
 */
export * from './emulator';
export * from './script';
export * from './request-check';
