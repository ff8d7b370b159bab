/**
 * The media-stream output processor: bot audio out, marks back as the playback clock, `clear` on barge-in.
 *
 * @packageDocumentation
 */
import { FrameProcessor, makeFrame, type Frame, type FrameDirection, type OutputAudioFrame } from '@voxframe/core';
import { OutputRateConverter } from '../shared/rate-converter';
import { SendBudget, SendBufferFullError } from '../shared/send-budget';
import { encodeSamples } from './codec';
import { MarkTracker } from './mark-tracker';
import type { MediaStreamTransport } from './transport';

/**
 * Sends `audio.output` (any rate) resampled to the stream's rate and encoded in its codec (mu-law 8 kHz for
 * Twilio) as `media` messages, one per frame it receives; pace frames before it (`outputPacer` with 20 ms chunks)
 * so Twilio's queue stays short. A `mark` follows every `markIntervalMs` of audio and the end of each utterance;
 * confirmed marks travel upstream as `playback.progress`. On `interruption.start` it sends `clear` at once and
 * reports the last confirmed position of the cut utterance as final progress: marks Twilio returns because of the
 * clear are ignored (they prove nothing, protocol note §2).
 */
export class MediaStreamOutput extends FrameProcessor {
  readonly #transport: MediaStreamTransport;
  readonly #markIntervalMs: number;
  readonly #tracker = new MarkTracker();
  readonly #converter = new OutputRateConverter();
  readonly #budget: SendBudget;
  #utteranceId: string | undefined;
  #utterances = 0;
  #sentMs = 0;
  #markedMs = 0;
  #lastMark: string | undefined;
  #clears = 0;

  constructor(transport: MediaStreamTransport, markIntervalMs: number, maxBufferedBytes: number) {
    super({ name: `${transport.dialect.name}Output` });
    this.#transport = transport;
    this.#markIntervalMs = markIntervalMs;
    this.#budget = new SendBudget(maxBufferedBytes);
  }

  /** `clear` messages sent so far (barge-ins). */
  get clearsSent(): number {
    return this.#clears;
  }

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction === 'downstream') {
      if (frame.type === 'audio.output') this.#sendAudio(frame);
      else if ((frame.type === 'turn.end' && frame.role === 'assistant') || frame.type === 'bot.stopped-speaking' || frame.type === 'response.ended') {
        this.#finishUtterance();
      }
    }
    this.push(frame, direction);
  }

  protected override onInterruption(): void {
    const start = this.#transport.start;
    // Clear first: this is the barge-in hot path (target: clear sent <= 5 ms p99 after the interruption).
    if (start !== undefined) {
      this.#transport.sendText(this.#transport.dialect.clear(start.streamId));
      this.#clears += 1;
    }
    const cut = this.#utteranceId;
    const heard = this.#tracker.clear(cut);
    if (cut !== undefined) {
      this.push(makeFrame('playback.progress', { utteranceId: cut, playedMs: heard?.playedMs ?? 0, final: true }), 'upstream');
    }
    this.#resetUtterance();
    this.#converter.reset();
  }

  protected override onEnd(): void {
    this.#finishUtterance();
  }

  /** @internal A mark came back. */
  acceptMark(name: string): void {
    const progress = this.#tracker.echo(name);
    if (progress === undefined) return;
    if (this.state !== 'running' && this.state !== 'ending') return;
    this.push(makeFrame('playback.progress', { utteranceId: progress.utteranceId, playedMs: progress.playedMs, final: progress.final }), 'upstream');
  }

  /** @internal The socket closed. */
  connectionClosed(): void {
    this.#resetUtterance();
  }

  #sendAudio(frame: OutputAudioFrame): void {
    const start = this.#transport.start;
    if (start === undefined || !this.#transport.open) return;
    const utteranceId = frame.utteranceId ?? this.#utteranceId ?? this.#newUtteranceId();
    if (utteranceId !== this.#utteranceId) {
      this.#finishUtterance();
      this.#utteranceId = utteranceId;
    }
    const samples = this.#converter.convert(frame.samples, frame.sampleRate, start.sampleRate);
    if (samples.length === 0) return;
    const decision = this.#budget.decide(this.#transport.bufferedBytes);
    if (decision !== 'send') {
      if (decision === 'drop-and-report') this.pushError(new SendBufferFullError(this.#transport.dialect.name, this.#budget.limitBytes), false);
      return;
    }
    const dropped = this.#budget.recovered();
    if (dropped > 0) {
      this.logger.warn({ dropped }, 'send buffer drained; audio frames were dropped meanwhile');
      this.push(makeFrame('metrics', { metrics: [{ kind: 'queue-overflow', processor: this.name, dropped }] }));
    }
    const bytes = encodeSamples(start.codec, samples);
    this.#transport.sendText(this.#transport.dialect.media(start.streamId, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')));
    this.#sentMs += (samples.length / start.sampleRate) * 1000;
    if (this.#sentMs - this.#markedMs >= this.#markIntervalMs) this.#placeMark(false);
  }

  #placeMark(final: boolean): void {
    const start = this.#transport.start;
    if (start === undefined || this.#utteranceId === undefined) return;
    this.#markedMs = this.#sentMs;
    const name = this.#tracker.place(this.#utteranceId, Math.round(this.#sentMs), final);
    this.#lastMark = name;
    this.#transport.sendText(this.#transport.dialect.mark(start.streamId, name));
  }

  /** The utterance's audio is all sent: a final mark learns when it finished playing. */
  #finishUtterance(): void {
    if (this.#utteranceId === undefined) return;
    const markedAtEnd = this.#lastMark !== undefined && this.#markedMs === this.#sentMs;
    if (this.#sentMs > 0 && !(markedAtEnd && this.#tracker.finalize(this.#lastMark as string))) this.#placeMark(true);
    this.#resetUtterance();
  }

  #resetUtterance(): void {
    this.#utteranceId = undefined;
    this.#sentMs = 0;
    this.#markedMs = 0;
    this.#lastMark = undefined;
  }

  #newUtteranceId(): string {
    this.#utterances += 1;
    return `utt-${this.#utterances}`;
  }
}
