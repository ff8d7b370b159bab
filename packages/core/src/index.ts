/**
 * `@voxframe/core`: frames, the processor base, pipelines and the runner, the S2S contract, errors, logging and
 * metrics. The test kit is at `@voxframe/core/testing`.
 *
 * @packageDocumentation
 */
export * from './frames';
export * from './errors';
export * from './logger';
export * from './context';
export * from './node';
export * from './frame-queue';
export * from './processor';
export * from './pipeline';
export * from './parallel';
export * from './runner';
export * from './operators';
export * from './s2s';
export * from './services';
