/**
 * The pure analyzers: Silero on the real models shipped in `@ricky0123/vad-web` (v4, v5, v6) and on hand-built
 * v5-signature models, and the energy analyzer. Samples in, scores out.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnergyAnalyzer, energyAnalyzerFactory, rmsDb } from '../src/vad/energy-analyzer';
import { VadAnalyzerError, VadModelError, VadOptionsError } from '../src/vad/errors';
import { SileroAnalyzer, createSileroAnalyzer, sileroAnalyzerFactory } from '../src/vad/silero-analyzer';
import { configureSileroBatching, sileroBatcher } from '../src/vad/silero-batcher';
import { DEFAULT_SILERO_MODEL_VERSION, SILERO_MODEL_ENV, SileroModel, defaultSileroModelPath, loadSileroModel, sileroModelPath } from '../src/vad/silero-model';
import { V5_SIGNATURE, fakeVadModel } from './fixtures/onnx-model';
import { buildConversation, describeWithSpeech } from './fixtures/speech';

const scratch = mkdtempSync(join(tmpdir(), 'voxframe-vad-analyzers-'));

function writeModel(name: string, bytes: Uint8Array): string {
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  return path;
}

/** A vowel-like buzz: a 140 Hz pulse train through a crude formant, loud enough to be voice for Silero. */
function buzz(samples: number, rate: number, seed = 1): Int16Array {
  const out = new Int16Array(samples);
  let state = seed;
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const voiced = Math.sin(2 * Math.PI * 140 * t) + 0.6 * Math.sin(2 * Math.PI * 700 * t) + 0.4 * Math.sin(2 * Math.PI * 1200 * t);
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    out[i] = Math.round(6000 * voiced + ((state / 0x7fffffff) - 0.5) * 400);
  }
  return out;
}

function windows(signal: Int16Array, size: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i + size <= signal.length; i += size) out.push(signal.subarray(i, i + size));
  return out;
}

async function scores(analyzer: SileroAnalyzer, signal: Int16Array): Promise<number[]> {
  const out: number[] = [];
  for (const window of windows(signal, analyzer.windowSamples)) out.push(await analyzer.analyze(window));
  return out;
}

describe('Silero model loading', () => {
  it.each([
    ['v4', 'silero_vad_legacy.onnx', 'v4', ['input', 'sr', 'h', 'c'], { stateDims: [2, 1, 64], stateSize: 128 }],
    ['v5', 'silero_vad_v5.onnx', 'v5', ['input', 'state', 'sr'], { stateDims: [2, 1, 128], stateSize: 256 }],
    ['v6', 'silero_vad_v6.onnx', 'v5', ['input', 'state', 'sr'], { stateDims: [2, 1, 128], stateSize: 256 }],
  ] as const)('finds Silero %s (%s) in @ricky0123/vad-web and loads it single-threaded', async (version, file, signature, inputs, state) => {
    const path = sileroModelPath(version);
    expect(path.endsWith(join('vad-web', 'dist', file))).toBe(true);
    expect(existsSync(path)).toBe(true);
    const model = await loadSileroModel({ version });
    expect(model).toMatchObject({ path, signature, state });
    expect(model.session.inputNames).toEqual(expect.arrayContaining([...inputs]));
  });

  it('uses Silero v5 by default, and the three releases are different files', async () => {
    expect(DEFAULT_SILERO_MODEL_VERSION).toBe('v5');
    expect(defaultSileroModelPath()).toBe(sileroModelPath('v5'));
    expect(await loadSileroModel()).toBe(await loadSileroModel({ version: 'v5' }));
    const bytes = (['v4', 'v5', 'v6'] as const).map((version) => readFileSync(sileroModelPath(version)).toString('base64'));
    expect(new Set(bytes).size).toBe(3);
    expect(() => sileroModelPath('v7' as 'v6')).toThrow(/Unknown Silero model version v7/);
  });

  it('shares one session per model path', async () => {
    const [a, b] = await Promise.all([loadSileroModel(), loadSileroModel({ path: defaultSileroModelPath() })]);
    expect(a).toBe(b);
  });

  it('honours the model path environment variable', () => {
    const previous = process.env[SILERO_MODEL_ENV];
    process.env[SILERO_MODEL_ENV] = 'relative/model.onnx';
    try {
      expect(defaultSileroModelPath()).toBe(join(process.cwd(), 'relative/model.onnx'));
    } finally {
      if (previous === undefined) delete process.env[SILERO_MODEL_ENV];
      else process.env[SILERO_MODEL_ENV] = previous;
    }
  });

  it('reports a missing file with the path tried and how to fix it', async () => {
    const path = join(scratch, 'nope', 'silero.onnx');
    const error = await loadSileroModel({ path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VadModelError);
    expect(error).toMatchObject({ code: 'vad_model_missing', path, recoverable: false });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('modelPath');
  });

  it('reports a corrupt file as an invalid model, and retries after the file is fixed', async () => {
    const path = writeModel('corrupt.onnx', Uint8Array.from({ length: 256 }, (_, i) => (i * 37) & 0xff));
    await expect(loadSileroModel({ path })).rejects.toMatchObject({ code: 'vad_model_invalid', path });
    writeFileSync(path, fakeVadModel());
    await expect(loadSileroModel({ path })).resolves.toMatchObject({ signature: 'v5' });
  });

  it('rejects an ONNX model that is not Silero, naming what it found', async () => {
    const path = writeModel('other.onnx', fakeVadModel({ ...V5_SIGNATURE, input: 'audio', stateOut: 'next' }));
    const error = await loadSileroModel({ path }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'vad_model_invalid' });
    expect((error as Error).message).toMatch(/inputs \[audio, state, sr\]/);
  });
});

describe.each(['v4', 'v5', 'v6'] as const)('SileroAnalyzer on the shipped Silero %s model', (version) => {
  let model: SileroModel;
  beforeAll(async () => {
    model = await loadSileroModel({ version });
  });

  it('takes 512-sample windows at 16 kHz and 256 at 8 kHz', () => {
    expect(createSileroAnalyzer(model, 16000)).toMatchObject({ windowSamples: 512, sampleRate: 16000 });
    expect(createSileroAnalyzer(model, 8000)).toMatchObject({ windowSamples: 256, sampleRate: 8000 });
  });


  it('keeps each stream its own state on the shared session (interleaved equals separate)', async () => {
    const signalA = buzz(16000, 16000, 1);
    const signalB = new Int16Array(16000).map((_, i) => Math.round(3000 * Math.sin(i / 3)));
    const alone = [await scores(createSileroAnalyzer(model, 16000), signalA), await scores(createSileroAnalyzer(model, 16000), signalB)];
    const a = createSileroAnalyzer(model, 16000);
    const b = createSileroAnalyzer(model, 16000);
    const interleaved: [number[], number[]] = [[], []];
    const windowsA = windows(signalA, 512);
    const windowsB = windows(signalB, 512);
    const before = sileroBatcher(model, 16000).counts;
    for (let i = 0; i < windowsA.length; i++) {
      const [pa, pb] = await Promise.all([a.analyze(windowsA[i]), b.analyze(windowsB[i])]);
      interleaved[0].push(pa);
      interleaved[1].push(pb);
    }
    // Both streams' windows of a turn went into one run (a batch of two)...
    const after = sileroBatcher(model, 16000).counts;
    expect({ runs: after.runs - before.runs, windows: after.windows - before.windows }).toEqual({ runs: windowsA.length, windows: 2 * windowsA.length });
    // ...and each stream got the scores it gets alone (batched maths differs only in float rounding).
    const worst = Math.max(...interleaved.flatMap((scores, s) => scores.map((p, i) => Math.abs(p - alone[s][i]))));
    expect(worst).toBeLessThan(1e-4);
    // The recurrent state matters: the same window scores differently after different histories.
    expect(alone[0][10]).not.toBe((await scores(createSileroAnalyzer(model, 16000), signalA.subarray(512 * 10)))[0]);
  });

  it('batches windows arriving in different turns when allowed to wait, and validates the batching knobs', async () => {
    const batcher = sileroBatcher(model, 8000);
    const [a, b, c] = [0, 1, 2].map(() => createSileroAnalyzer(model, 8000));
    const window = new Int16Array(256);
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const runsOf = async (maxDelayMs: number): Promise<number> => {
      configureSileroBatching(model, { maxDelayMs });
      const before = batcher.counts.runs;
      const pa = a.analyze(window);
      await turn();
      const pb = b.analyze(window);
      await turn();
      const pc = c.analyze(window);
      await Promise.all([pa, pb, pc]);
      return batcher.counts.runs - before;
    };
    try {
      expect(await runsOf(0)).toBeGreaterThan(1);
      expect(await runsOf(20)).toBe(1);
    } finally {
      configureSileroBatching(model, { maxDelayMs: 0 });
    }
    expect(() => configureSileroBatching(model, { maxDelayMs: 100 })).toThrow(VadOptionsError);
    expect(() => configureSileroBatching(model, { maxBatch: 0 })).toThrow(/maxBatch/);
  });

  it('splits a turn with more windows than maxBatch into several runs', async () => {
    const batcher = sileroBatcher(model, 16000);
    configureSileroBatching(model, { maxBatch: 3 });
    try {
      const analyzers = Array.from({ length: 7 }, () => createSileroAnalyzer(model, 16000));
      const before = batcher.counts;
      const scores = await Promise.all(analyzers.map((analyzer) => analyzer.analyze(new Int16Array(512))));
      expect(new Set(scores.map((p) => p.toFixed(4))).size).toBe(1); // same silence, same score, whatever the batch
      expect({ runs: batcher.counts.runs - before.runs, windows: batcher.counts.windows - before.windows }).toEqual({ runs: 3, windows: 7 });
    } finally {
      configureSileroBatching(model, { maxBatch: 64 });
    }
  });

  it('gives the same scores for PCM16 and float windows, and forgets its state on reset', async () => {
    const signal = buzz(8000, 16000);
    const analyzer = createSileroAnalyzer(model, 16000);
    const fromInt = await scores(analyzer, signal);
    analyzer.reset();
    const fromFloat: number[] = [];
    for (const window of windows(signal, 512)) fromFloat.push(await analyzer.analyze(Float32Array.from(window, (s) => s / 32768)));
    expect(fromFloat).toEqual(fromInt);
  });

  it('scores NaN and Infinity float samples as silence instead of poisoning the state', async () => {
    const analyzer = createSileroAnalyzer(model, 16000);
    const garbage = new Float32Array(512).fill(Number.NaN);
    garbage[3] = Number.POSITIVE_INFINITY;
    const p = await analyzer.analyze(garbage);
    expect(Number.isFinite(p)).toBe(true);
    const after = await scores(analyzer, new Int16Array(512 * 4));
    expect(after.every((x) => Number.isFinite(x) && x < 0.2)).toBe(true);
  });

  it('rejects a window of the wrong size and an overlapping call with typed errors', async () => {
    const analyzer = createSileroAnalyzer(model, 16000);
    await expect(analyzer.analyze(new Int16Array(480))).rejects.toBeInstanceOf(VadAnalyzerError);
    const first = analyzer.analyze(new Int16Array(512));
    await expect(analyzer.analyze(new Int16Array(512))).rejects.toThrow(/before the previous window finished/);
    await expect(first).resolves.toEqual(expect.any(Number));
  });
});

describe('SileroAnalyzer on a v5/v6-signature model', () => {
  let model: SileroModel;
  beforeAll(async () => {
    model = await loadSileroModel({ path: writeModel('fake-v5.onnx', fakeVadModel()) });
  });

  it('detects the signature from the input names', () => {
    expect(model.signature).toBe('v5');
    expect(model.state).toEqual({ stateDims: [2, 1, 128], stateSize: 256 });
  });

  it.each([
    [16000, 512, 64],
    [8000, 256, 32],
  ] as const)('prepends the previous window tail (%i Hz: %i + %i samples) and threads the state', async (rate, size, context) => {
    const analyzer = createSileroAnalyzer(model, rate);
    // output = mean(|input|) + 0.01 * (windows run before); the input is [context | window].
    const first = await analyzer.analyze(new Float32Array(size).fill(0.5));
    expect(first).toBeCloseTo((size * 0.5) / (size + context), 5);
    const second = await analyzer.analyze(new Int16Array(size));
    expect(second).toBeCloseTo((context * 0.5) / (size + context) + 0.01, 5);
    const third = await analyzer.analyze(new Int16Array(size));
    expect(third).toBeCloseTo(0.02, 5);
    analyzer.reset();
    expect(await analyzer.analyze(new Int16Array(size))).toBeCloseTo(0, 5);
  });

  it('wraps a caller-made session', async () => {
    const wrapped = SileroModel.fromSession(model.session);
    expect(wrapped).toMatchObject({ signature: 'v5', path: '(session)' });
    expect(await createSileroAnalyzer(wrapped, 16000).analyze(new Int16Array(512))).toBeCloseTo(0, 5);
  });
});

describe('sileroAnalyzerFactory', () => {
  it('loads once and then creates analyzers', async () => {
    const factory = sileroAnalyzerFactory();
    expect(() => factory.create(16000)).toThrow(VadAnalyzerError);
    await Promise.all([factory.load(), factory.load()]);
    expect(factory.model).toBe(await loadSileroModel());
    expect(factory.create(8000).windowSamples).toBe(256);
  });

  it('surfaces a missing model as a rejected load', async () => {
    await expect(sileroAnalyzerFactory({ modelPath: join(scratch, 'missing.onnx') }).load()).rejects.toBeInstanceOf(VadModelError);
  });
});

describe('EnergyAnalyzer', () => {
  const sine = (amplitude: number, samples: number): Int16Array =>
    Int16Array.from({ length: samples }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 16000)));

  it('measures RMS level in dBFS', () => {
    expect(rmsDb(sine(32767, 512))).toBeCloseTo(-3.01, 1);
    expect(rmsDb(sine(3277, 512))).toBeCloseTo(-23.01, 1);
    expect(rmsDb(new Int16Array(512))).toBe(-100);
    expect(rmsDb(Float32Array.of(0.5, Number.NaN, -0.5, Number.NEGATIVE_INFINITY))).toBeCloseTo(-9.03, 1);
  });

  it('scores silence 0 and speech-level sound 1, on 32 ms windows', () => {
    const analyzer = new EnergyAnalyzer(16000);
    expect(analyzer.windowSamples).toBe(512);
    expect(analyzer.analyze(new Int16Array(512))).toBe(0);
    expect(analyzer.analyze(sine(8000, 512))).toBe(1);
  });

  it('scores linearly between the reference level and rangeDb above it', () => {
    const analyzer = new EnergyAnalyzer(8000, { adaptive: false, silenceDb: -50, rangeDb: 20 });
    // A sine at -40 dBFS RMS is 10 dB above the reference: half way.
    const amplitude = 32768 * Math.SQRT2 * 10 ** (-40 / 20);
    expect(analyzer.analyze(sine(amplitude, 256))).toBeCloseTo(0.5, 2);
  });

  it('follows steady background noise so it stops scoring as speech', () => {
    const noise = sine(32768 * Math.SQRT2 * 10 ** (-38 / 20), 512);
    const fixed = new EnergyAnalyzer(16000, { adaptive: false });
    const adaptive = new EnergyAnalyzer(16000);
    const fixedScores: number[] = [];
    const adaptiveScores: number[] = [];
    for (let i = 0; i < 200; i++) {
      fixedScores.push(fixed.analyze(noise));
      adaptiveScores.push(adaptive.analyze(noise));
    }
    expect(fixedScores.at(-1)).toBeCloseTo(0.6, 2);
    expect(adaptiveScores[0]).toBeCloseTo(0.6, 2); // the first window is judged against the quiet before it
    expect(adaptiveScores[1]).toBe(0);
    expect(adaptiveScores.at(-1)).toBe(0);
    expect(adaptive.noiseFloorDb).toBeCloseTo(-38, 0);
    // Speech well above that noise still scores, and a few seconds of it do not raise the floor.
    for (let i = 0; i < 90; i++) expect(adaptive.analyze(sine(10000, 512))).toBeGreaterThan(0.7);
    adaptive.reset();
    expect(adaptive.noiseFloorDb).toBeNaN();
  });

  it('validates its options when the factory is made', () => {
    expect(() => energyAnalyzerFactory({ rangeDb: 0 })).toThrow(VadOptionsError);
    expect(() => energyAnalyzerFactory({ silenceDb: 6 })).toThrow(/silenceDb/);
    expect(() => energyAnalyzerFactory({ noiseWindowMs: 0 })).toThrow(/noiseWindowMs/);
    expect(energyAnalyzerFactory({ silenceDb: undefined }).create(8000).windowSamples).toBe(256);
  });
});

describeWithSpeech('Silero v4, v5 and v6 on generated speech', () => {
  it.each(['v4', 'v5', 'v6'] as const)('Silero %s scores silence low and speech high at 16 and 8 kHz', async (version) => {
    const model = await loadSileroModel({ version });
    for (const rate of [16000, 8000] as const) {
      const clip = await buildConversation([{ text: 'hello there, how are you', silenceAfterMs: 300 }], rate, { leadSilenceMs: 500, noiseDb: undefined });
      const analyzer = createSileroAnalyzer(model, rate);
      const all = await scores(analyzer, clip.samples);
      const windowMs = (analyzer.windowSamples * 1000) / rate;
      const silent = all.filter((_, i) => (i + 1) * windowMs <= clip.spans[0].startMs);
      const speech = all.filter((_, i) => i * windowMs >= clip.spans[0].startMs && (i + 1) * windowMs <= clip.spans[0].endMs);
      expect({ version, rate, silentMax: Math.max(...silent) < 0.1, speechMax: Math.max(...speech) > 0.9 }).toEqual({ version, rate, silentMax: true, speechMax: true });
    }
  });
});
