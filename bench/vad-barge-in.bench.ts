/**
 * Barge-in with Silero v4, v5 and v6 (the `.onnx` files shipped in `@ricky0123/vad-web`): how fast a user's speech
 * interrupts the bot, and how often sounds that are not speech do (target, docs/benchmarks.md: output stops <= 100 ms
 * after speech onset with a local VAD), at the VAD's thresholds side by side. The result chose the default model.
 *
 * Per run, one `sileroVad()` per clip with the bot speaking (`bot.started-speaking` sent upstream first, so a speech
 * start emits `interruption.start`), fed 20 ms frames in order; after each frame the event loop turns until the
 * VAD's inference for it is done, as it is on a live call when the CPU keeps up.
 *
 * - **Barge-in latency** (speech onset -> `interruption.start`): the media time at which the frame that led to the
 *   interruption was complete (a microphone delivers a 20 ms frame when its last sample is due) minus the true
 *   onset (the first 10 ms of the utterance within 40 dB of its loudest, the fixture's `activeSpan`), plus the wall
 *   time from that frame's arrival to the interruption (the inference and the hops). Speech: espeak-ng utterances
 *   after ~0.7 s of -60 dBFS noise. An interruption before the onset counts as a false barge-in.
 * - **False barge-ins**: interruptions on non-speech clips (clicks, coughs, typing, knocks, room noise, a loud fan;
 *   `vad-barge-in-sounds.ts`, made with sox when installed).
 *
 * Anchor: the Silero v4 model at the previous defaults (threshold 0.5, minSpeechMs 64), measured in the same run.
 */
import { createLogger, createProcessorContext, makeFrame, type Frame } from '@voxframe/core';
import { loadSileroModel, sileroVad, type SileroModel, type SileroModelVersion, type VadProcessor } from '@voxframe/processors';
import { buildConversation, speechAvailability } from '../packages/processors/test/fixtures/speech';
import { nonSpeechClips, soxAvailable, type NonSpeechClip } from './vad-barge-in-sounds';
import { cpuUs, percentile } from './stats';
import type { BenchRow } from './types';

const FRAME_MS = 20;
/** Audio fed after the onset: enough for any detection. */
const AFTER_ONSET_MS = 600;
const VERSIONS: readonly SileroModelVersion[] = ['v4', 'v5', 'v6'];

const UTTERANCES = [
  'Wait, stop please.',
  'Hold on a second.',
  'No, that is not what I asked.',
  'Excuse me, can I ask something?',
  'Actually, I changed my mind.',
  'Sorry to interrupt you.',
  'Stop, stop.',
  'Hang on, let me think.',
  'Okay, but what about tomorrow?',
  'Never mind that, tell me the price.',
];

/** VAD settings compared. */
interface Setting {
  readonly threshold: number;
  readonly minSpeechMs: number;
}

interface SpeechClip {
  readonly samples: Int16Array;
  readonly onsetMs: number;
}

interface Outcome {
  readonly latencies: number[];
  missed: number;
  falseOnSpeechClips: number;
  readonly falseByClip: Map<string, number>;
  cpuUs: number;
  windows: number;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Feeds one clip through a fresh VAD; returns the media time (ms, with wall compute added) of every interruption. */
async function interruptions(model: SileroModel, setting: Setting, samples: Int16Array, rate: number, outcome: Outcome): Promise<number[]> {
  const vad: VadProcessor = sileroVad({ session: model, threshold: setting.threshold, minSpeechMs: setting.minSpeechMs, inputPace: 'live' });
  const found: number[] = [];
  let frameDueMs = 0;
  let frameArrivedAt = 0;
  vad.attach(createProcessorContext({ logger: createLogger({ level: 'silent' }) }));
  vad.setTarget('downstream', {
    receive: (frame: Frame) => {
      if (frame.type === 'interruption.start') found.push(frameDueMs + (performance.now() - frameArrivedAt));
    },
  });
  vad.setTarget('upstream', { receive: () => undefined });
  vad.receive(makeFrame('start', { allowInterruptions: true, enableMetrics: false }), 'downstream');
  while (vad.state !== 'running') await turn();
  vad.receive(makeFrame('bot.started-speaking', {}), 'upstream');
  const perFrame = (rate * FRAME_MS) / 1000;
  const started = process.cpuUsage();
  for (let k = 0; (k + 1) * perFrame <= samples.length; k++) {
    frameDueMs = (k + 1) * FRAME_MS;
    frameArrivedAt = performance.now();
    vad.receive(makeFrame('audio.input', { samples: samples.subarray(k * perFrame, (k + 1) * perFrame), sampleRate: rate, channels: 1 }, { ptsMs: k * FRAME_MS }), 'downstream');
    // The batcher dispatches on the next turn and onnxruntime runs on the one after.
    await turn();
    await turn();
  }
  outcome.cpuUs += cpuUs(started);
  const { windowsAnalyzed, windowsDropped } = vad.stats;
  if (windowsDropped > 0) throw new Error(`vad-barge-in bench: ${windowsDropped} windows dropped`);
  outcome.windows += windowsAnalyzed;
  vad.dispose();
  return found;
}

async function measure(model: SileroModel, setting: Setting, speech: readonly SpeechClip[], sounds: readonly NonSpeechClip[], rate: number): Promise<Outcome> {
  const outcome: Outcome = { latencies: [], missed: 0, falseOnSpeechClips: 0, falseByClip: new Map(), cpuUs: 0, windows: 0 };
  for (const clip of speech) {
    const times = await interruptions(model, setting, clip.samples, rate, outcome);
    const early = times.filter((t) => t < clip.onsetMs);
    outcome.falseOnSpeechClips += early.length;
    const first = times.find((t) => t >= clip.onsetMs);
    if (first === undefined) outcome.missed += 1;
    else outcome.latencies.push(first - clip.onsetMs);
  }
  for (const sound of sounds) {
    const times = await interruptions(model, setting, sound.samples, rate, outcome);
    outcome.falseByClip.set(sound.name, times.length);
  }
  outcome.latencies.sort((a, b) => a - b);
  return outcome;
}

const falseTotal = (o: Outcome): number => o.falseOnSpeechClips + [...o.falseByClip.values()].reduce((a, b) => a + b, 0);

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  const status = speechAvailability();
  if (!status.available) return [{ name: 'barge-in per Silero model: SKIPPED', value: Number.NaN, unit: 'ms', notes: status.reason }];
  const useSox = soxAvailable();
  const rates = opts.quick ? [16000] : [16000, 8000];
  const settings: readonly Setting[] = opts.quick
    ? [{ threshold: 0.5, minSpeechMs: 64 }]
    : [
        { threshold: 0.5, minSpeechMs: 64 },
        { threshold: 0.5, minSpeechMs: 32 },
        { threshold: 0.6, minSpeechMs: 32 },
        { threshold: 0.4, minSpeechMs: 64 },
      ];
  const utterances = opts.quick ? UTTERANCES.slice(0, 4) : UTTERANCES;
  const models = new Map<SileroModelVersion, SileroModel>();
  for (const version of VERSIONS) models.set(version, await loadSileroModel({ version }));
  const rows: BenchRow[] = [];
  for (const rate of rates) {
    const speech: SpeechClip[] = [];
    for (const [i, text] of utterances.entries()) {
      const clip = await buildConversation([{ text, silenceAfterMs: 0 }], rate, { leadSilenceMs: 700 + ((i * 7) % 40) });
      const onsetMs = clip.spans[0].startMs;
      speech.push({ samples: clip.samples.subarray(0, Math.min(clip.samples.length, Math.round(((onsetMs + AFTER_ONSET_MS) * rate) / 1000))), onsetMs });
    }
    // Quick mode (CI): the first 2 s of each sound.
    const sounds = nonSpeechClips(rate, useSox).map((clip) => (opts.quick ? { ...clip, samples: clip.samples.subarray(0, 2 * rate) } : clip));
    const soundSeconds = sounds.reduce((sum, s) => sum + s.samples.length / rate, 0);
    // Warm-up: every model's first runs (onnxruntime's lazy initialisation) outside the measurement.
    for (const model of models.values()) await measure(model, settings[0], speech.slice(0, 1), [], rate);
    const anchor = await measure(models.get('v4') as SileroModel, settings[0], speech, sounds, rate);
    const anchorP50 = percentile(anchor.latencies, 50);
    const anchorFalse = falseTotal(anchor);
    for (const version of VERSIONS) {
      const model = models.get(version) as SileroModel;
      for (const setting of settings) {
        const outcome = version === 'v4' && setting === settings[0] ? anchor : await measure(model, setting, speech, sounds, rate);
        const p50 = percentile(outcome.latencies, 50);
        const falses = falseTotal(outcome);
        const khz = rate / 1000;
        const name = `Silero ${version}, ${khz} kHz, threshold ${setting.threshold}, minSpeechMs ${setting.minSpeechMs}`;
        rows.push({
          name: `${name}: speech onset -> interruption, p50`,
          value: p50,
          unit: 'ms',
          anchor: 'Silero v4, threshold 0.5, minSpeechMs 64 (previous default)',
          anchorValue: anchorP50,
          ratio: p50 / anchorP50,
          target: '<= 100 ms, false barge-ins <= anchor',
          pass: p50 <= 100 && falses <= anchorFalse && outcome.missed === 0,
          notes:
            `p90 ${percentile(outcome.latencies, 90).toFixed(0)} ms, max ${(outcome.latencies.at(-1) ?? Number.NaN).toFixed(0)} ms over ${outcome.latencies.length} onsets ` +
            `(${outcome.missed} missed); false barge-ins ${falses} (anchor ${anchorFalse}): ${[...outcome.falseByClip].map(([n, c]) => `${n} ${c}`).join(', ')}, ` +
            `before speech onsets ${outcome.falseOnSpeechClips}; CPU ${(outcome.cpuUs / outcome.windows).toFixed(0)} us per window (batch of 1, event-loop turns included)`,
        });
        rows.push({
          name: `${name}: false barge-ins on ${soundSeconds.toFixed(0)} s of non-speech + speech lead-ins`,
          value: falses,
          unit: 'count',
          anchor: 'Silero v4, threshold 0.5, minSpeechMs 64',
          anchorValue: anchorFalse,
          ...(anchorFalse > 0 ? { ratio: falses / anchorFalse } : {}),
          notes: `non-speech ${useSox ? 'made with sox' : 'synthesized in TypeScript (sox not installed)'}`,
        });
      }
    }
  }
  return rows;
}
