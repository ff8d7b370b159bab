/**
 * `@voxframe/s2s-nova`: Amazon Nova Sonic on Bedrock (`InvokeModelWithBidirectionalStream` over HTTP/2, with the
 * AWS SDK's own client) as a voxframe speech-to-speech provider. Importing it registers `nova`. The local HTTP/2
 * event-stream emulator for offline tests is at `@voxframe/s2s-nova/testing`.
 *
 * @packageDocumentation
 */
export * from './provider';
export * from './session';
export * from './config';
export * from './models';
export * from './errors';
export { heardText } from './heard-text';
export type { EndpointingSensitivity, InputEvent, OutputEvent, OutputEvents, StopReason } from './protocol';
export { INTERRUPTED_SIGNAL } from './protocol';
