/**
 * The per-turn latency metric frame of the cascade stages.
 *
 * @packageDocumentation
 */
import { makeFrame, type LatencyMetricName, type MetricsFrame } from '@voxframe/core';

/** A metrics frame with one `latency` measurement. */
export function latencyFrame(name: LatencyMetricName, processor: string, valueMs: number): MetricsFrame {
  return makeFrame('metrics', { metrics: [{ kind: 'latency', name, processor, valueMs }] });
}
