export * from './errors';
export * from './tool';
export * from './tool-outcome';
export * from './tool-registry';
