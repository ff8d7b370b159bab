/**
 * `MemoryTransport`: a transport whose "connection" is the test itself.
 *
 * @packageDocumentation
 */
import { FrameProcessor, makeFrame, type Frame, type FrameDirection } from '@voxframe/core';

/** Options of {@link MemoryTransport}. */
export interface MemoryTransportOptions {
  /** Rate of audio written with {@link MemoryTransport.writeAudio}. @defaultValue 16000 */
  readonly sampleRate?: number;
  /** Size of the frames `writeAudio` cuts audio into, in ms. @defaultValue 20 */
  readonly chunkMs?: number;
}

/** Defaults of {@link MemoryTransportOptions}. */
export const memoryTransportDefaults = { sampleRate: 16000, chunkMs: 20 } as const satisfies MemoryTransportOptions;

/** The input side: frames the test writes are pushed downstream once the pipeline runs; frames that reach it upstream are recorded. */
export class MemoryInput extends FrameProcessor {
  /** Frames that reached the head going upstream (errors, interruption requests, playback progress). */
  readonly upstreamFrames: Frame[] = [];
  #pending: Frame[] = [];

  constructor() {
    super({ name: 'MemoryInput' });
  }

  protected override onStart(): void {
    // Frames written before start go out right after the start frame, in order.
    setTimeout(() => {
      const pending = this.#pending;
      this.#pending = [];
      for (const frame of pending) this.write(frame);
    }, 0);
  }

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction === 'upstream') this.upstreamFrames.push(frame);
    this.push(frame, direction);
  }

  /** Pushes a frame downstream (queued until the pipeline started). */
  write(frame: Frame): void {
    if (this.state === 'running') this.push(frame);
    else if (this.state === 'idle' || this.state === 'starting') this.#pending.push(frame);
  }
}

/**
 * The output side: records every frame that reaches the tail going downstream, system frames included (`start`,
 * `interruption.start`, `cancel`, errors), data and control frames, and `end`, in arrival order.
 */
export class MemoryOutput extends FrameProcessor {
  /** Every frame that arrived downstream, in arrival order (system frames included). */
  readonly frames: Frame[] = [];
  /** Interruptions seen (barge-ins that reached the output). */
  interruptions = 0;

  constructor() {
    super({ name: 'MemoryOutput' });
  }

  /** Records the frame on arrival (lifecycle frames never reach `process`), then lets the base handle it. */
  override receive(frame: Frame, direction: FrameDirection): void {
    if (direction === 'downstream') this.frames.push(frame);
    super.receive(frame, direction);
  }

  protected override onInterruption(): void {
    this.interruptions += 1;
  }

  /** Reports playback progress upstream, as a real output would after playing audio. */
  reportPlayed(utteranceId: string | undefined, playedMs: number, final = false): void {
    this.push(makeFrame('playback.progress', { ...(utteranceId !== undefined ? { utteranceId } : {}), playedMs, final }), 'upstream');
  }

  /** All `audio.output` samples received, concatenated. */
  outputAudio(): Int16Array {
    const audio = this.frames.filter((f) => f.type === 'audio.output');
    const total = audio.reduce((n, f) => n + f.samples.length, 0);
    const out = new Int16Array(total);
    let offset = 0;
    for (const frame of audio) {
      out.set(frame.samples, offset);
      offset += frame.samples.length;
    }
    return out;
  }
}

/**
 * An in-memory transport for tests and offline use: write audio and frames into {@link input}, read what came out
 * of {@link output}.
 *
 * @example
 * ```ts
 * const t = new MemoryTransport({ sampleRate: 16000 });
 * const runner = new PipelineRunner(pipeline(t.input(), myProcessor, t.output()));
 * void runner.run();
 * t.writeAudio(samples);
 * ```
 */
export class MemoryTransport {
  readonly #input = new MemoryInput();
  readonly #output = new MemoryOutput();
  readonly #sampleRate: number;
  readonly #chunkSamples: number;
  #ptsSamples = 0;

  constructor(options: MemoryTransportOptions = {}) {
    this.#sampleRate = options.sampleRate ?? memoryTransportDefaults.sampleRate;
    this.#chunkSamples = Math.max(1, Math.round((this.#sampleRate * (options.chunkMs ?? memoryTransportDefaults.chunkMs)) / 1000));
  }

  /** The input processor (head of the pipeline). */
  input(): MemoryInput {
    return this.#input;
  }

  /** The output processor (tail of the pipeline). */
  output(): MemoryOutput {
    return this.#output;
  }

  /** Cuts PCM16 audio into `chunkMs` frames and writes them as `audio.input`. */
  writeAudio(samples: Int16Array): void {
    for (let offset = 0; offset < samples.length; offset += this.#chunkSamples) {
      const chunk = samples.subarray(offset, Math.min(samples.length, offset + this.#chunkSamples));
      const ptsMs = (this.#ptsSamples / this.#sampleRate) * 1000;
      this.#ptsSamples += chunk.length;
      this.#input.write(makeFrame('audio.input', { samples: chunk, sampleRate: this.#sampleRate, channels: 1 }, { ptsMs }));
    }
  }

  /** Writes any frame downstream. */
  write(frame: Frame): void {
    this.#input.write(frame);
  }
}
