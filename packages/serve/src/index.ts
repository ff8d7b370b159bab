/**
 * `@voxframe/serve`: a production voice worker — browser and telephony endpoints on one HTTP server, health and
 * readiness, Prometheus metrics, admission control, graceful drain, OpenTelemetry spans, safe defaults.
 *
 * @packageDocumentation
 */
export { createVoiceWorker, VoiceWorker, voiceWorkerDefaults, type VoiceWorkerOptions, type AgentFactory, type AgentSession, type TransportKind } from './worker';
export { AdmissionController, admissionDefaults, type AdmissionOptions, type RefusalReason } from './admission';
export { WorkerMetrics } from './metrics';
export { SessionTrace } from './tracing';
export { InsecureBindError, assertSafeBind, isLoopback } from './security';
