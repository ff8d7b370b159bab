/**
 * The TTS processor: speaks the LLM's streamed text, sentence by sentence, as soon as each sentence is complete.
 *
 * Frames in: `response.started` (opens an utterance, id = the response id), assistant `text` deltas (aggregated into
 * sentences; consumed unless `passThroughText`), `response.ended` (speaks the rest, then closes the utterance).
 * Frames out: `tts.started`, `audio.output` (PCM16 at the service's true rate, `utteranceId` set, `ptsMs` on the
 * output timeline), `tts.text` after each sentence's audio (its place on the utterance timeline, word timings when
 * the service gives them; uninterruptible, so the context learns what an interrupted utterance contained),
 * `tts.stopped`, `metrics` (`latency` `tts.first-audio`: first sentence sent -> first audio), error frames.
 *
 * An interruption aborts synthesis at once (the step's signal goes to the service's request), drops the text
 * still queued, and reports the sentence cut mid-way with an estimated end. A service with `connect()` is driven
 * over one streaming connection (text in as sentences complete, one context per utterance) unless `streaming` is
 * off.
 *
 * @packageDocumentation
 */
import {
  FrameProcessor,
  makeFrame,
  type Frame,
  type FrameDirection,
  type FrameProcessorOptions,
  type TtsService,
  type WordTiming,
} from '@voxframe/core';
import { CascadeOptionsError, CascadeStageError, stageError } from './errors';
import { latencyFrame } from './latency';
import { SentenceAggregator } from './sentence-aggregator';
import { TtsStreamDriver } from './tts-stream-driver';
import { Utterance } from './utterance';

/** Options of {@link ttsProcessor}. */
export interface TtsProcessorOptions extends FrameProcessorOptions {
  /** The TTS service. */
  readonly tts: TtsService;
  /** Voice, overriding the service's configured one. */
  readonly voice?: string;
  /**
   * Use the service's streaming connection (`connect()`) when it has one.
   * @defaultValue `true`
   */
  readonly streaming?: boolean;
  /**
   * Also pass the LLM's assistant `text` frames downstream (a text UI); the context records `tts.text` either way.
   * @defaultValue `false`
   */
  readonly passThroughText?: boolean;
  /**
   * Sentences shorter than this are joined to the next one.
   * @defaultValue 1
   */
  readonly minSentenceChars?: number;
  /**
   * Speech rate assumed to estimate where an interrupted sentence would have ended (ms per character), until a
   * finished sentence measured the real one.
   * @defaultValue 65
   */
  readonly msPerChar?: number;
}

/** Defaults of {@link TtsProcessorOptions}. */
export const ttsProcessorDefaults = {
  streaming: true,
  passThroughText: false,
  minSentenceChars: 1,
  msPerChar: 65,
} as const satisfies Partial<TtsProcessorOptions>;

let utterances = 0;

/** Speaks LLM text. Create it with {@link ttsProcessor}. */
export class TtsProcessor extends FrameProcessor {
  readonly #tts: TtsService;
  readonly #options: TtsProcessorOptions;
  readonly #aggregator: SentenceAggregator;
  readonly #sentences: string[] = [];
  #utterance: Utterance | undefined;
  #outputPtsMs = 0;
  #msPerChar: number;
  #stream: TtsStreamDriver | undefined;
  /**
   * Aborts the synthesis in flight on interruption. The base aborts the step's signal too, except for a step on an
   * uninterruptible frame (a `tool.call` flushing the text before it), whose synthesis must stop all the same.
   */
  #speaking: AbortController | undefined;

  constructor(options: TtsProcessorOptions) {
    super({ name: 'tts', ...checkTtsOptions(options) });
    this.#tts = options.tts;
    this.#options = options;
    this.#aggregator = new SentenceAggregator({ minChars: options.minSentenceChars ?? ttsProcessorDefaults.minSentenceChars });
    this.#msPerChar = options.msPerChar ?? ttsProcessorDefaults.msPerChar;
  }

  protected override async onStart(): Promise<void> {
    const connect = this.#tts.connect?.bind(this.#tts);
    if (connect === undefined || !(this.#options.streaming ?? ttsProcessorDefaults.streaming)) return;
    try {
      const stream = await connect({ logger: this.logger, ...(this.#options.voice === undefined ? {} : { voice: this.#options.voice }) });
      this.#stream = new TtsStreamDriver(stream, {
        logger: this.logger,
        onAudio: (contextId, samples, sampleRate) => this.#onStreamAudio(contextId, samples, sampleRate),
        onTimings: (contextId, words) => this.#onStreamTimings(contextId, words),
        onError: (error, fatal) => this.pushError(error, fatal),
        onClosed: () => {
          this.#stream = undefined;
          this.logger.warn('the tts streaming connection closed; falling back to one request per sentence');
        },
      });
    } catch (error) {
      this.pushError(stageError('tts', error), false);
      this.logger.warn('could not open the tts streaming connection; using one request per sentence');
    }
  }

  protected override onEnd(): Promise<void> | void {
    return this.#stream?.close();
  }

  protected override onCancel(): void {
    void this.#stream?.close();
  }

  protected override onDispose(): void {
    void this.#stream?.close();
  }

  protected override process(frame: Frame, direction: FrameDirection, signal: AbortSignal): void | Promise<void> {
    if (direction === 'downstream') {
      switch (frame.type) {
        case 'response.started':
          this.#open(frame.responseId);
          break;
        case 'text': {
          if (frame.role !== 'assistant') break;
          if (this.#options.passThroughText === true) this.push(frame, direction);
          this.#current();
          this.#sentences.length = 0;
          this.#aggregator.push(frame.text, this.#sentences);
          if (this.#sentences.length === 0) return;
          return this.#speakAll(this.#sentences.splice(0), signal);
        }
        case 'response.ended':
          return this.#finish(frame, signal);
        case 'tool.call':
          // The model's text before a tool call is complete: speak it now (while the tool runs), ahead of the call.
          return this.#flushBefore(frame, signal);
        default:
          break;
      }
    }
    this.push(frame, direction);
  }

  protected override onInterruption(): void {
    this.#speaking?.abort();
    this.#speaking = undefined;
    this.#aggregator.reset();
    const utterance = this.#utterance;
    this.#utterance = undefined;
    if (utterance === undefined) return;
    this.#stream?.cancel(utterance.id);
    // The sentence cut mid-synthesis: report it (estimated end) before the interruption flushes the output, so the
    // context can tell what part of it was heard.
    const piece = utterance.interruptedPiece(this.#msPerChar);
    if (piece !== undefined) this.push(makeFrame('tts.text', { ...piece, utteranceId: utterance.id }, { uninterruptible: true }));
  }

  // ---------------------------------------------------------------- utterances

  #open(responseId: string | undefined): Utterance {
    utterances += 1;
    this.#aggregator.reset();
    this.#utterance = new Utterance(responseId ?? `tts-${utterances}`, this.scheduler.now());
    return this.#utterance;
  }

  #current(): Utterance {
    return this.#utterance ?? this.#open(undefined);
  }

  async #speakAll(sentences: readonly string[], signal: AbortSignal): Promise<void> {
    for (const sentence of sentences) {
      if (signal.aborted) return;
      await this.#speak(sentence, signal);
    }
  }

  async #flushBefore(frame: Frame, signal: AbortSignal): Promise<void> {
    const rest = this.#utterance === undefined ? undefined : this.#aggregator.flush();
    if (rest !== undefined) await this.#speak(rest, signal);
    this.push(frame);
  }

  async #finish(frame: Frame, signal: AbortSignal): Promise<void> {
    const utterance = this.#utterance;
    const rest = this.#aggregator.flush();
    if (utterance !== undefined && rest !== undefined) await this.#speak(rest, signal);
    if (signal.aborted) return;
    if (utterance !== undefined && this.#stream !== undefined && utterance.streamed) {
      await this.#stream.finish(utterance.id, signal);
      if (signal.aborted) return;
      const whole = utterance.streamedPiece();
      if (whole !== undefined) this.push(makeFrame('tts.text', { ...whole, utteranceId: utterance.id }, { uninterruptible: true }));
    }
    if (utterance?.started === true) this.push(makeFrame('tts.stopped', {}), 'downstream', signal);
    if (this.#utterance === utterance) this.#utterance = undefined;
    this.push(frame, 'downstream', signal);
  }

  async #speak(text: string, stepSignal: AbortSignal): Promise<void> {
    const controller = new AbortController();
    this.#speaking = controller;
    const signal = AbortSignal.any([stepSignal, controller.signal]);
    const utterance = this.#current();
    this.#begin(utterance);
    const stream = this.#stream;
    if (stream !== undefined) {
      utterance.streamText(text);
      stream.send(utterance.id, text);
      return;
    }
    utterance.beginPiece(text);
    try {
      const options = { signal, logger: this.logger, ...(this.#options.voice === undefined ? {} : { voice: this.#options.voice }) };
      for await (const chunk of this.#tts.synthesize(text, options)) {
        if (signal.aborted) return;
        if (chunk.type === 'audio') this.#audio(utterance, chunk.samples, chunk.sampleRate, signal);
        else utterance.pieceTimings(chunk.words);
      }
    } catch (error) {
      if (signal.aborted) return;
      utterance.endPiece();
      // One failed request does not end the call: report it (non-fatal) and go on with the next sentence.
      this.pushError(stageError('tts', error), false);
      return;
    }
    if (signal.aborted) return;
    const piece = utterance.endPiece();
    if (piece === undefined) return;
    if (piece.endMs > piece.startMs && text.length > 0) this.#msPerChar = (piece.endMs - piece.startMs) / text.length;
    this.push(makeFrame('tts.text', { ...piece, utteranceId: utterance.id }, { uninterruptible: true }));
  }

  #begin(utterance: Utterance): void {
    if (utterance.started) return;
    utterance.started = true;
    utterance.firstTextAtMs = this.scheduler.now();
    this.startTtfb();
    this.push(makeFrame('tts.started', {}));
  }

  #audio(utterance: Utterance, samples: Int16Array, sampleRate: number, signal?: AbortSignal): void {
    if (!(Number.isInteger(sampleRate) && sampleRate > 0)) {
      throw new CascadeStageError('tts', 'bad_audio', `${this.#tts.name} produced audio at sample rate ${String(sampleRate)}; it cannot be played.`);
    }
    if (samples.length === 0) return;
    if (utterance.awaitingFirstAudio) {
      utterance.awaitingFirstAudio = false;
      this.stopTtfb();
      this.push(latencyFrame('tts.first-audio', this.name, this.scheduler.now() - utterance.firstTextAtMs), 'downstream', signal);
    }
    this.push(makeFrame('audio.output', { samples, sampleRate, channels: 1, utteranceId: utterance.id }, { ptsMs: this.#outputPtsMs }), 'downstream', signal);
    const durationMs = (samples.length / sampleRate) * 1000;
    this.#outputPtsMs += durationMs;
    utterance.audioMs += durationMs;
  }

  // ---------------------------------------------------------------- streaming connection events

  #onStreamAudio(contextId: string, samples: Int16Array, sampleRate: number): void {
    const utterance = this.#utterance;
    if (utterance === undefined || utterance.id !== contextId) return; // a cancelled context's late audio
    try {
      this.#audio(utterance, samples, sampleRate);
    } catch (error) {
      this.pushError(error, false);
    }
  }

  #onStreamTimings(contextId: string, words: readonly WordTiming[]): void {
    const utterance = this.#utterance;
    if (utterance === undefined || utterance.id !== contextId) return;
    utterance.streamTimings(words);
  }
}

function checkTtsOptions(options: TtsProcessorOptions): TtsProcessorOptions {
  if (options?.tts === undefined || typeof options.tts.synthesize !== 'function') throw new CascadeOptionsError('ttsProcessor', "give 'tts', a TtsService.");
  if (options.msPerChar !== undefined && !(options.msPerChar > 0)) throw new CascadeOptionsError('ttsProcessor', `msPerChar must be > 0, got ${options.msPerChar}.`);
  return options;
}

/**
 * Creates the TTS processor.
 *
 * @example
 * ```ts
 * const tts = ttsProcessor({ tts: createOpenAiTts({ voice: 'coral' }) });
 * ```
 * @throws {@link CascadeOptionsError} on bad options.
 */
export function ttsProcessor(options: TtsProcessorOptions): TtsProcessor {
  return new TtsProcessor(options);
}


