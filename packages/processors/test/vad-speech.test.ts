/**
 * Real speech through the VAD processors: utterances generated with espeak-ng, separated by silences of known
 * length, streamed in 20 ms frames at 8, 16 and 48 kHz through Silero (real model, real onnxruntime) and the energy
 * VAD. The detected segments must match the speech spans measured from the audio's own energy envelope.
 */
import { makeFrame, type Frame } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { energyVad } from '../src/vad/energy-vad';
import { loadSileroModel } from '../src/vad/silero-model';
import { sileroVad } from '../src/vad/silero-vad';
import type { VadProcessor } from '../src/vad/vad-processor';
import { buildConversation, describeWithSpeech, type SpeechClip } from './fixtures/speech';

/**
 * How far a detected boundary may sit from the measured one: 32 ms windows plus the model's own reaction. Starts
 * land within ~60 ms. Ends come later: Silero's recurrent state keeps its score up for a few windows after speech
 * stops (v4 at 8 kHz: 110-160 ms on this audio), and the end is where the score falls below the negative threshold.
 */
const TOLERANCE_MS = { startMs: 150, endMs: 200 } as const;
const FRAME_MS = 20;

const CONVERSATION = [
  { text: 'hello there', silenceAfterMs: 1200 },
  { text: 'how are you today', silenceAfterMs: 1000 },
  { text: 'I would like to book a table for two', silenceAfterMs: 800 },
] as const;

interface Segment {
  readonly startMs: number;
  readonly endMs: number;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Streams a clip through a VAD in 20 ms frames, letting inference run between frames as a live stream would. */
async function detect(vad: VadProcessor, clip: SpeechClip): Promise<{ segments: Segment[]; frames: Frame[] }> {
  const harness = new ProcessorHarness(vad);
  try {
    await harness.start({ allowInterruptions: true });
    const perFrame = (clip.sampleRate * FRAME_MS) / 1000;
    for (let offset = 0, ptsMs = 0; offset < clip.samples.length; offset += perFrame, ptsMs += FRAME_MS) {
      const samples = clip.samples.slice(offset, offset + perFrame);
      harness.send(makeFrame('audio.input', { samples, sampleRate: clip.sampleRate, channels: 1 }, { ptsMs }));
      // Two event-loop turns per frame: the batcher dispatches on one, onnxruntime runs on the next.
      await turn();
      await turn();
    }
    await harness.end();
    const frames = harness.downstream;
    const segments: Segment[] = [];
    let startMs: number | undefined;
    for (const frame of frames) {
      if (frame.type === 'user.started-speaking') startMs = frame.ptsMs;
      if (frame.type === 'user.stopped-speaking' && startMs !== undefined) {
        segments.push({ startMs, endMs: frame.ptsMs });
        startMs = undefined;
      }
    }
    expect(harness.framesOf('error', 'upstream')).toEqual([]);
    return { segments, frames };
  } finally {
    harness.dispose();
  }
}

function expectSegmentsNear(segments: readonly Segment[], clip: SpeechClip): void {
  const measured = clip.spans.map((span) => ({ startMs: Math.round(span.startMs), endMs: Math.round(span.endMs) }));
  expect({ detected: segments.length, segments }).toEqual({ detected: measured.length, segments: expect.any(Array) });
  // Every boundary off by more than the tolerance, listed with both timelines so a failure explains itself.
  const misses = segments.flatMap((segment, i) =>
    (['startMs', 'endMs'] as const)
      .map((boundary) => ({ segment: i, boundary, offByMs: Math.round(segment[boundary] - clip.spans[i][boundary]) }))
      .filter((miss) => Math.abs(miss.offByMs) > TOLERANCE_MS[miss.boundary])
      .map((miss) => ({ ...miss, detected: segments, measured })),
  );
  expect(misses).toEqual([]);
}

describeWithSpeech('VAD on generated speech', () => {
  const clips = new Map<number, SpeechClip>();
  beforeAll(async () => {
    for (const rate of [8000, 16000, 48000]) clips.set(rate, await buildConversation(CONVERSATION, rate));
  });
  const clip = (rate: number): SpeechClip => clips.get(rate) as SpeechClip;

  it('generates the conversation with the silences it was asked for', () => {
    for (const rate of [8000, 16000, 48000]) {
      const { spans } = clip(rate);
      expect(spans).toHaveLength(3);
      // Gaps between measured speech are at least the inserted silences (the synthesizer adds its own padding).
      expect(spans[1].startMs - spans[0].endMs).toBeGreaterThanOrEqual(1200);
      expect(spans[2].startMs - spans[1].endMs).toBeGreaterThanOrEqual(1000);
    }
  });

  describe.each([8000, 16000, 48000])('Silero VAD, %i Hz input', (rate) => {
    it('finds each utterance, with boundaries near the measured speech', async () => {
      const vad = sileroVad();
      const { segments, frames } = await detect(vad, clip(rate));
      expectSegmentsNear(segments, clip(rate));
      expect(vad.analysisSampleRate).toBe(rate === 8000 ? 8000 : 16000);
      // Every input frame came out, in order.
      const audio = frames.filter((f) => f.type === 'audio.input');
      expect(audio.map((f) => f.ptsMs)).toEqual(audio.map((_, i) => i * FRAME_MS));
    });
  });

  it('Silero analyzes 16 kHz input at 8 kHz when asked, with the same segments', async () => {
    const { segments } = await detect(sileroVad({ sampleRate: 8000 }), clip(16000));
    expectSegmentsNear(segments, clip(16000));
  });

  it('many Silero processors share one session', async () => {
    const vads = [sileroVad(), sileroVad()];
    const results = await Promise.all(vads.map((vad) => detect(vad, clip(16000))));
    expect(results[0].segments).toEqual(results[1].segments);
    expect(results[0].segments).toHaveLength(3);
    await expect(loadSileroModel()).resolves.toBe(await loadSileroModel());
  });

  describe.each([8000, 16000, 48000])('energy VAD, %i Hz input', (rate) => {
    it('finds each utterance, with boundaries near the measured speech', async () => {
      const { segments } = await detect(energyVad(), clip(rate));
      expectSegmentsNear(segments, clip(rate));
    });
  });
});
