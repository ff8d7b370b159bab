/**
 * The offline echo-test agent: it listens while you speak and, when you stop, plays back what you said. Built only
 * from voxframe parts (the VAD decides the turns, the pacer plays the reply, the transport flushes on barge-in), it
 * exercises turn-taking, playback and interruption end to end without any model or key.
 *
 * @packageDocumentation
 */
import { FrameProcessor, makeFrame, type Frame, type FrameDirection, type InputAudioFrame } from '@voxframe/core';

/** Options of {@link EchoAgent}. */
export interface EchoAgentOptions {
  /** Audio kept before the VAD's speech start (the start is detected a little late). @defaultValue 300 */
  readonly leadMs?: number;
  /** Audio kept after the VAD's speech end. @defaultValue 150 */
  readonly tailMs?: number;
  /** Longest echo, and the history ring's size. @defaultValue 15000 */
  readonly maxUtteranceMs?: number;
  /** Size of the output frames. @defaultValue 20 */
  readonly chunkMs?: number;
}

/** Defaults of {@link EchoAgentOptions}. */
export const echoAgentDefaults = { leadMs: 300, tailMs: 150, maxUtteranceMs: 15_000, chunkMs: 20 } as const satisfies EchoAgentOptions;

/**
 * Records the input in a ring indexed by media time; on `user.stopped-speaking` it pushes the span between the
 * matching `user.started-speaking` and the stop (by their `ptsMs`, padded) as `audio.output` frames of one
 * utterance, then an assistant `turn.end`.
 */
export class EchoAgent extends FrameProcessor {
  readonly #options: Required<EchoAgentOptions>;
  #ring: Int16Array | undefined;
  #rate = 0;
  /** Samples written since the start (absolute position of the ring's write head). */
  #written = 0;
  /** Media time of the first sample written. */
  #originMs = 0;
  #speechStartMs: number | undefined;
  #utterances = 0;

  constructor(options: EchoAgentOptions = {}) {
    super({ name: 'EchoAgent' });
    this.#options = { ...echoAgentDefaults, ...options };
  }

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction === 'downstream') {
      if (frame.type === 'audio.input') {
        this.#record(frame);
        return; // consumed: the echo agent is the "model"
      }
      if (frame.type === 'user.started-speaking') this.#speechStartMs = frame.ptsMs;
      else if (frame.type === 'user.stopped-speaking') {
        this.push(frame, direction);
        this.#reply(frame.ptsMs);
        return;
      }
    }
    this.push(frame, direction);
  }

  #record(frame: InputAudioFrame): void {
    if (this.#ring === undefined || frame.sampleRate !== this.#rate) {
      this.#rate = frame.sampleRate;
      this.#ring = new Int16Array(Math.ceil((this.#rate * this.#options.maxUtteranceMs) / 1000));
      this.#written = 0;
      this.#originMs = frame.ptsMs;
    }
    const ring = this.#ring;
    const samples = frame.samples;
    for (let i = 0; i < samples.length; i++) ring[(this.#written + i) % ring.length] = samples[i];
    this.#written += samples.length;
  }

  #reply(stopMs: number): void {
    const ring = this.#ring;
    const startMs = this.#speechStartMs;
    this.#speechStartMs = undefined;
    if (ring === undefined || startMs === undefined) return;
    const toSample = (ms: number): number => Math.round(((ms - this.#originMs) * this.#rate) / 1000);
    const oldest = Math.max(0, this.#written - ring.length);
    const from = Math.max(oldest, toSample(startMs - this.#options.leadMs));
    const to = Math.min(this.#written, toSample(stopMs + this.#options.tailMs));
    if (to <= from) return;
    this.#utterances += 1;
    const utteranceId = `echo-${this.#utterances}`;
    const chunk = Math.round((this.#rate * this.#options.chunkMs) / 1000);
    for (let at = from; at < to; at += chunk) {
      const n = Math.min(chunk, to - at);
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = ring[(at + i) % ring.length];
      this.push(makeFrame('audio.output', { samples, sampleRate: this.#rate, channels: 1, utteranceId }));
    }
    this.push(makeFrame('turn.end', { role: 'assistant', status: 'completed', utteranceId }));
    this.logger.info({ utteranceId, ms: Math.round(((to - from) / this.#rate) * 1000) }, 'echoing the user');
  }
}
