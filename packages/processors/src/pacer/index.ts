export * from './errors';
export * from './options';
export * from './output-pacer';
