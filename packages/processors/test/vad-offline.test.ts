/**
 * Offline files through the Silero VAD: a WAV of generated speech read at once (`WavFileInput({ paced: false })`)
 * into `sileroVad()` with its defaults must have every window analyzed (no `vad_backlog`, nothing dropped) and its
 * utterances found; `cutUtterances()` must then cut the audio by the speaking frames' `ptsMs`, although those frames
 * arrive after all of the file's audio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelineRunner, createLogger, makeFrame, pipeline, type Frame, type RunnerEvent } from '@voxframe/core';
import { WavFileInput } from '@voxframe/transports';
import { sileroVad } from '../src/vad/silero-vad';
import { UtteranceCutter, cutUtterances, type Utterance } from '../src/vad/utterance-cutter';
import { buildConversation, describeWithSpeech, writeWav, type SpeechClip } from './fixtures/speech';

const CONVERSATION = [
  { text: 'hello there', silenceAfterMs: 1200 },
  { text: 'how are you today', silenceAfterMs: 1000 },
  { text: 'I would like to book a table for two', silenceAfterMs: 800 },
] as const;

/** As in vad-speech.test.ts: 32 ms windows plus Silero's own reaction; ends lag while its state decays. */
const TOLERANCE_MS = { start: 150, end: 250 } as const;

describeWithSpeech('offline WAV file through sileroVad()', () => {
  let dir: string;
  const clips = new Map<number, SpeechClip>();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'voxframe-vad-offline-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function clipAt(rate: number): Promise<{ clip: SpeechClip; path: string }> {
    let clip = clips.get(rate);
    if (clip === undefined) {
      clip = await buildConversation(CONVERSATION, rate);
      clips.set(rate, clip);
    }
    const path = join(dir, `conversation-${rate}.wav`);
    writeWav(path, clip);
    return { clip, path };
  }

  it.each([16000, 8000])('at %i Hz: analyzes every window, finds each utterance and cuts its audio by ptsMs', async (rate) => {
    const { clip, path } = await clipAt(rate);
    const vad = sileroVad();
    const frames: Frame[] = [];
    const utterances: Utterance[] = [];
    vad.downstream.subscribe((frame) => frames.push(frame));
    vad.downstream.pipe(cutUtterances({ paddingBeforeMs: 0, paddingAfterMs: 0 })).subscribe((u) => utterances.push(u));
    const runner = new PipelineRunner(pipeline(new WavFileInput(path, { paced: false }), vad), { logger: createLogger({ level: 'silent' }) });
    const events: RunnerEvent[] = [];
    runner.events.subscribe((event) => events.push(event));

    await expect(runner.run()).resolves.toBe('ended');

    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const windowSamples = rate === 16000 ? 512 : 256;
    expect(vad.stats).toMatchObject({ offline: true, windowsDropped: 0, analyzerErrors: 0, windowsAnalyzed: Math.floor(clip.samples.length / windowSamples) });
    // The speaking frames came after the last audio frame: cutting by arrival order would find nothing.
    const lastAudio = frames.map((f) => f.type).lastIndexOf('audio.input');
    expect(frames.findIndex((f) => f.type === 'user.started-speaking')).toBeGreaterThan(lastAudio);

    expect(utterances).toHaveLength(clip.spans.length);
    utterances.forEach((utterance, i) => {
      const span = clip.spans[i];
      expect({ i, startOffMs: Math.abs(utterance.speechStartMs - span.startMs) <= TOLERANCE_MS.start }).toEqual({ i, startOffMs: true });
      expect({ i, endOffMs: Math.abs(utterance.speechEndMs - span.endMs) <= TOLERANCE_MS.end }).toEqual({ i, endOffMs: true });
      // The cut audio is the file's own audio at those media times, sample for sample.
      const from = Math.round((utterance.startMs * rate) / 1000);
      expect(utterance.sampleRate).toBe(rate);
      expect(utterance.samples.length).toBe(Math.round(((utterance.endMs - utterance.startMs) * rate) / 1000));
      expect(Buffer.from(utterance.samples.buffer).equals(Buffer.from(clip.samples.slice(from, from + utterance.samples.length).buffer))).toBe(true);
    });
  });
});

describe('UtteranceCutter', () => {
  const rate = 1000; // one sample per ms keeps the arithmetic readable
  const audio = (ptsMs: number, length: number): Frame =>
    makeFrame('audio.input', { samples: Int16Array.from({ length }, (_, i) => ptsMs + i), sampleRate: rate, channels: 1 }, { ptsMs });
  const speaking = (type: 'user.started-speaking' | 'user.stopped-speaking', ptsMs: number): Frame => makeFrame(type, {}, { ptsMs });

  it('waits for the audio when the speaking frames overtake it, and pads both sides', () => {
    const cutter = new UtteranceCutter({ paddingBeforeMs: 10, paddingAfterMs: 5 });
    expect(cutter.push(audio(0, 100))).toEqual([]);
    expect(cutter.push(speaking('user.started-speaking', 50))).toEqual([]);
    expect(cutter.push(speaking('user.stopped-speaking', 120))).toEqual([]); // audio only reaches 100 ms
    const [utterance] = cutter.push(audio(100, 100));
    expect(utterance).toMatchObject({ startMs: 40, endMs: 125, speechStartMs: 50, speechEndMs: 120 });
    expect(Array.from(utterance.samples)).toEqual(Array.from({ length: 85 }, (_, i) => 40 + i));
  });

  it('cuts utterances whose padding overlaps the previous one, from frames that all come after the audio', () => {
    const cutter = new UtteranceCutter({ paddingBeforeMs: 100, paddingAfterMs: 10 });
    for (let t = 0; t < 400; t += 20) expect(cutter.push(audio(t, 20))).toEqual([]);
    const out = [
      ...cutter.push(speaking('user.started-speaking', 100)),
      ...cutter.push(speaking('user.stopped-speaking', 200)),
      ...cutter.push(speaking('user.started-speaking', 250)),
      ...cutter.push(speaking('user.stopped-speaking', 300)),
    ];
    expect(out.map((u) => [u.startMs, u.endMs])).toEqual([
      [0, 210],
      [150, 310],
    ]);
    expect(out[1].samples[0]).toBe(150);
    expect(out[1].samples.at(-1)).toBe(309);
  });

  it('closes a speech still open at flush where the audio ends, and rejects a format change', () => {
    const cutter = new UtteranceCutter({ paddingBeforeMs: 0 });
    cutter.push(audio(0, 50));
    cutter.push(speaking('user.started-speaking', 30));
    expect(cutter.flush()).toEqual([expect.objectContaining({ startMs: 30, endMs: 50, speechEndMs: 50 })]);
    expect(() => cutter.push({ ...audio(50, 10), sampleRate: 8000 } as Frame)).toThrow(/changed from 1000 Hz x1 to 8000 Hz x1/);
  });

  it('holds at most maxBufferedMs of audio while no speaking frame claims it', () => {
    const cutter = new UtteranceCutter({ maxBufferedMs: 100, paddingBeforeMs: 0, paddingAfterMs: 0 });
    for (let t = 0; t < 1000; t += 20) cutter.push(audio(t, 20));
    expect(cutter.droppedMs).toBe(880);
    cutter.push(speaking('user.started-speaking', 0));
    const [utterance] = cutter.push(speaking('user.stopped-speaking', 1000));
    expect(utterance).toMatchObject({ startMs: 880, endMs: 1000 });
  });
});
