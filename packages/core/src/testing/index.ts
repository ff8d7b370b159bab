/**
 * `@voxframe/core/testing`: the test kit we use for our own processors, published so you can test yours the same
 * way. Framework-agnostic (works with jest, vitest, node:test).
 *
 * @packageDocumentation
 */
export { HarnessTimeoutError, ProcessorHarness } from './harness';
export type { HarnessOptions } from './harness';
export { runProcessor } from './run-processor';
export type { RunProcessorInput, RunProcessorOptions, RunProcessorOutput } from './run-processor';
export { MissingCallError, ScriptedS2S, ScriptedS2SSession, UnexpectedCallError, scriptedMethods } from './scripted-s2s';
export type { ScriptStep, ScriptedS2SOptions, SessionCall, SessionMethodName } from './scripted-s2s';
export { createTestScheduler, createVirtualClock, runInVirtualTime } from './marbles';
export type { VirtualClock } from './marbles';
