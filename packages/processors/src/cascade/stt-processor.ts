/**
 * The STT processor: streams the user's audio to an {@link SttService} session and turns its events into frames.
 *
 * Frames in: `audio.input` (any rate; resampled to the service's rate, downmixed to mono), `user.started-speaking` /
 * `user.stopped-speaking` from a local VAD (the latter finalizes the session: everything sent so far is transcribed
 * and answered with a final). Frames out: `transcript` (role `user`; interim ones carry the whole hypothesis,
 * `hypothesis: true`), then `turn.end` (role `user`) once the final answering the VAD's end of turn arrived (or
 * `finalizeTimeoutMs` passed), `metrics` (`latency` `stt.final`: VAD end of speech -> that final), error frames.
 *
 * The session is kept alive (`keepAlive()` when no audio flowed for `keepAliveIntervalMs`) and reconnected when it
 * drops: audio not yet answered by a final (up to `replayMs`) and audio arriving meanwhile is sent to the new
 * session, so the user's words are not lost.
 *
 * @packageDocumentation
 */
import type { Subscription } from 'rxjs';
import {
  FrameProcessor,
  InvalidFrameError,
  makeFrame,
  type EndFrame,
  type Frame,
  type FrameDirection,
  type FrameProcessorOptions,
  type InputAudioFrame,
  type SttEvent,
  type SttService,
  type SttSession,
} from '@voxframe/core';
import { SampleRingBuffer } from '../audio/ring-buffer';
import { InputAudioConverter } from '../s2s/input-audio';
import { CascadeOptionsError, CascadeStageError, stageError } from './errors';
import { latencyFrame } from './latency';

/** Options of {@link sttProcessor}. */
export interface SttProcessorOptions extends FrameProcessorOptions {
  /** The STT service. */
  readonly stt: SttService;
  /**
   * Also pass `audio.input` downstream (for a recorder, or an S2S branch after this processor).
   * @defaultValue `false`
   */
  readonly passThroughAudio?: boolean;
  /**
   * How long to wait for the final that answers a finalize before ending the user turn anyway (logged). Long
   * enough for an HTTP transcription of a long turn.
   * @defaultValue 5000
   */
  readonly finalizeTimeoutMs?: number;
  /**
   * Keepalive period: `keepAlive()` is called when no audio was sent for this long (services close idle sockets
   * after about 10 s).
   * @defaultValue 5000
   */
  readonly keepAliveIntervalMs?: number;
  /**
   * Audio kept for replay to a reconnected session, in ms: what was sent since the last final, plus what arrives
   * while reconnecting. Older audio is dropped (counted in a log line).
   * @defaultValue 10000
   */
  readonly replayMs?: number;
  /**
   * Delays between reconnect attempts, in ms; after the last one fails the error is fatal.
   * @defaultValue [0, 250, 1000, 2000, 4000]
   */
  readonly reconnectDelaysMs?: readonly number[];
  /** @defaultValue `'default'` */
  readonly resamplerQuality?: 'default' | 'hq';
}

/** Defaults of {@link SttProcessorOptions}. */
export const sttProcessorDefaults = {
  passThroughAudio: false,
  finalizeTimeoutMs: 5000,
  keepAliveIntervalMs: 5000,
  replayMs: 10_000,
  reconnectDelaysMs: [0, 250, 1000, 2000, 4000],
  resamplerQuality: 'default',
} as const satisfies Omit<SttProcessorOptions, 'stt' | keyof FrameProcessorOptions>;

type ResolvedSttOptions = Required<Omit<SttProcessorOptions, 'stt' | keyof FrameProcessorOptions>>;

function checkSttOptions(options: SttProcessorOptions): SttProcessorOptions {
  if (options?.stt === undefined || typeof options.stt.start !== 'function') throw new CascadeOptionsError('sttProcessor', "give 'stt', an SttService.");
  if (options.replayMs !== undefined && !(options.replayMs >= 0)) throw new CascadeOptionsError('sttProcessor', `replayMs must be >= 0, got ${options.replayMs}.`);
  if (options.finalizeTimeoutMs !== undefined && !(options.finalizeTimeoutMs > 0)) {
    throw new CascadeOptionsError('sttProcessor', `finalizeTimeoutMs must be > 0, got ${options.finalizeTimeoutMs}.`);
  }
  return options;
}

/** Streams audio to an STT service. Create it with {@link sttProcessor}. */
export class SttProcessor extends FrameProcessor {
  readonly #stt: SttService;
  readonly #options: ResolvedSttOptions;
  readonly #converter: InputAudioConverter;
  readonly #replay: SampleRingBuffer;
  readonly #send = (samples: Int16Array): void => this.#toSession(samples);
  #session: SttSession | undefined;
  #events: Subscription | undefined;
  #closing = false;
  #reconnectAttempt = 0;
  #reconnectTimer: Subscription | undefined;
  #keepAliveTimer: Subscription | undefined;
  #lastAudioMs = 0;
  /** Scheduler time of the VAD's end of speech we await a final for. */
  #finalizeAtMs: number | undefined;
  #finalizeTimer: Subscription | undefined;
  #sawLocalVad = false;
  #sendErrorReported = false;
  #multichannelReported = false;

  constructor(options: SttProcessorOptions) {
    super({ name: 'stt', ...checkSttOptions(options) });
    this.#stt = options.stt;
    this.#options = { ...sttProcessorDefaults, ...stripUndefined(options) } as ResolvedSttOptions;
    this.#converter = new InputAudioConverter(options.stt.sampleRate, this.#options.resamplerQuality);
    this.#replay = new SampleRingBuffer({ capacity: Math.max(1, Math.round((this.#options.replayMs * options.stt.sampleRate) / 1000)), overflow: 'drop-oldest' });
  }

  /** The live session, if connected. */
  get session(): SttSession | undefined {
    return this.#session;
  }

  // ---------------------------------------------------------------- lifecycle

  protected override async onStart(): Promise<void> {
    await this.#connect();
    this.#armKeepAlive();
  }

  protected override async onEnd(frame: EndFrame): Promise<void> {
    void frame;
    await this.#close();
  }

  protected override onCancel(): void {
    void this.#close();
  }

  protected override onDispose(): void {
    void this.#close();
  }

  // ---------------------------------------------------------------- frames

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction === 'downstream') {
      switch (frame.type) {
        case 'audio.input':
          this.#onAudio(frame);
          if (this.#options.passThroughAudio) this.push(frame, direction);
          return;
        case 'user.started-speaking':
          this.#sawLocalVad = true;
          break;
        case 'user.stopped-speaking':
          this.#sawLocalVad = true;
          this.#finalize();
          break;
        default:
          break;
      }
    }
    this.push(frame, direction);
  }

  #onAudio(frame: InputAudioFrame): void {
    if (!(Number.isInteger(frame.sampleRate) && frame.sampleRate > 0 && Number.isInteger(frame.channels) && frame.channels > 0)) {
      this.pushError(new InvalidFrameError(`audio.input frame with sampleRate ${frame.sampleRate} and channels ${frame.channels}; dropped.`));
      return;
    }
    let samples = frame.samples;
    if (frame.channels !== 1) {
      if (!this.#multichannelReported) this.logger.warn({ channels: frame.channels }, 'multichannel input downmixed to mono for STT (logged once)');
      this.#multichannelReported = true;
      samples = this.#converter.downmix(samples, frame.channels);
    }
    this.#converter.convert(samples, frame.sampleRate, this.#send);
  }

  #toSession(samples: Int16Array): void {
    this.#replay.write(samples);
    this.#lastAudioMs = this.scheduler.now();
    const session = this.#session;
    if (session === undefined) return; // reconnecting: the replay buffer holds it
    try {
      session.sendAudio(samples);
      this.#sendErrorReported = false;
    } catch (error) {
      if (!this.#sendErrorReported) this.pushError(stageError('stt', error), false);
      this.#sendErrorReported = true;
    }
  }

  /** The VAD ended the user's turn: transcribe everything sent so far. */
  #finalize(): void {
    this.#converter.flush(this.#send);
    this.#finalizeAtMs = this.scheduler.now();
    this.#finalizeTimer?.unsubscribe();
    this.#finalizeTimer = this.scheduler.schedule(() => {
      this.#finalizeTimer = undefined;
      this.logger.warn({ timeoutMs: this.#options.finalizeTimeoutMs }, 'no final transcript answered the end of turn in time; ending the turn without it');
      this.#endUserTurn();
    }, this.#options.finalizeTimeoutMs);
    try {
      this.#session?.finalize();
    } catch (error) {
      this.pushError(stageError('stt', error), false);
    }
  }

  #endUserTurn(): void {
    this.#finalizeTimer?.unsubscribe();
    this.#finalizeTimer = undefined;
    this.#finalizeAtMs = undefined;
    this.push(makeFrame('turn.end', { role: 'user', status: 'completed' }));
  }

  // ---------------------------------------------------------------- session events

  #onEvent(event: SttEvent): void {
    switch (event.type) {
      case 'transcript': {
        if (event.text !== '') {
          const fields = { role: 'user' as const, text: event.text, final: event.final, ...(event.final ? {} : { hypothesis: true }) };
          this.push(makeFrame('transcript', fields, event.startMs === undefined ? undefined : { ptsMs: event.startMs }));
        }
        if (!event.final) return;
        if (event.fromFinalize === true) this.#replay.clear();
        if (event.fromFinalize === true && this.#finalizeAtMs !== undefined) {
          this.push(latencyFrame('stt.final', this.name, this.scheduler.now() - this.#finalizeAtMs));
          this.#endUserTurn();
        }
        return;
      }
      case 'speech.started':
        return;
      case 'utterance.end':
        // Service endpointing ends the turn only when no local VAD drives turns.
        if (!this.#sawLocalVad) this.#endUserTurn();
        return;
      case 'error':
        if (event.recoverable) this.pushError(event.error, false);
        else this.#lost(event.error.message, event.error);
        return;
      case 'closed':
        if (!this.#closing) this.#lost(`session closed (${event.reason})`);
        return;
    }
  }

  // ---------------------------------------------------------------- connection

  async #connect(): Promise<void> {
    let session: SttSession;
    try {
      session = await this.#stt.start({ logger: this.logger });
    } catch (error) {
      this.#scheduleReconnect(error);
      return;
    }
    if (this.#closing) {
      void session.close().catch(() => undefined);
      return;
    }
    this.#reconnectAttempt = 0;
    this.#session = session;
    this.#events = session.events.subscribe({
      next: (event) => {
        if (this.#session !== session) return;
        try {
          this.#onEvent(event);
        } catch (error) {
          this.pushError(error, false);
        }
      },
      complete: () => {
        if (this.#session === session && !this.#closing) this.#lost('event stream completed');
      },
      error: (error: unknown) => {
        if (this.#session === session && !this.#closing) this.#lost('event stream failed', error);
      },
    });
    // Replay what the old session never answered (and what arrived while reconnecting).
    if (this.#replay.size > 0) {
      const pending = this.#replay.take(this.#replay.size);
      this.#replay.write(pending);
      try {
        session.sendAudio(pending);
      } catch (error) {
        this.pushError(stageError('stt', error), false);
      }
      this.logger.info({ replayedMs: Math.round((pending.length / this.#stt.sampleRate) * 1000) }, 'stt session (re)connected; unanswered audio replayed');
    }
    // A turn that ended while disconnected still needs its final.
    if (this.#finalizeAtMs !== undefined) session.finalize();
  }

  #lost(reason: string, cause?: unknown): void {
    const session = this.#session;
    this.#session = undefined;
    this.#events?.unsubscribe();
    this.#events = undefined;
    if (session !== undefined) void session.close().catch(() => undefined);
    this.logger.warn({ reason }, 'stt session lost; reconnecting');
    this.#scheduleReconnect(cause ?? new Error(reason));
  }

  #scheduleReconnect(cause: unknown): void {
    if (this.#closing) return;
    const delays = this.#options.reconnectDelaysMs;
    if (this.#reconnectAttempt >= delays.length) {
      const error = new CascadeStageError('stt', 'stt_unavailable', `could not (re)connect to ${this.#stt.name} after ${delays.length} attempts: ${describe(cause)}. Check the key and network.`, {
        recoverable: false,
        cause,
      });
      this.pushError(error, true);
      return;
    }
    const delayMs = delays[this.#reconnectAttempt];
    this.#reconnectAttempt += 1;
    this.#reconnectTimer?.unsubscribe();
    this.#reconnectTimer = this.scheduler.schedule(() => {
      this.#reconnectTimer = undefined;
      void this.#connect();
    }, delayMs);
  }

  #armKeepAlive(): void {
    const interval = this.#options.keepAliveIntervalMs;
    if (!(interval > 0)) return;
    const tick = (): void => {
      this.#keepAlive();
      this.#keepAliveTimer = this.scheduler.schedule(tick, interval);
    };
    this.#keepAliveTimer = this.scheduler.schedule(tick, interval);
  }

  #keepAlive(): void {
    const session = this.#session;
    if (session?.keepAlive === undefined) return;
    if (this.scheduler.now() - this.#lastAudioMs < this.#options.keepAliveIntervalMs) return;
    try {
      session.keepAlive();
    } catch (error) {
      this.logger.debug({ err: error }, 'stt keepalive failed');
    }
  }

  async #close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#keepAliveTimer?.unsubscribe();
    this.#reconnectTimer?.unsubscribe();
    this.#finalizeTimer?.unsubscribe();
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) return;
    try {
      await session.close();
    } catch (error) {
      this.logger.warn({ err: error }, 'closing the stt session failed');
    } finally {
      this.#events?.unsubscribe();
    }
  }
}

/**
 * Creates the STT processor. Place it after a VAD, whose end of turn finalizes the transcript.
 *
 * @example
 * ```ts
 * pipeline(transport.input(), sileroVad(), sttProcessor({ stt: createOpenAiStt() }), context.user(), ...)
 * ```
 * @throws {@link CascadeOptionsError} on bad options.
 */
export function sttProcessor(options: SttProcessorOptions): SttProcessor {
  return new SttProcessor(options);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Options without `undefined` values, so spreading them over defaults keeps the defaults. */
export function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
