/**
 * Micro-batching of Silero windows across streams: every window submitted during one event-loop turn (the frames
 * of many calls arriving in the same I/O phase) runs in ONE `session.run` with a batch dimension.
 *
 * Why: a single-window run costs ~170 us on this kind of machine, mostly fixed per-run overhead; a batch of 8 costs
 * ~80 us per window and a batch of 32+ ~70 us (measured with onnxruntime-node 1.30, Silero v4, single-threaded).
 * By default the latency cost is nil: onnxruntime-node already defers every run to `setImmediate`, and the batch
 * is dispatched from that same phase. One stream alone runs batches of one, exactly as without batching.
 *
 * How big batches get depends on how frames arrive: a ticker feeding every call at once batches them all; frames
 * arriving from many sockets spread over the 20 ms are batched only as far as they land in the same turn. A small
 * {@link SileroBatchingOptions.maxDelayMs} (a few ms, well inside the VAD's 32 ms windows and its 64 ms minimum
 * speech) gathers those too: see {@link configureSileroBatching}.
 *
 * The model's recurrent state is per stream (each analyzer owns its rows); the batcher gathers rows and states into
 * batch tensors (`[B, context + window]`, states `[layers, B, size]`), runs, and scatters outputs back.
 *
 * @packageDocumentation
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { windowSamplesFor, type VadSampleRate } from './analyzer';
import { VadOptionsError } from './errors';
import type { SileroModel } from './silero-model';

/** A stream taking part in a batch (implemented by `SileroAnalyzer`). */
export interface BatchMember {
  /** `[context | window]` for the next run, `inputWidth` floats. Not modified while the window is in flight. */
  readonly row: Float32Array;
  /** Copies the stream's state tensors into batch position `b` of `states` (layout `[layers, batchSize, size]`). */
  gatherState(states: readonly Float32Array[], b: number, batchSize: number): void;
  /** Takes the run's result: its score and the new state at batch position `b` of `states`. */
  complete(probability: number, states: readonly Float32Array[], b: number, batchSize: number): void;
  /** The run failed. */
  fail(error: unknown): void;
}

/** Knobs of the cross-stream batching of one model. */
export interface SileroBatchingOptions {
  /**
   * How long the first window of a batch may wait for others, in ms. 0 batches what arrives in the same
   * event-loop turn, adding no latency; a few ms batch frames of many calls arriving spread over time, at that cost
   * in detection latency.
   * @defaultValue 0
   */
  readonly maxDelayMs?: number;
  /**
   * Most windows in one run; more are split into several runs (the gain per window flattens past ~32).
   * @defaultValue 64
   */
  readonly maxBatch?: number;
}

/** Defaults of {@link SileroBatchingOptions}. */
export const sileroBatchingDefaults = {
  maxDelayMs: 0,
  maxBatch: 64,
} as const satisfies Required<SileroBatchingOptions>;

/** Context samples a v5/v6 model expects before each window (the tail of the previous window). */
export function sileroContextSamples(model: SileroModel, sampleRate: VadSampleRate): number {
  if (model.signature === 'v4') return 0;
  return sampleRate === 16000 ? 64 : 32;
}

/** Batch buffers and the tensors over them; one set per batch in flight. */
interface BatchSet {
  readonly input: Float32Array;
  readonly output: Float32Array;
  readonly statesIn: Float32Array[];
  readonly statesOut: Float32Array[];
  readonly members: (BatchMember | undefined)[];
  /** Feeds and fetches by batch size, made on first use. */
  readonly runs: Map<number, BatchRun>;
}

/** What one `session.run` takes. */
interface BatchRun {
  readonly feeds: InferenceSession.FeedsType;
  readonly fetches: InferenceSession.FetchesType;
}

/** Gathers the windows of many streams at one sample rate into batched runs of one shared model. */
export class SileroBatcher {
  readonly model: SileroModel;
  readonly sampleRate: VadSampleRate;
  readonly windowSamples: number;
  readonly contextSamples: number;
  /** Floats per input row: context plus window. */
  readonly inputWidth: number;
  /** State tensors per run (v4: `h`, `c`; v5: `state`) and their per-stream shape `[layers, 1, size]`. */
  readonly stateTensors: number;
  readonly stateLayers: number;
  readonly stateSize: number;

  readonly #sampleRateTensor: Tensor;
  #maxBatch: number = sileroBatchingDefaults.maxBatch;
  #maxDelayMs: number = sileroBatchingDefaults.maxDelayMs;
  #pending: BatchMember[] = [];
  #spare: BatchMember[] = [];
  #scheduled = false;
  readonly #idle: BatchSet[] = [];
  /** Runs done, and windows in them (for tests and metrics). */
  #runs = 0;
  #windows = 0;

  constructor(model: SileroModel, sampleRate: VadSampleRate, options: SileroBatchingOptions = {}) {
    this.model = model;
    this.sampleRate = sampleRate;
    this.windowSamples = windowSamplesFor(sampleRate);
    this.contextSamples = sileroContextSamples(model, sampleRate);
    this.inputWidth = this.contextSamples + this.windowSamples;
    this.stateTensors = model.signature === 'v4' ? 2 : 1;
    const dims = model.state.stateDims;
    this.stateLayers = dims[0];
    this.stateSize = model.state.stateSize / dims[0];
    this.#sampleRateTensor = model.sampleRateTensor(sampleRate);
    this.configure(options);
  }

  /**
   * Changes the batching knobs (for the batches that follow).
   * @throws {@link VadOptionsError} on out-of-range values.
   */
  configure(options: SileroBatchingOptions): void {
    const maxBatch = options.maxBatch ?? this.#maxBatch;
    const maxDelayMs = options.maxDelayMs ?? this.#maxDelayMs;
    if (!(Number.isInteger(maxBatch) && maxBatch >= 1 && maxBatch <= 1024)) {
      throw new VadOptionsError(`Silero maxBatch must be an integer in [1, 1024], got ${maxBatch}.`);
    }
    if (!(maxDelayMs >= 0 && maxDelayMs <= 32)) {
      throw new VadOptionsError(`Silero maxDelayMs must be in [0, 32] (one window), got ${maxDelayMs}.`);
    }
    if (maxBatch !== this.#maxBatch) this.#idle.length = 0; // buffer sets are sized for the old maximum
    this.#maxBatch = maxBatch;
    this.#maxDelayMs = maxDelayMs;
  }

  /** Runs and windows so far: `windows / runs` is the mean batch size. */
  get counts(): { readonly runs: number; readonly windows: number } {
    return { runs: this.#runs, windows: this.#windows };
  }

  /** Queues a member's row for the next batch (dispatched on the next `setImmediate`). */
  submit(member: BatchMember): void {
    this.#pending.push(member);
    if (this.#scheduled) return;
    this.#scheduled = true;
    if (this.#maxDelayMs > 0) setTimeout(this.#dispatch, this.#maxDelayMs);
    else setImmediate(this.#dispatch);
  }

  readonly #dispatch = (): void => {
    this.#scheduled = false;
    const members = this.#pending;
    this.#pending = this.#spare;
    for (let from = 0; from < members.length; from += this.#maxBatch) {
      this.#run(members, from, Math.min(members.length, from + this.#maxBatch));
    }
    members.length = 0;
    this.#spare = members;
  };

  #run(members: readonly BatchMember[], from: number, to: number): void {
    let set = this.#idle.pop() ?? this.#newSet();
    if (set.members.length < to - from) set = this.#newSet(); // left over from before a configure()
    const batchSize = to - from;
    const width = this.inputWidth;
    for (let b = 0; b < batchSize; b++) {
      const member = members[from + b];
      set.members[b] = member;
      set.input.set(member.row, b * width);
      member.gatherState(set.statesIn, b, batchSize);
    }
    const run = this.#runFor(set, batchSize);
    this.#runs += 1;
    this.#windows += batchSize;
    this.model.session.run(run.feeds, run.fetches).then(
      () => {
        for (let b = 0; b < batchSize; b++) {
          const member = set.members[b] as BatchMember;
          set.members[b] = undefined;
          member.complete(set.output[b], set.statesOut, b, batchSize);
        }
        if (set.members.length === this.#maxBatch) this.#idle.push(set);
      },
      (error: unknown) => {
        for (let b = 0; b < batchSize; b++) {
          const member = set.members[b] as BatchMember;
          set.members[b] = undefined;
          member.fail(error);
        }
        if (set.members.length === this.#maxBatch) this.#idle.push(set);
      },
    );
  }

  #newSet(): BatchSet {
    const max = this.#maxBatch;
    const stateLength = this.stateLayers * max * this.stateSize;
    return {
      input: new Float32Array(max * this.inputWidth),
      output: new Float32Array(max),
      statesIn: Array.from({ length: this.stateTensors }, () => new Float32Array(stateLength)),
      statesOut: Array.from({ length: this.stateTensors }, () => new Float32Array(stateLength)),
      members: new Array<BatchMember | undefined>(max).fill(undefined),
      runs: new Map(),
    };
  }

  #runFor(set: BatchSet, batchSize: number): BatchRun {
    const cached = set.runs.get(batchSize);
    if (cached !== undefined) return cached;
    const model = this.model;
    const stateDims = [this.stateLayers, batchSize, this.stateSize];
    const stateLength = this.stateLayers * batchSize * this.stateSize;
    const tensor = (data: Float32Array, length: number, dims: readonly number[]): Tensor => model.floatTensor(data.subarray(0, length), dims);
    const input = tensor(set.input, batchSize * this.inputWidth, [batchSize, this.inputWidth]);
    const output = tensor(set.output, batchSize, [batchSize, 1]);
    const statesIn = set.statesIn.map((data) => tensor(data, stateLength, stateDims));
    const statesOut = set.statesOut.map((data) => tensor(data, stateLength, stateDims));
    const sr = this.#sampleRateTensor;
    const run: BatchRun =
      model.signature === 'v4'
        ? { feeds: { input, sr, h: statesIn[0], c: statesIn[1] }, fetches: { output, hn: statesOut[0], cn: statesOut[1] } }
        : { feeds: { input, sr, state: statesIn[0] }, fetches: { output, stateN: statesOut[0] } };
    set.runs.set(batchSize, run);
    return run;
  }
}

const batchers = new WeakMap<SileroModel, Map<VadSampleRate, SileroBatcher>>();

/**
 * Sets how a model batches windows across streams, at both rates. Affects every stream using the model.
 *
 * @example
 * ```ts
 * const model = await loadSileroModel();
 * configureSileroBatching(model, { maxDelayMs: 4 }); // many calls per process, frames arriving spread over time
 * const vad = sileroVad({ session: model });
 * ```
 */
export function configureSileroBatching(model: SileroModel, options: SileroBatchingOptions): void {
  for (const rate of [8000, 16000] as const) sileroBatcher(model, rate).configure(options);
}

/** The batcher of a model at a sample rate: one per pair, shared by every stream in the process. */
export function sileroBatcher(model: SileroModel, sampleRate: VadSampleRate): SileroBatcher {
  let byRate = batchers.get(model);
  if (byRate === undefined) {
    byRate = new Map();
    batchers.set(model, byRate);
  }
  let batcher = byRate.get(sampleRate);
  if (batcher === undefined) {
    batcher = new SileroBatcher(model, sampleRate);
    byRate.set(sampleRate, batcher);
  }
  return batcher;
}
