export * from './errors';
export * from './options';
export * from './s2s-processor';
