export * from './types';
export * from './registry';
export * from './validate';
export * from './hooks';
export * from './event-iterator';
export * from './heard-text';
