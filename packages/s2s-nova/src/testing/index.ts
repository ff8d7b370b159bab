/**
 * `@voxframe/s2s-nova/testing`: a local HTTP/2 emulator of Nova Sonic's bidirectional stream, checked by the real
 * AWS SDK client (SigV4 request and chunk signatures verified), with scripted turns, tool use, barge-in and faults.
 *
 * @packageDocumentation
 */
export * from './emulator';
export * from './emulated-stream';
export * from './script';
export * from './sigv4';
export * from './input-check';
export { MessageSplitter, decodeMessage, eventMessage, exceptionMessage, type StreamExceptionType } from './event-stream';
export { createSelfSignedCertificate, type SelfSignedCertificate } from './certificate';
export { SignedInputReader, type SignedInput } from './signed-input';
