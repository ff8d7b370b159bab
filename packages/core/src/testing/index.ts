/**
 * `@voxframe/core/testing`: the test kit we use for our own processors, published so you can test yours the same
 * way. Framework-agnostic (works with jest, vitest, node:test).
 *
 * @packageDocumentation
 */
export * from './harness';
export * from './run-processor';
export * from './scripted-s2s';
export * from './marbles';
