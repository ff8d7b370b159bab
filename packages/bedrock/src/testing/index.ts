/**
 * `@voxframe/bedrock/testing`: a local emulator of Bedrock Runtime's ConverseStream (cleartext HTTP/2, AWS event
 * stream framing) with scripted replies, to test agents offline.
 *
 * @packageDocumentation
 */
export * from './emulator';
export * from './event-stream';
export * from './script';
export * from './request-check';
