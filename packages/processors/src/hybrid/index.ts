export * from './circuit-breaker';
export * from './replay-buffer';
export * from './failover-s2s';
