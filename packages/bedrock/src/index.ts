/**
 * `@voxframe/bedrock`: Amazon Bedrock ConverseStream with tool use as a voxframe {@link LlmService}, on the official
 * `@aws-sdk/client-bedrock-runtime`. The emulator is at `@voxframe/bedrock/testing`.
 *
 * @packageDocumentation
 */
export * from './errors';
export * from './messages';
export * from './options';
export * from './service';
export { ConverseStreamMapper } from './stream-mapper';
