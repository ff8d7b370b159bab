/**
 * The output pacer: releases bot audio at 1x real time in fixed chunks, keeps the playback clock, and owns the
 * bot's speaking state.
 *
 * Placed just before the output transport. It takes `audio.output` frames of any size (S2S providers send replies
 * several times faster than real time), cuts them into `chunkMs` chunks and releases them on the run's scheduler
 * against an ideal timeline: chunk n of a run of audio is due at `start + n * chunk - lead`, computed from the
 * timeline rather than from "now", so late timers never accumulate drift. The far end is kept `leadMs` ahead.
 *
 * Upstream it reports what the user heard (`playback.progress`, every `progressIntervalMs`, and a final one per
 * utterance when it finished playing or was flushed) and when the bot starts and stops being audible
 * (`bot.started-speaking` / `bot.stopped-speaking`, sent both ways). Heard = released minus what is still buffered
 * at the far end (see {@link PlayoutClock}). That is an estimate: once an output after the pacer reports real
 * playback itself (browser acknowledgements, Twilio marks: a `playback.progress` coming back from downstream), the
 * pacer stops sending its own, so the S2S processor truncates by what the user's device actually played.
 *
 * Data and control frames that arrive behind queued audio (transcripts, turn ends, tool results) are held and
 * released right after the audio before them, so downstream sees them in order with what is heard.
 *
 * @packageDocumentation
 */
import type { SchedulerAction, Subscription } from 'rxjs';
import {
  FrameProcessor,
  InvalidFrameError,
  audioDurationMs,
  makeFrame,
  type CancelFrame,
  type EndFrame,
  type Frame,
  type FrameDirection,
  type OutputAudioFrame,
  type StartFrame,
  type StartInterruptionFrame,
} from '@voxframe/core';
import { AudioQueue, type Segment } from './audio-queue';
import { ChunkSlab } from './chunk-slab';
import { PacerOverflowError } from './errors';
import { resolvePacerOptions, type OutputPacerOptions, type ResolvedPacerOptions } from './options';
import { PlayoutClock } from './playout-clock';
import { UtteranceTrack } from './utterance-track';

/** A frame waiting for the audio queued before it. */
interface HeldFrame {
  readonly frame: Frame;
  /** Released once the queue's released-sample counter reaches this. */
  readonly afterSamples: number;
}

/** How late a recycled periodic wake may be relative to the ideal due time, in ms (see `#arm`). */
const TIMER_SLACK_MS = 5;

/** Most frames held behind queued audio; beyond it, frames pass at once (out of order, logged once). */
const MAX_HELD_FRAMES = 4096;

/** Frames that end the bot utterance being queued: its last partial chunk may go, and it can be finalised. */
function endsUtterance(frame: Frame): boolean {
  return (frame.type === 'turn.end' && frame.role === 'assistant') || frame.type === 'response.ended' || frame.type === 'tts.stopped';
}

/** Paces output audio to real time. Create it with {@link outputPacer}. */
export class OutputPacer extends FrameProcessor {
  /** The options in effect (defaults applied, lead rounded to whole chunks). */
  readonly config: ResolvedPacerOptions;
  readonly #queue: AudioQueue;
  readonly #clock: PlayoutClock;
  readonly #slab = new ChunkSlab();
  /** Utterances not yet finalised, oldest first (a handful at most). */
  #tracks: UtteranceTrack[] = [];
  #held: HeldFrame[] = [];
  #heldHead = 0;
  #heldOverflowLogged = false;
  #queuedSamplesTotal = 0;
  #releasedSamplesTotal = 0;
  #speaking = false;
  /** An output after the pacer reports real playback: the pacer's estimates are then withheld. */
  #realClockDownstream = false;
  #originMs = 0;
  #nextProgressMs = Number.POSITIVE_INFINITY;
  #timer: Subscription | undefined;
  /** The timer action running right now (inside its callback), so it can be rescheduled instead of replaced. */
  #firingAction: SchedulerAction<undefined> | undefined;
  #timerDueMs = Number.POSITIVE_INFINITY;
  #overflowing = false;
  #droppedFrames = 0;
  #drained: (() => void) | undefined;

  constructor(options: OutputPacerOptions = {}) {
    const config = resolvePacerOptions(options);
    super({ name: 'outputPacer', ...options });
    this.config = config;
    this.#queue = new AudioQueue(config.chunkMs);
    this.#clock = new PlayoutClock(Math.ceil(config.leadMs / config.chunkMs) + 4);
  }

  /** Whether the bot is audible (per the pacer's model of the far end). */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Media queued and not yet released, in ms. */
  get queuedMs(): number {
    return this.#queue.queuedMs;
  }

  // ---------------------------------------------------------------- lifecycle

  protected override onStart(frame: StartFrame): void {
    void frame;
    this.#originMs = this.scheduler.now();
    this.#clock.reset(this.#originMs);
  }

  protected override onEnd(frame: EndFrame): void | Promise<void> {
    void frame;
    // Everything queued still plays; the end frame goes on once the far end has played it.
    for (const track of this.#tracks) this.#endTrack(track);
    this.#pump();
    if (this.#isIdle()) return;
    return new Promise<void>((resolve) => {
      this.#drained = resolve;
    });
  }

  protected override onCancel(frame: CancelFrame): void {
    void frame;
    this.#reset();
  }

  protected override onDispose(): void {
    this.#reset();
  }

  protected override onInterruption(frame: StartInterruptionFrame): void {
    const now = this.scheduler.now();
    // What each utterance got to before the flush is all the user will ever hear of it.
    for (const track of this.#tracks) this.#sendProgress(track, now, true);
    this.#tracks = [];
    this.#queue.clear();
    this.#clock.reset(now);
    this.#flushHeld();
    this.#queuedSamplesTotal = this.#releasedSamplesTotal = 0;
    if (this.#speaking) this.#setSpeaking(false);
    this.#endOverflowEpisode();
    this.#disarm();
    this.logger.debug({ reason: frame.reason }, 'interruption flushed queued output');
    this.#drained?.();
    this.#drained = undefined;
  }

  // ---------------------------------------------------------------- frames

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction === 'upstream' || frame.kind === 'system') {
      if (frame.type === 'playback.progress' && direction === 'upstream' && !this.#realClockDownstream) {
        this.#realClockDownstream = true;
        this.logger.debug('the output reports real playback; the pacer no longer sends its estimate');
      }
      this.push(frame, direction);
      return;
    }
    if (frame.type === 'audio.output') {
      this.#enqueue(frame);
    } else {
      if (endsUtterance(frame)) {
        const last = this.#tracks[this.#tracks.length - 1];
        if (last !== undefined) this.#endTrack(last);
      }
      this.#holdOrPush(frame);
    }
    this.#pump();
  }

  #enqueue(frame: OutputAudioFrame): void {
    const { sampleRate, channels } = frame;
    if (!(Number.isInteger(sampleRate) && sampleRate > 0 && Number.isInteger(channels) && channels > 0)) {
      this.pushError(new InvalidFrameError(`audio.output frame with sampleRate ${sampleRate} and channels ${channels} cannot be paced; dropped.`));
      return;
    }
    let track = this.#tracks[this.#tracks.length - 1];
    if (track === undefined || track.ended || track.id !== frame.utteranceId) {
      if (track !== undefined) this.#endTrack(track);
      track = new UtteranceTrack(frame.utteranceId);
      this.#tracks.push(track);
      this.#endOverflowEpisode();
    }
    if (track.dropping) {
      this.#droppedFrames += 1;
      return;
    }
    if (this.#queue.queuedMs + audioDurationMs(frame) > this.config.maxBufferedMs) {
      // Drop the rest of this utterance: what plays stays a prefix of it, so played-ms stays a true media offset.
      track.dropping = true;
      this.#droppedFrames += 1;
      if (!this.#overflowing) {
        this.#overflowing = true;
        this.pushError(new PacerOverflowError(this.name, this.config.maxBufferedMs), false);
      }
      return;
    }
    this.#queue.append(track, sampleRate, channels, frame.samples, this.scheduler.now());
    track.queuedSamples += frame.samples.length;
    this.#queuedSamplesTotal += frame.samples.length;
  }

  #endTrack(track: UtteranceTrack): void {
    if (track.ended) return;
    track.ended = true;
    this.#queue.closeTrack(track);
  }

  #holdOrPush(frame: Frame): void {
    const ahead = this.#queuedSamplesTotal;
    if (ahead === this.#releasedSamplesTotal && this.#heldHead === this.#held.length) {
      this.push(frame);
      return;
    }
    if (this.#held.length - this.#heldHead >= MAX_HELD_FRAMES) {
      if (!this.#heldOverflowLogged) this.logger.warn({ max: MAX_HELD_FRAMES }, 'too many frames held behind queued audio; passing them on at once (logged once)');
      this.#heldOverflowLogged = true;
      this.push(frame);
      return;
    }
    this.#held.push({ frame, afterSamples: ahead });
  }

  #releaseHeld(): void {
    while (this.#heldHead < this.#held.length && this.#held[this.#heldHead].afterSamples <= this.#releasedSamplesTotal) {
      const { frame } = this.#held[this.#heldHead];
      this.#heldHead += 1;
      this.push(frame);
    }
    if (this.#heldHead === this.#held.length) {
      this.#held = [];
      this.#heldHead = 0;
    }
  }

  /** Interruption: held frames marked uninterruptible (tool results, settings) go on; the rest are dropped. */
  #flushHeld(): void {
    let dropped = 0;
    for (let i = this.#heldHead; i < this.#held.length; i++) {
      const { frame } = this.#held[i];
      if (frame.uninterruptible === true) this.push(frame);
      else dropped += 1;
    }
    if (dropped > 0) this.logger.debug({ dropped }, 'interruption dropped frames held behind audio');
    this.#held = [];
    this.#heldHead = 0;
  }

  // ---------------------------------------------------------------- the clock

  /**
   * Does everything due at the scheduler's now (release chunks, held frames, final progress, periodic progress,
   * speaking state, the end drain), then arms the timer for the next due moment. Each step leaves nothing due at
   * now, so the timer is never armed in the past.
   */
  #pump(): void {
    const now = this.scheduler.now();
    const leadMs = this.config.leadMs;
    for (;;) {
      let segment = this.#queue.readyChunk();
      if (segment === undefined) {
        const partial = this.#queue.openPartial();
        if (partial !== undefined && now >= this.#partialDueMs(partial)) segment = partial;
      }
      if (segment === undefined || this.#clock.playEndMs - leadMs + segment.chunkDurationMs > now) break;
      this.#release(segment, now);
    }
    this.#releaseHeld();
    this.#finalizePlayed(now);
    if (this.#speaking && now >= this.#nextProgressMs) {
      const current = this.#tracks.find((t) => t.releasedMediaMs > 0);
      if (current !== undefined) this.#sendProgress(current, now, false);
      const interval = this.config.progressIntervalMs;
      this.#nextProgressMs += Math.ceil((now - this.#nextProgressMs + 1e-9) / interval) * interval;
    }
    const stopAtMs = this.#stopSpeakingAtMs();
    if (this.#speaking && now >= stopAtMs) this.#setSpeaking(false);
    if (this.#drained !== undefined && this.#isIdle(now)) {
      const drained = this.#drained;
      this.#drained = undefined;
      drained();
    }
    this.#arm(now, this.#nextWakeMs(now));
  }

  #release(segment: Segment, now: number): void {
    const track = segment.track;
    const samples = this.#slab.take(segment.chunkSamples);
    const media = this.#queue.take(segment, samples);
    const mediaMs = (media / segment.channels / segment.sampleRate) * 1000;
    const startMs = this.#clock.release(now, segment.chunkDurationMs, mediaMs, track);
    const firstOfTrack = track.releasedMediaMs === 0;
    track.releasedMediaMs += mediaMs;
    track.queuedSamples -= media;
    track.lastPlayEndMs = this.#clock.playEndMs;
    this.#releasedSamplesTotal += media;
    if (!this.#speaking) this.#setSpeaking(true, now);
    // Tell upstream at once that this utterance is playing: a playback clock exists for it from its first chunk.
    if (firstOfTrack) this.#sendProgress(track, now, false);
    this.push(
      makeFrame(
        'audio.output',
        {
          samples,
          sampleRate: segment.sampleRate,
          channels: segment.channels,
          ...(track.id === undefined ? {} : { utteranceId: track.id }),
        },
        { ptsMs: startMs - this.#originMs },
      ),
    );
  }

  /** Sends the final progress of ended utterances whose audio has all played. */
  #finalizePlayed(now: number): void {
    while (this.#tracks.length > 0) {
      const track = this.#tracks[0];
      if (!track.ended || track.queuedSamples > 0 || track.lastPlayEndMs > now) break;
      this.#sendProgress(track, now, true);
      this.#tracks.shift();
    }
  }

  /**
   * When the bot stops being audible: when the far end runs out, if the last utterance ended; else one chunk
   * later (the producer may just be slow: a gap shorter than a chunk does not end speaking).
   */
  #stopSpeakingAtMs(): number {
    if (!this.#queue.isEmpty) return Number.POSITIVE_INFINITY;
    const last = this.#tracks[this.#tracks.length - 1];
    const allEnded = last === undefined || last.ended;
    return this.#clock.playEndMs + (allEnded ? 0 : this.config.chunkMs);
  }

  #nextWakeMs(now: number): number {
    let wake = Number.POSITIVE_INFINITY;
    const ready = this.#queue.readyChunk();
    const partial = ready === undefined ? this.#queue.openPartial() : undefined;
    if (ready !== undefined) wake = this.#clock.playEndMs - this.config.leadMs + ready.chunkDurationMs;
    else if (partial !== undefined) wake = this.#partialDueMs(partial);
    const first = this.#tracks[0];
    if (first !== undefined && first.ended && first.queuedSamples === 0) wake = Math.min(wake, first.lastPlayEndMs);
    // Progress rides on chunk releases while there are any (a report at most one chunk late is fine); it only
    // needs a wake of its own while the far end plays out its buffer.
    if (this.#speaking) wake = Math.min(wake, ready === undefined ? this.#nextProgressMs : wake, this.#stopSpeakingAtMs());
    return wake > now ? wake : Number.POSITIVE_INFINITY;
  }

  /**
   * Less than a chunk is queued and no more has come: it goes out padded once the far end has starved (or the
   * samples waited) for a whole chunk. Sooner would insert silence into speech that is merely arriving in small
   * pieces; a starved far end is silent anyway.
   */
  #partialDueMs(partial: Segment): number {
    return Math.max(this.#clock.playEndMs, partial.lastAppendMs) + partial.chunkDurationMs;
  }

  #arm(now: number, dueMs: number): void {
    if (dueMs === this.#timerDueMs && this.#timer !== undefined) return;
    const firing = this.#firingAction;
    const chunkMs = this.config.chunkMs;
    // Steady playback: the next chunk is due about one chunk from now. Rescheduling the action that is firing with
    // the same delay keeps its interval timer (RxJS recycles it) instead of clearing and creating one per chunk;
    // a wake up to TIMER_SLACK_MS late is accepted, since what is released is computed from the ideal timeline.
    if (firing !== undefined && dueMs <= now + chunkMs && now + chunkMs <= dueMs + TIMER_SLACK_MS) {
      this.#firingAction = undefined;
      this.#timerDueMs = dueMs;
      this.#timer = firing.schedule(undefined, chunkMs);
      return;
    }
    this.#disarm();
    if (dueMs === Number.POSITIVE_INFINITY) return;
    this.#timerDueMs = dueMs;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the scheduler binds `this` to the action
    const pacer = this;
    this.#timer = this.scheduler.schedule(function (this: SchedulerAction<undefined>) {
      pacer.#onTimer(this);
    }, dueMs - now);
  }

  #onTimer(action: SchedulerAction<undefined>): void {
    this.#timer = undefined;
    this.#timerDueMs = Number.POSITIVE_INFINITY;
    this.#firingAction = action;
    try {
      this.#pump();
    } finally {
      this.#firingAction = undefined;
    }
  }

  #disarm(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#timerDueMs = Number.POSITIVE_INFINITY;
  }

  /** Nothing queued, held or still playing at the far end. */
  #isIdle(now = this.scheduler.now()): boolean {
    return this.#queue.isEmpty && this.#heldHead === this.#held.length && now >= this.#clock.playEndMs && !this.#speaking;
  }

  // ---------------------------------------------------------------- reports

  #setSpeaking(speaking: boolean, now = this.scheduler.now()): void {
    this.#speaking = speaking;
    this.#nextProgressMs = speaking ? now + this.config.progressIntervalMs : Number.POSITIVE_INFINITY;
    const type = speaking ? 'bot.started-speaking' : 'bot.stopped-speaking';
    // Both ways: the transport and observers downstream, the VAD and S2S processor upstream.
    this.push(makeFrame(type, {}), 'downstream');
    this.push(makeFrame(type, {}), 'upstream');
  }

  #sendProgress(track: UtteranceTrack, now: number, final: boolean): void {
    if (track.finalized) return;
    if (final) track.finalized = true;
    // Two clocks would disagree (the estimate runs ahead of the device by its buffer): the real one wins.
    if (this.#realClockDownstream) return;
    // Rounded down: never claim the user heard more than they did.
    const playedMs = Math.floor(this.#clock.playedMediaMs(track, now) + 1e-6);
    this.push(makeFrame('playback.progress', { playedMs, final, ...(track.id === undefined ? {} : { utteranceId: track.id }) }), 'upstream');
  }

  #endOverflowEpisode(): void {
    if (!this.#overflowing) return;
    this.#overflowing = false;
    const dropped = this.#droppedFrames;
    this.#droppedFrames = 0;
    this.logger.warn({ dropped }, 'output overflow episode ended');
    this.push(makeFrame('metrics', { metrics: [{ kind: 'queue-overflow', processor: this.name, dropped }] }));
  }

  #reset(): void {
    this.#disarm();
    this.#queue.clear();
    this.#tracks = [];
    this.#held = [];
    this.#heldHead = 0;
    this.#drained?.();
    this.#drained = undefined;
  }
}

/**
 * Creates an output pacer: put it right before the output transport.
 *
 * @example
 * ```ts
 * const agent = pipeline(transport.input(), vad, s2sProcessor({ s2s }), outputPacer({ chunkMs: 20 }), transport.output());
 * ```
 * @throws {@link PacerOptionsError} when an option is out of range.
 */
export function outputPacer(options: OutputPacerOptions = {}): OutputPacer {
  return new OutputPacer(options);
}
