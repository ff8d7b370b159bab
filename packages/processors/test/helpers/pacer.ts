/**
 * Shared setup of the pacer tests: audio whose samples count up, and a started pacer on a virtual clock with every
 * frame it emits stamped with the clock time.
 */
import type { SchedulerLike } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { makeFrame, type Frame, type OutputAudioFrame, type PlaybackProgressFrame } from '@voxframe/core';
import { ProcessorHarness, createVirtualClock } from '@voxframe/core/testing';
import { outputPacer, type OutputPacerOptions } from '../../src/pacer';

let nextSample = 0;
/** `ms` of audio whose samples count up, so the output order can be checked sample by sample. */
export function audio(ms: number, options: { rate?: number; utteranceId?: string | null; channels?: number } = {}): OutputAudioFrame {
  const rate = options.rate ?? 24000;
  const channels = options.channels ?? 1;
  const samples = new Int16Array(Math.round((rate * ms) / 1000) * channels);
  for (let i = 0; i < samples.length; i++) samples[i] = (nextSample++ % 30000) + 1;
  const utteranceId = options.utteranceId === undefined ? 'u1' : options.utteranceId;
  return makeFrame('audio.output', { samples, sampleRate: rate, channels, ...(utteranceId === null ? {} : { utteranceId }) });
}

export const turnEnd = () => makeFrame('turn.end', { role: 'assistant', status: 'completed' });

export interface Timed {
  readonly atMs: number;
  readonly frame: Frame;
  readonly direction: 'downstream' | 'upstream';
}

/** A started pacer on a virtual clock, with every frame it emits stamped with the clock time. */
export function setup(options: OutputPacerOptions = {}, wrap?: (clock: TestScheduler) => SchedulerLike) {
  const clock = createVirtualClock();
  const pacer = outputPacer(options);
  const timeline: Timed[] = [];
  const harness = new ProcessorHarness(pacer, { scheduler: wrap ? wrap(clock) : clock });
  pacer.downstream.subscribe((frame) => timeline.push({ atMs: clock.now(), frame, direction: 'downstream' }));
  pacer.upstream.subscribe((frame) => timeline.push({ atMs: clock.now(), frame, direction: 'upstream' }));
  void harness.start();
  const chunks = () => timeline.filter((t) => t.frame.type === 'audio.output') as (Timed & { frame: OutputAudioFrame })[];
  const progress = () =>
    timeline
      .filter((t) => t.frame.type === 'playback.progress')
      .map((t) => {
        const f = t.frame as PlaybackProgressFrame;
        return { atMs: t.atMs, playedMs: f.playedMs, final: f.final, utteranceId: f.utteranceId };
      });
  const speaking = (direction: 'downstream' | 'upstream') =>
    timeline
      .filter((t) => t.direction === direction && (t.frame.type === 'bot.started-speaking' || t.frame.type === 'bot.stopped-speaking'))
      .map((t) => `${t.frame.type === 'bot.started-speaking' ? 'started' : 'stopped'}@${t.atMs}`);
  const types = (direction: 'downstream' | 'upstream') => timeline.filter((t) => t.direction === direction).map((t) => t.frame.type);
  return { clock, pacer, harness, timeline, chunks, progress, speaking, types };
}
