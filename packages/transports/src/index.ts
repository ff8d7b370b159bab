/**
 * `@voxframe/transports`: browser WebSocket, Twilio Media Streams, Telnyx, WAV file and in-memory transports.
 * Each transport is an input processor (head of a pipeline) and an output processor (tail) around one connection.
 *
 * @packageDocumentation
 */
export * from './shared/errors';
export * from './shared/ws-endpoint';
export * from './shared/keepalive';
export type { ConnectionInputOptions } from './shared/connection-input';
export * from './shared/rate-converter';
export { SendBufferFullError } from './shared/send-budget'; // the budget itself is internal
export * from './websocket/protocol';
export * from './websocket/transport';
export * from './websocket/input';
export * from './websocket/output';
export * from './websocket/server';
export * from './media-stream/dialect';
export * from './media-stream/chunk-sequencer';
export * from './media-stream/transport';
export * from './media-stream/input';
export * from './media-stream/output';
export * from './media-stream/server';
export * from './twilio/messages';
export * from './twilio/dialect';
export * from './twilio/transport';
export * from './twilio/server';
export * from './twilio/signature';
export * from './twilio/twiml';
export * from './telnyx/dialect';
export * from './telnyx/transport';
export * from './telnyx/server';
export * from './file/wav-input';
export * from './file/wav-output';
export * from './memory/memory-transport';
