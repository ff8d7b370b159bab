export * from './text-guardrail';
