/**
 * The browser transport's output processor: frames become what the page plays and shows.
 *
 * @packageDocumentation
 */
import { FrameProcessor, makeFrame, type Frame, type FrameDirection, type OutputAudioFrame } from '@voxframe/core';
import { bytesViewOfPcm16 } from '../shared/pcm16-view';
import { OutputRateConverter } from '../shared/rate-converter';
import { SendBudget, SendBufferFullError } from '../shared/send-budget';
import type { PlayedMessage } from './protocol';
import type { WebSocketTransport } from './transport';

/** Frames forwarded to the page as `event` messages. */
const PAGE_EVENTS = new Set<string>([
  'user.started-speaking',
  'user.stopped-speaking',
  'bot.started-speaking',
  'bot.stopped-speaking',
  'interruption.start',
  'response.started',
  'response.ended',
  'turn.end',
]);

/**
 * Sends `audio.output` to the client as binary PCM16 at the client's playback rate (resampled when needed), each
 * utterance announced by `audio.start`; sends `flush` the moment an interruption arrives; forwards transcripts,
 * text and speaking events to the page. The client's `played` acknowledgements come back as `playback.progress`
 * frames travelling upstream: the playback clock, measured where the user hears it.
 *
 * Pace the audio before this processor (`outputPacer` from `@voxframe/processors`): the client's queue then stays
 * short, so a flush silences the bot at once.
 */
export class WebSocketOutput extends FrameProcessor {
  readonly #transport: WebSocketTransport;
  readonly #budget: SendBudget;
  readonly #converter = new OutputRateConverter();
  #utteranceId: string | undefined;
  #generatedUtterances = 0;

  constructor(transport: WebSocketTransport, maxBufferedBytes: number) {
    super({ name: 'WebSocketOutput' });
    this.#transport = transport;
    this.#budget = new SendBudget(maxBufferedBytes);
  }

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction === 'downstream') this.#toClient(frame);
    this.push(frame, direction);
  }

  protected override onInterruption(): void {
    // Flush first: this is the barge-in hot path (target: flush sent <= 5 ms p99 after the interruption).
    this.#transport.send({ type: 'flush', reason: 'interruption' });
    this.#transport.sendEvent('interruption.start');
    this.#utteranceId = undefined;
    this.#converter.reset();
  }

  protected override onEnd(): void {
    this.#transport.send({ type: 'end', reason: 'pipeline ended' });
  }

  protected override onDispose(): void {
    this.#transport.close(1000, 'session over');
  }

  /** @internal The client reported playback progress. */
  acceptPlayed(message: PlayedMessage): void {
    if (this.state !== 'running' && this.state !== 'ending') return;
    this.push(
      makeFrame('playback.progress', { utteranceId: message.utteranceId, playedMs: message.playedMs, final: message.final }),
      'upstream',
    );
  }

  /** @internal The socket closed: nothing more can be sent. */
  connectionClosed(): void {
    this.#utteranceId = undefined;
  }

  #toClient(frame: Frame): void {
    switch (frame.type) {
      case 'audio.output':
        this.#sendAudio(frame);
        return;
      case 'transcript':
        this.#transport.send({ type: 'transcript', role: frame.role, text: frame.text, final: frame.final });
        return;
      case 'text':
        this.#transport.send({ type: 'text', role: frame.role, text: frame.text });
        return;
      case 'turn.end':
        if (frame.role === 'assistant') this.#utteranceId = undefined;
        this.#transport.sendEvent(frame.type, { role: frame.role, status: frame.status });
        return;
      case 'metrics':
        for (const metric of frame.metrics) {
          if (metric.kind === 'ttfb') this.#transport.sendEvent('metrics.ttfb', { processor: metric.processor, ms: Math.round(metric.valueMs) });
          // Per-stage latencies of a cascade (stt.final, llm.ttft, tts.first-audio, voice-to-voice).
          else if (metric.kind === 'latency') this.#transport.sendEvent('metrics.latency', { name: metric.name, processor: metric.processor, ms: Math.round(metric.valueMs) });
        }
        return;
      case 'service.switched':
        this.#transport.sendEvent('service.switched', { from: frame.from, to: frame.to, reason: frame.reason, failover: frame.failover });
        return;
      default:
        if (PAGE_EVENTS.has(frame.type)) this.#transport.sendEvent(frame.type);
    }
  }

  #sendAudio(frame: OutputAudioFrame): void {
    const info = this.#transport.info;
    if (info === undefined || !this.#transport.open) return;
    const decision = this.#budget.decide(this.#transport.bufferedBytes);
    if (decision !== 'send') {
      if (decision === 'drop-and-report') this.pushError(new SendBufferFullError('websocket', this.#budget.limitBytes), false);
      return;
    }
    this.#reportRecovery();
    const utteranceId = frame.utteranceId ?? this.#utteranceId ?? this.#newUtteranceId();
    if (utteranceId !== this.#utteranceId) {
      this.#utteranceId = utteranceId;
      this.#transport.send({ type: 'audio.start', utteranceId, sampleRate: info.outputSampleRate });
    }
    const samples = this.#converter.convert(frame.samples, frame.sampleRate, info.outputSampleRate);
    if (samples.length > 0) this.#transport.sendAudio(bytesViewOfPcm16(samples));
  }

  #reportRecovery(): void {
    const dropped = this.#budget.recovered();
    if (dropped === 0) return;
    this.logger.warn({ dropped }, 'send buffer drained; audio frames were dropped meanwhile');
    this.push(makeFrame('metrics', { metrics: [{ kind: 'queue-overflow', processor: this.name, dropped }] }));
  }

  #newUtteranceId(): string {
    this.#generatedUtterances += 1;
    return `${this.#transport.sessionId}-u${this.#generatedUtterances}`;
  }
}
