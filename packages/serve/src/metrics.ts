/**
 * The worker's Prometheus metrics (`prom-client`), one registry per worker: sessions, turn latencies, provider
 * errors and reconnects, event-loop lag, dropped frames.
 *
 * @packageDocumentation
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Frame, RunnerEvent } from '@voxframe/core';

/** Latency buckets in seconds: voice turns live between 50 ms and a few seconds. */
const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

/** The metrics of one worker. */
export class WorkerMetrics {
  /** The registry served on `/metrics`. */
  readonly registry = new Registry();
  readonly activeSessions: Gauge;
  readonly sessionsStarted: Counter;
  readonly sessionsEnded: Counter;
  readonly sessionsRefused: Counter;
  readonly latency: Histogram;
  readonly providerErrors: Counter;
  readonly reconnects: Counter;
  readonly framesDropped: Counter;
  readonly eventLoopLag: Gauge;

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.activeSessions = new Gauge({ name: 'voxframe_active_sessions', help: 'Sessions running now, by transport.', labelNames: ['transport'], registers });
    this.sessionsStarted = new Counter({ name: 'voxframe_sessions_started_total', help: 'Sessions started, by transport.', labelNames: ['transport'], registers });
    this.sessionsEnded = new Counter({
      name: 'voxframe_sessions_ended_total',
      help: 'Sessions ended, by transport and reason (ended, cancelled, end-timeout, idle, error, drained).',
      labelNames: ['transport', 'reason'],
      registers,
    });
    this.sessionsRefused = new Counter({
      name: 'voxframe_sessions_refused_total',
      help: 'Connections refused before the handshake, by reason (draining, capacity, event-loop, per-ip).',
      labelNames: ['reason'],
      registers,
    });
    this.latency = new Histogram({
      name: 'voxframe_latency_seconds',
      help: 'Per-turn latencies reported by processors (kind: ttfb, processing, voice-to-voice, ...), by processor.',
      labelNames: ['kind', 'processor'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.providerErrors = new Counter({
      name: 'voxframe_errors_total',
      help: 'Error frames, by processor, error code and whether they were fatal.',
      labelNames: ['processor', 'code', 'fatal'],
      registers,
    });
    this.reconnects = new Counter({
      name: 'voxframe_provider_reconnects_total',
      help: 'Provider sessions moved to a new connection (reconnect, rotation, go-away, failover), by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.framesDropped = new Counter({ name: 'voxframe_frames_dropped_total', help: 'Frames dropped, by processor and reason.', labelNames: ['processor', 'reason'], registers });
    this.eventLoopLag = new Gauge({ name: 'voxframe_event_loop_lag_p99_seconds', help: 'Event-loop delay p99 over the last sampling window.', registers });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Records what a session's frames report (metrics frames, session lifecycle). */
  observeFrame(frame: Frame): void {
    if (frame.type === 'metrics') {
      for (const metric of frame.metrics) {
        if (metric.kind === 'queue-overflow') this.framesDropped.inc({ processor: metric.processor, reason: 'queue-overflow' }, metric.dropped);
        else if ('valueMs' in metric && typeof metric.valueMs === 'number') this.latency.observe({ kind: metric.kind, processor: metric.processor }, metric.valueMs / 1000);
      }
    }
  }

  /** Records a runner event of a session. */
  observeRunnerEvent(event: RunnerEvent): void {
    if (event.type === 'error') this.providerErrors.inc({ processor: event.processor ?? 'unknown', code: event.error.code, fatal: String(event.fatal) });
  }
}
