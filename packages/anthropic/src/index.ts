/**
 * `@voxframe/anthropic`: Anthropic Messages streaming with tool use as a voxframe {@link LlmService}, on the official
 * `@anthropic-ai/sdk` client. The emulator is at `@voxframe/anthropic/testing`.
 *
 * @packageDocumentation
 */
export * from './errors';
export * from './messages';
export * from './options';
export * from './service';
export { AnthropicStreamMapper } from './stream-mapper';
