/**
 * Options of the output pacer, with their checked defaults.
 *
 * @packageDocumentation
 */
import type { FrameProcessorOptions } from '@voxframe/core';
import { PacerOptionsError } from './errors';

/** Options of {@link outputPacer}. */
export interface OutputPacerOptions extends FrameProcessorOptions {
  /**
   * Size of the chunks released downstream, in ms: 20 (telephony, WebRTC) or 40.
   * @defaultValue 20
   */
  readonly chunkMs?: 20 | 40;
  /**
   * How far ahead of the play head audio is released, in ms: right after each release the far end holds this much
   * unplayed audio (never more), so its jitter buffer does not starve when a timer fires late. Rounded down to
   * whole chunks, at least one. It is also what an interruption cannot take back: the output transport must flush
   * it (Twilio `clear`, browser flush) when it sees `interruption.start`.
   * @defaultValue 60
   */
  readonly leadMs?: number;
  /**
   * Most audio the pacer queues, in ms of media. S2S providers send replies several times faster than real time,
   * so this must hold a long reply. Overflow policy: the rest of the utterance that overflows is dropped (what is
   * queued still plays, so played-time accounting stays exact), counted in a `queue-overflow` metric, and
   * reported once per episode as a recoverable error frame.
   * @defaultValue 120000
   */
  readonly maxBufferedMs?: number;
  /**
   * How often `playback.progress` goes upstream while audio plays, in ms of output time. A final progress frame is
   * also sent when an utterance finished playing or was flushed.
   * @defaultValue 100
   */
  readonly progressIntervalMs?: number;
}

/** Defaults of {@link OutputPacerOptions}. */
export const outputPacerDefaults = {
  chunkMs: 20,
  leadMs: 60,
  maxBufferedMs: 120_000,
  progressIntervalMs: 100,
} as const satisfies Required<Omit<OutputPacerOptions, keyof FrameProcessorOptions>>;

/** Options with defaults applied and checked. */
export interface ResolvedPacerOptions {
  readonly chunkMs: number;
  readonly leadMs: number;
  readonly maxBufferedMs: number;
  readonly progressIntervalMs: number;
}

/** Applies defaults and checks ranges; throws {@link PacerOptionsError} naming the bad option. */
export function resolvePacerOptions(options: OutputPacerOptions): ResolvedPacerOptions {
  const chunkMs = options.chunkMs ?? outputPacerDefaults.chunkMs;
  if (chunkMs !== 20 && chunkMs !== 40) throw new PacerOptionsError(`chunkMs must be 20 or 40, got ${String(chunkMs)}.`);
  const leadMs = options.leadMs ?? outputPacerDefaults.leadMs;
  if (!(Number.isFinite(leadMs) && leadMs >= 0)) throw new PacerOptionsError(`leadMs must be a number >= 0, got ${leadMs}.`);
  const maxBufferedMs = options.maxBufferedMs ?? outputPacerDefaults.maxBufferedMs;
  if (!(Number.isFinite(maxBufferedMs) && maxBufferedMs >= chunkMs)) {
    throw new PacerOptionsError(`maxBufferedMs must be at least one chunk (${chunkMs} ms), got ${maxBufferedMs}.`);
  }
  const progressIntervalMs = options.progressIntervalMs ?? outputPacerDefaults.progressIntervalMs;
  if (!(Number.isFinite(progressIntervalMs) && progressIntervalMs > 0)) {
    throw new PacerOptionsError(`progressIntervalMs must be > 0, got ${progressIntervalMs}.`);
  }
  // Whole chunks, at least one: a lead below one chunk would leave the far end empty between releases.
  const wholeLeadMs = Math.max(chunkMs, Math.floor(leadMs / chunkMs) * chunkMs);
  return { chunkMs, leadMs: wholeLeadMs, maxBufferedMs, progressIntervalMs };
}
