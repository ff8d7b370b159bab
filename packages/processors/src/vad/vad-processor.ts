/**
 * The VAD processor: input audio in (any rate), the same audio out at once, and speaking-state frames out when the
 * analyzer's scores confirm a speech start or end. Barge-in: a speech start while the bot speaks interrupts it.
 *
 * How the audio path stays fast and in order:
 * - every `audio.input` frame is pushed on first, unchanged; analysis never delays or reorders it;
 * - its samples are downmixed, resampled to the analysis rate (8 or 16 kHz) and copied into a {@link WindowRing};
 * - complete windows are analyzed one at a time per stream (the analyzer holds recurrent state, so order matters);
 *   an async analyzer (Silero on onnxruntime, batched across streams per event-loop turn) leaves later windows
 *   waiting on the ring;
 * - overflow policy, live input: the ring holds `maxPendingWindows` windows (512 ms by default). When inference
 *   falls further behind real time, the oldest waiting windows are dropped: the controller works in media time, so a
 *   gap shortens what it sees instead of shifting its timeline, and latency stays bounded. Each episode is reported
 *   once (a recoverable `vad_backlog` error frame and a warning) and closed with a `queue-overflow` metric.
 * - a source faster than real time (a file read at once, `WavFileInput({ paced: false })`) is not a backlog: the
 *   ring grows instead (up to `maxOfflineBacklogMs`) and every window is analyzed, in order. `inputPace: 'auto'`
 *   (the default) tells the two apart by comparing the media time received with the time elapsed on the run's
 *   clock since the VAD last caught up: a source more than half the ring's span ahead of real time is buffered.
 *
 * Speaking frames therefore come out a little after the audio that confirmed them (two event-loop turns and the
 * inference, well under a millisecond when the CPU keeps up); their `ptsMs` says where in media time the speech
 * started or ended. They are system frames: downstream of an async processor they overtake audio still queued
 * there, and from a source faster than real time they come out after all of its audio. To cut audio into
 * utterances, go by `ptsMs`, never by the order frames arrive in: see {@link UtteranceCutter}.
 *
 * @packageDocumentation
 */
import {
  FrameProcessor,
  InvalidFrameError,
  makeFrame,
  VoxframeError,
  type EndFrame,
  type Frame,
  type FrameDirection,
  type FrameProcessorOptions,
  type InputAudioFrame,
  type StartFrame,
} from '@voxframe/core';
import { Subject, type Observable } from 'rxjs';
import { createResampler, type StreamResampler } from '../audio/resampler';
import { isVadSampleRate, type VadAnalyzer, type VadAnalyzerFactory, type VadSampleRate } from './analyzer';
import { VadAnalyzerError, VadBacklogError, VadOptionsError } from './errors';
import { PreRollBuffer, type PreRollAudio } from './pre-roll-buffer';
import { VadController, type VadControllerOptions, type VadEvent, type VadSpeechEnd, type VadSpeechStart, type VadState } from './vad-controller';
import { WindowRing } from './window-ring';

/** Options of {@link VadProcessor}: the controller's knobs, the analyzer, and the queue bounds. */
export interface VadProcessorOptions extends VadControllerOptions, FrameProcessorOptions {
  /** Creates the per-stream analyzer (see `sileroAnalyzerFactory`, `energyAnalyzerFactory`). */
  readonly analyzer: VadAnalyzerFactory;
  /**
   * Rate the analyzer runs at. Input at another rate is resampled to it.
   * @defaultValue the input rate when it is 8000 or 16000, else 16000
   */
  readonly sampleRate?: VadSampleRate;
  /**
   * Most complete windows waiting for inference (16 x 32 ms = 512 ms). Beyond it the oldest are dropped; see the
   * overflow policy above.
   * @defaultValue 16
   */
  readonly maxPendingWindows?: number;
  /**
   * How the input arrives. `'live'`: in real time (a call, a microphone); a backlog means inference is too slow, and
   * the oldest windows past `maxPendingWindows` are dropped. `'offline'`: faster than real time (a file); every
   * window is kept (up to `maxOfflineBacklogMs`) and analyzed. `'auto'`: live, except while the input runs ahead of
   * the run's clock (since the VAD last caught up) by more than half of `maxPendingWindows` windows: such a burst
   * (a file, or the audio held while the pipeline started) is buffered until the VAD has caught up.
   * @defaultValue `'auto'`
   */
  readonly inputPace?: VadInputPace;
  /**
   * Most audio an offline source may run ahead of the VAD (windows waiting for inference), in ms. The window queue
   * grows to hold it (Float32 at the analysis rate: 64 KB per second of 16 kHz audio, 38 MB for the default).
   * @defaultValue 600000 (10 minutes)
   */
  readonly maxOfflineBacklogMs?: number;
  /**
   * How long the end frame waits for windows still being analyzed, without any of them finishing, before the final
   * speech-end is decided without them. A long offline backlog keeps draining as long as it makes progress (the
   * runner's `endTimeoutMs` still bounds the whole end).
   * @defaultValue 1000
   */
  readonly drainTimeoutMs?: number;
}

/** How a VAD's input arrives: see {@link VadProcessorOptions.inputPace}. */
export type VadInputPace = 'auto' | 'live' | 'offline';

/** Defaults of {@link VadProcessorOptions} beyond the controller's (`vadControllerDefaults`). */
export const vadProcessorDefaults = {
  maxPendingWindows: 16,
  inputPace: 'auto',
  maxOfflineBacklogMs: 600_000,
  drainTimeoutMs: 1000,
} as const satisfies Pick<Required<VadProcessorOptions>, 'maxPendingWindows' | 'inputPace' | 'maxOfflineBacklogMs' | 'drainTimeoutMs'>;

/** A speech start as seen by the processor: the controller's event plus the input audio kept from before it. */
export interface VadProcessorSpeechStart extends VadSpeechStart {
  /**
   * Input audio (mono, input rate) from `preRollStartMs` up to the newest sample received. Empty when
   * `prefixPaddingMs` is 0. Only the last second or so is kept: from a source faster than real time the VAD decides
   * long after the audio passed, so check `preRoll.startMs`, and cut such audio with `cutUtterances()` instead.
   */
  readonly preRoll: PreRollAudio;
}

/** What {@link VadProcessor.events} emits. */
export type VadProcessorEvent = VadProcessorSpeechStart | VadSpeechEnd;

/** Counters of one VAD processor, for dashboards and tests. */
export interface VadStats {
  /** Windows scored by the analyzer. */
  readonly windowsAnalyzed: number;
  /** Windows dropped because inference fell behind (overflow policy). */
  readonly windowsDropped: number;
  /** Whether the input ran ahead of real time at some point (or `inputPace: 'offline'`): windows were buffered, not dropped. */
  readonly offline: boolean;
  /** Windows whose analysis threw, rejected or returned an invalid score (scored as silence). */
  readonly analyzerErrors: number;
  /** Input audio frames not analyzed because they were malformed. */
  readonly invalidFrames: number;
}

/** Extra audio kept for pre-roll beyond `prefixPaddingMs`: the detection delay (min speech + queued windows). */
const PRE_ROLL_SLACK_MS = 200;

/**
 * Voice activity detection as a processor. Emits `user.started-speaking` / `user.stopped-speaking` downstream (their
 * `ptsMs` is the media time of the speech start / end), and on barge-in (speech start while the bot speaks, with
 * interruptions allowed by the start frame) `interruption.start` downstream (once: the runner is not asked too);
 * `interruption.stop` downstream when that speech ends. Audio and every other frame pass through unchanged.
 *
 * Media time: the first audio frame's `ptsMs` plus the samples received since, at the input's own rate.
 *
 * Errors never stop the audio: malformed frames, analyzer failures and a model that cannot load become recoverable
 * error frames (codes `invalid_frame`, `vad_analyzer_failed`, `vad_model_missing`, ...), reported once per episode.
 * After a model load failure the processor passes audio through without detecting speech; an application that
 * cannot work without a VAD makes that error fatal in its error policy.
 */
export class VadProcessor extends FrameProcessor {
  /** Speech starts (with pre-roll audio) and ends, as they are confirmed. */
  readonly events: Observable<VadProcessorEvent>;

  readonly #factory: VadAnalyzerFactory;
  readonly #controller: VadController;
  readonly #fixedRate: VadSampleRate | undefined;
  readonly #maxPendingWindows: number;
  readonly #inputPace: VadInputPace;
  readonly #maxOfflineBacklogMs: number;
  readonly #drainTimeoutMs: number;
  readonly #events = new Subject<VadProcessorEvent>();

  #ready = false;
  #allowInterruptions = true;
  #botSpeaking = false;
  #interrupting = false;

  // Per-stream analysis state, set up at the first audio frame (its rate and ptsMs decide the rest).
  #analyzer: VadAnalyzer | undefined;
  #ring: WindowRing | undefined;
  #windowMs = 0;
  #analysisRate: VadSampleRate | undefined;
  /** Media time of the analysis stream's first sample. */
  #anchorMs = 0;
  /** The run's clock when the first frame was analyzed: real time, to tell a live source from a faster one. */
  #clockOriginMs = 0;
  /** The input ran ahead of real time (or `inputPace: 'offline'`): windows are buffered, not dropped. */
  #offline = false;
  #wasOffline = false;
  #inputRate = 0;
  /** Media time where the current input rate began, and input samples since. */
  #inputOriginMs = 0;
  #inputSamples = 0;
  #resampler: StreamResampler | undefined;
  /** The resampler's group delay: analysis sample k holds the input from `k / rate - delay`. */
  #resamplerDelayMs = 0;
  /** Resampler output, reused (grows to the largest frame once). */
  #resampled = new Int16Array(0);
  #preRoll: PreRollBuffer | undefined;
  #mono = new Int16Array(0);

  // Inference queue state: at most one window in flight.
  #inflight = false;
  #inflightStart = 0;
  #inflightGeneration = 0;
  #generation = 0;
  #drainWaiter: (() => void) | undefined;

  // Reporting: once per episode, then counted.
  #overflowDropped = 0;
  #analyzerFailing = false;
  #invalidInput = false;
  #windowsAnalyzed = 0;
  #windowsDropped = 0;
  #analyzerErrors = 0;
  #invalidFrames = 0;

  // Bound once: an async window costs no closure allocation. A result from before a cancel is ignored.
  readonly #onScore = (probability: number): void => {
    if (this.#inflightGeneration !== this.#generation) return;
    this.#inflight = false;
    this.#score(probability, this.#inflightStart);
    this.#pump();
  };

  readonly #onScoreError = (error: unknown): void => {
    if (this.#inflightGeneration !== this.#generation) return;
    this.#inflight = false;
    this.#analyzerFailed(error);
    this.#apply(0, this.#inflightStart);
    this.#pump();
  };

  constructor(options: VadProcessorOptions) {
    super(options);
    this.#factory = options.analyzer;
    this.#controller = new VadController(options);
    if (options.sampleRate !== undefined && !isVadSampleRate(options.sampleRate)) {
      throw new VadOptionsError(`VAD sampleRate must be 8000 or 16000 (the rates Silero runs at), got ${String(options.sampleRate)}.`);
    }
    this.#fixedRate = options.sampleRate;
    this.#maxPendingWindows = options.maxPendingWindows ?? vadProcessorDefaults.maxPendingWindows;
    if (!(Number.isInteger(this.#maxPendingWindows) && this.#maxPendingWindows >= 1)) {
      throw new VadOptionsError(`VAD maxPendingWindows must be an integer >= 1, got ${this.#maxPendingWindows}.`);
    }
    this.#inputPace = options.inputPace ?? vadProcessorDefaults.inputPace;
    if (!(['auto', 'live', 'offline'] as const).includes(this.#inputPace)) {
      throw new VadOptionsError(`VAD inputPace must be 'auto', 'live' or 'offline', got ${String(this.#inputPace)}.`);
    }
    this.#offline = this.#inputPace === 'offline';
    this.#wasOffline = this.#offline;
    this.#maxOfflineBacklogMs = options.maxOfflineBacklogMs ?? vadProcessorDefaults.maxOfflineBacklogMs;
    if (!(this.#maxOfflineBacklogMs >= 0 && Number.isFinite(this.#maxOfflineBacklogMs))) {
      throw new VadOptionsError(`VAD maxOfflineBacklogMs must be a finite number >= 0, got ${this.#maxOfflineBacklogMs}.`);
    }
    this.#drainTimeoutMs = options.drainTimeoutMs ?? vadProcessorDefaults.drainTimeoutMs;
    this.events = this.#events.asObservable();
  }

  /** The controller's state. */
  get vadState(): VadState {
    return this.#controller.state;
  }

  /** Whether the user is speaking (announced by a `user.started-speaking` not yet followed by a stop). */
  get userSpeaking(): boolean {
    return this.#controller.speaking;
  }

  /** Whether the bot is speaking, as last reported by `bot.*-speaking` frames. */
  get botSpeaking(): boolean {
    return this.#botSpeaking;
  }

  /** The rate windows are analyzed at, once the stream is set up. */
  get analysisSampleRate(): VadSampleRate | undefined {
    return this.#analysisRate;
  }

  /** Counters since the start. */
  get stats(): VadStats {
    return {
      windowsAnalyzed: this.#windowsAnalyzed,
      windowsDropped: this.#windowsDropped,
      offline: this.#wasOffline,
      analyzerErrors: this.#analyzerErrors,
      invalidFrames: this.#invalidFrames,
    };
  }

  /**
   * Copies the kept input audio from media time `fromMs` (clamped to what is kept) to the newest sample: mono PCM16
   * at the input rate. `undefined` before any audio or when `prefixPaddingMs` is 0.
   */
  readPreRoll(fromMs: number): PreRollAudio | undefined {
    return this.#preRoll?.read(fromMs);
  }

  // ---------------------------------------------------------------- lifecycle

  protected override async onStart(frame: StartFrame): Promise<void> {
    this.#allowInterruptions = frame.allowInterruptions;
    try {
      await this.#factory.load();
      this.#ready = true;
    } catch (error) {
      // The audio must keep flowing: report and degrade to pass-through (see the class doc).
      this.pushError(VoxframeError.from(error, 'vad_model_invalid', false), false);
    }
  }

  protected override onEnd(frame: EndFrame): Promise<void> | void {
    void frame;
    if (this.#ring === undefined) return this.#closeSpeech();
    return this.#drained().then(() => this.#closeSpeech());
  }

  protected override onCancel(): void {
    this.#stopAnalysis();
  }

  protected override onDispose(): void {
    this.#stopAnalysis();
    this.#events.complete();
  }

  // ---------------------------------------------------------------- frames

  protected override process(frame: Frame, direction: FrameDirection): void {
    switch (frame.type) {
      case 'audio.input':
        this.push(frame, direction); // first, unchanged: analysis never delays the audio
        if (direction === 'downstream' && this.#ready) this.#analyze(frame);
        return;
      case 'bot.started-speaking':
        this.#botSpeaking = true;
        break;
      case 'bot.stopped-speaking':
        this.#botSpeaking = false;
        break;
      default:
        break;
    }
    this.push(frame, direction);
  }

  #analyze(frame: InputAudioFrame): void {
    const mono = this.#validMono(frame);
    if (mono === undefined) return;
    if (this.#ring === undefined) this.#setUpStream(frame.sampleRate, frame.ptsMs);
    else if (frame.sampleRate !== this.#inputRate) this.#changeInputRate(frame.sampleRate);
    const ring = this.#ring;
    if (ring === undefined) return;
    this.#preRoll?.write(mono);
    let analysis = mono;
    let analysisLength = mono.length;
    if (this.#inputRate !== this.#analysisRate) {
      if (this.#resampler === undefined) {
        // No resampler for this rate (its creation failed and was reported): windows at the wrong rate would lie.
        this.#reportInvalid(new InvalidFrameError(`${this.name}: ${frame.sampleRate} Hz input cannot be resampled; not analyzed.`));
        return;
      }
      try {
        const resampler = this.#resampler;
        const length = resampler.outputLength(mono.length);
        if (this.#resampled.length < length) this.#resampled = new Int16Array(length * 2);
        analysis = this.#resampled;
        analysisLength = resampler.processInto(mono, this.#resampled);
      } catch (error) {
        this.#reportInvalid(new InvalidFrameError(`${this.name}: cannot resample ${frame.sampleRate} Hz input: ${describe(error)}`, { cause: error }));
        return;
      }
    }
    this.#invalidInput = false; // a frame analyzed: the next malformed one starts a new episode
    this.#inputSamples += mono.length;
    if (ring.size + ring.completedBy(analysisLength) > ring.capacity) this.#makeRoom(ring, analysisLength);
    const dropped = ring.write(analysis, analysisLength);
    if (dropped > 0) this.#overflow(dropped);
    this.#pump();
  }

  /** Checks an input frame and returns its samples as mono PCM16, or `undefined` (reported) when malformed. */
  #validMono(frame: InputAudioFrame): Int16Array | undefined {
    const { samples, sampleRate, channels } = frame;
    let problem: string | undefined;
    if (!(samples instanceof Int16Array || Object.prototype.toString.call(samples) === '[object Int16Array]')) {
      problem = `samples must be an Int16Array of PCM16, got ${describeValue(samples)}`;
    } else if (!isValidRate(sampleRate)) {
      problem = `sampleRate must be an integer between 4000 and 384000 Hz, got ${String(sampleRate)}`;
    } else if (!(Number.isInteger(channels) && channels >= 1 && channels <= 32)) {
      problem = `channels must be an integer between 1 and 32, got ${String(channels)}`;
    } else if (samples.length % channels !== 0) {
      problem = `${samples.length} samples is not a whole number of ${channels}-channel frames`;
    }
    if (problem !== undefined) {
      this.#reportInvalid(new InvalidFrameError(`${this.name}: audio.input frame ${frame.id} not analyzed: ${problem}.`));
      return undefined;
    }
    return channels === 1 ? samples : this.#downmix(samples, channels);
  }

  #downmix(samples: Int16Array, channels: number): Int16Array {
    const length = samples.length / channels;
    // Kept at the exact frame length so callers can use `.length`; reallocated only when the frame size changes.
    if (this.#mono.length !== length) this.#mono = new Int16Array(length);
    const mono = this.#mono;
    for (let i = 0, j = 0; i < length; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++, j++) sum += samples[j];
      mono[i] = sum / channels;
    }
    return mono;
  }

  // ---------------------------------------------------------------- stream set-up

  #setUpStream(inputRate: number, anchorMs: number): void {
    const analysisRate = this.#fixedRate ?? (isVadSampleRate(inputRate) ? inputRate : 16000);
    let analyzer: VadAnalyzer;
    try {
      analyzer = this.#factory.create(analysisRate);
    } catch (error) {
      this.#ready = false;
      this.pushError(VoxframeError.from(error, 'vad_analyzer_failed', false), false);
      return;
    }
    this.#analyzer = analyzer;
    this.#analysisRate = analysisRate;
    this.#windowMs = (analyzer.windowSamples * 1000) / analysisRate;
    this.#ring = new WindowRing(analyzer.windowSamples, this.#maxPendingWindows);
    this.#anchorMs = anchorMs;
    this.#clockOriginMs = this.scheduler.now();
    this.#useInputRate(inputRate, anchorMs);
  }

  #changeInputRate(inputRate: number): void {
    this.logger.warn({ from: this.#inputRate, to: inputRate }, 'input sample rate changed mid-stream; resampling the new rate');
    this.#useInputRate(inputRate, this.#inputEndMs());
  }

  #useInputRate(inputRate: number, originMs: number): void {
    const analysisRate = this.#analysisRate as VadSampleRate;
    this.#inputRate = inputRate;
    this.#inputOriginMs = originMs;
    this.#inputSamples = 0;
    this.#resampler = undefined;
    if (inputRate !== analysisRate) {
      try {
        this.#resampler = createResampler({ fromRate: inputRate, toRate: analysisRate });
        this.#resamplerDelayMs = this.#resampler.delayMs;
      } catch (error) {
        this.#reportInvalid(new InvalidFrameError(`${this.name}: cannot resample ${inputRate} Hz input to ${analysisRate} Hz: ${describe(error)}`, { cause: error }));
      }
    }
    const { prefixPaddingMs, minSpeechMs } = this.#controller.options;
    const keepMs = prefixPaddingMs + minSpeechMs + this.#maxPendingWindows * this.#windowMs + PRE_ROLL_SLACK_MS;
    this.#preRoll = prefixPaddingMs > 0 ? new PreRollBuffer(inputRate, keepMs, originMs) : undefined;
  }

  /** Media time just after the newest input sample analyzed. */
  #inputEndMs(): number {
    return this.#inputRate === 0 ? this.#anchorMs : this.#inputOriginMs + (this.#inputSamples * 1000) / this.#inputRate;
  }

  // ---------------------------------------------------------------- the inference queue

  /**
   * The ring is about to overflow by `length` more samples. A source ahead of real time is not a backlog: grow the
   * ring (up to `maxOfflineBacklogMs`) so every window is analyzed. A live one keeps the bound and drops the oldest.
   */
  #makeRoom(ring: WindowRing, length: number): void {
    if (!this.#offline) {
      if (this.#inputPace !== 'auto') return;
      const receivedMs = ((ring.written + length) * 1000) / (this.#analysisRate as number);
      const elapsedMs = this.scheduler.now() - this.#clockOriginMs;
      // Since the VAD last caught up, a live source delivers media at the pace of the clock, give or take its network
      // jitter. One that ran ahead by half the ring's span (256 ms by default) delivers faster than real time.
      if (receivedMs - elapsedMs <= (this.#maxPendingWindows * this.#windowMs) / 2) return;
      this.#offline = true;
      this.#wasOffline = true;
      this.logger.debug({ aheadMs: Math.round(receivedMs - elapsedMs) }, 'VAD input runs ahead of real time: buffering every window (offline source)');
    }
    const limit = Math.max(this.#maxPendingWindows, Math.floor(this.#maxOfflineBacklogMs / this.#windowMs));
    ring.grow(Math.min(limit, Math.max(ring.size + ring.completedBy(length), ring.capacity * 2)));
  }

  /** Analyzes waiting windows in order, one at a time; returns while an async analysis is in flight. */
  #pump(): void {
    const ring = this.#ring;
    const analyzer = this.#analyzer;
    if (ring === undefined || analyzer === undefined) return;
    while (!this.#inflight && ring.size > 0) {
      const window = ring.peek() as Float32Array;
      const startSample = ring.peekStart();
      let result: number | Promise<number>;
      try {
        result = analyzer.analyze(window); // copies the window synchronously (analyzer contract)
      } catch (error) {
        ring.shift();
        this.#analyzerFailed(error);
        this.#apply(0, startSample);
        continue;
      }
      ring.shift();
      if (typeof result === 'number') {
        this.#score(result, startSample);
        continue;
      }
      this.#inflight = true;
      this.#inflightStart = startSample;
      this.#inflightGeneration = this.#generation;
      result.then(this.#onScore, this.#onScoreError);
      return;
    }
    if (!this.#inflight && ring.size === 0) this.#queueEmptied();
  }

  /** Takes an analyzer's result: a valid score ends a failure episode; anything else is reported and is silence. */
  #score(probability: number, startSample: number): void {
    if (typeof probability === 'number' && probability >= 0 && probability <= 1) {
      this.#analyzerFailing = false;
      this.#apply(probability, startSample);
      return;
    }
    this.#analyzerFailed(new VadAnalyzerError(`${this.#factory.name} analyzer returned ${String(probability)}, not a score in [0, 1]; scored as silence.`));
    this.#apply(0, startSample);
  }

  /** Feeds one window's score to the controller and emits what it confirms. */
  #apply(p: number, startSample: number): void {
    this.#windowsAnalyzed += 1;
    // Windows are dated on the input's timeline: the resampler's delay is taken off (not before the first sample).
    const startMs = this.#anchorMs + Math.max(0, (startSample * 1000) / (this.#analysisRate as number) - this.#resamplerDelayMs);
    const event = this.#controller.update(p, startMs, this.#windowMs);
    if (event !== undefined) this.#emit(event);
  }

  #emit(event: VadEvent): void {
    if (event.type === 'speech-start') {
      this.push(makeFrame('user.started-speaking', {}, { ptsMs: event.startMs }));
      if (this.#botSpeaking && this.#allowInterruptions) {
        this.#interrupting = true;
        // Downstream only: everything that holds bot output (S2S, pacer, transport output) is after the VAD, and
        // what is before it carries the user's own audio, which must keep flowing. Asking the runner as well
        // (interruption.request) would flush the whole pipeline a second time: two `clear`s per barge-in.
        this.push(makeFrame('interruption.start', { reason: 'user-speech' }, { ptsMs: event.startMs }));
      }
      if (this.#events.observed) {
        const preRoll = this.#preRoll?.read(event.preRollStartMs) ?? emptyPreRoll(this.#inputRate, event.startMs);
        this.#events.next({ ...event, preRoll });
      }
      return;
    }
    this.push(makeFrame('user.stopped-speaking', {}, { ptsMs: event.endMs }));
    if (this.#interrupting) {
      this.#interrupting = false;
      this.push(makeFrame('interruption.stop', {}, { ptsMs: event.endMs }));
    }
    this.#events.next(event);
  }

  /** At the end of the stream, a speech still announced ends where the audio ended. */
  #closeSpeech(): void {
    const end = this.#controller.flush(this.#inputEndMs());
    if (end !== undefined) this.#emit(end);
  }

  /** Resolves once no window waits or is in flight, or after `drainTimeoutMs` without a window finishing. */
  #drained(): Promise<void> {
    if (!this.#inflight && (this.#ring?.size ?? 0) === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let analyzed = this.#windowsAnalyzed;
      const deadline = (): void => {
        if (this.#windowsAnalyzed !== analyzed) {
          // Still making progress (a long offline backlog): wait another period.
          analyzed = this.#windowsAnalyzed;
          timer = this.scheduler.schedule(deadline, this.#drainTimeoutMs);
          return;
        }
        this.logger.warn({ pending: this.#ring?.size ?? 0 }, 'VAD windows still analyzing at end; closing without them');
        this.#stopAnalysis(); // calls the waiter below
      };
      let timer = this.scheduler.schedule(deadline, this.#drainTimeoutMs);
      this.#drainWaiter = (): void => {
        timer.unsubscribe();
        this.#drainWaiter = undefined;
        resolve();
      };
    });
  }

  #queueEmptied(): void {
    if (this.#inputPace === 'auto' && this.#ring !== undefined) {
      // Caught up: what the source delivered so far is now the baseline. A live stream that arrived as a burst (held
      // while the pipeline started) is judged afresh from here, so a later backlog of its own is dropped as live.
      this.#clockOriginMs = this.scheduler.now() - (this.#ring.written * 1000) / (this.#analysisRate as number);
      this.#offline = false;
    }
    if (this.#overflowDropped > 0) {
      const dropped = this.#overflowDropped;
      this.#overflowDropped = 0;
      this.logger.warn({ dropped }, 'VAD backlog episode ended');
      this.push(makeFrame('metrics', { metrics: [{ kind: 'queue-overflow', processor: this.name, dropped }] }));
    }
    this.#drainWaiter?.();
  }

  #overflow(dropped: number): void {
    this.#windowsDropped += dropped;
    if (this.#overflowDropped === 0) {
      const ring = this.#ring as WindowRing;
      this.pushError(new VadBacklogError(this.name, ring.capacity, this.#offline ? 'offline' : 'live', this.#windowMs), false);
    }
    this.#overflowDropped += dropped;
  }

  /** Abandons queued and in-flight analysis (cancel, dispose, drain timeout). */
  #stopAnalysis(): void {
    this.#generation += 1;
    this.#inflight = false;
    this.#ready = false;
    this.#ring?.clear();
    this.#drainWaiter?.();
  }

  // ---------------------------------------------------------------- reporting

  #analyzerFailed(error: unknown): void {
    this.#analyzerErrors += 1;
    if (this.#analyzerFailing) return;
    this.#analyzerFailing = true;
    const typed = error instanceof VoxframeError ? error : new VadAnalyzerError(`${this.#factory.name} analyzer failed: ${describe(error)}`, { cause: error });
    this.pushError(typed, false);
  }

  #reportInvalid(error: InvalidFrameError): void {
    this.#invalidFrames += 1;
    if (this.#invalidInput) return;
    this.#invalidInput = true;
    this.pushError(error, false);
  }
}

function isValidRate(rate: unknown): rate is number {
  return typeof rate === 'number' && Number.isInteger(rate) && rate >= 4000 && rate <= 384000;
}

function emptyPreRoll(sampleRate: number, atMs: number): PreRollAudio {
  return { samples: new Int16Array(0), sampleRate, startMs: atMs, endMs: atMs };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}
