export * from './circuit-breaker';
export * from './replay-buffer';
export * from './failover-s2s';
export * from './switch-frames';
export * from './service-switcher';
