/**
 * Cold start: a process's first call must not lose VAD windows to the model load. A live stream delivers a 20 ms
 * frame per 20 ms of the run's (virtual) clock from the moment its pipeline starts; the real model loads in wall
 * time meanwhile, so without a warm-up its frames pile up behind the start and arrive at the VAD as one burst.
 *
 * Each case uses its own model release, because the process-wide model cache would otherwise warm the next case.
 */
import { makeFrame, type ErrorFrame } from '@voxframe/core';
import { ProcessorHarness, createVirtualClock } from '@voxframe/core/testing';
import { sileroVad } from '../src/vad/silero-vad';
import { isSileroVadWarm, sileroVadReady, warmUpSileroVad } from '../src/vad/silero-warm-up';
import type { SileroModelVersion } from '../src/vad/silero-model';
import type { VadInputPace, VadProcessor } from '../src/vad/vad-processor';

const FRAME_MS = 20;
const RATE = 16000;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Starts a VAD and feeds it 1.2 s of a live call; returns its error frames and stats once all was analyzed. */
async function liveCall(modelVersion: SileroModelVersion, inputPace: VadInputPace): Promise<{ errors: ErrorFrame[]; vad: VadProcessor; queuedAtStart: boolean }> {
  const clock = createVirtualClock();
  const vad = sileroVad({ modelVersion, inputPace });
  const harness = new ProcessorHarness(vad, { scheduler: clock });
  try {
    const starting = harness.start();
    await turn(); // a loaded model resolves within this turn; a model still loading does not
    let queuedAtStart = false;
    for (let k = 0; k < 60; k++) {
      harness.send(makeFrame('audio.input', { samples: new Int16Array((RATE * FRAME_MS) / 1000), sampleRate: RATE, channels: 1 }, { ptsMs: k * FRAME_MS }));
      if (vad.state !== 'running') queuedAtStart = true;
      clock.advanceBy(FRAME_MS);
      // Inference of the frame's window (batcher turn + onnxruntime turn), as on a live call that keeps up.
      for (let t = 0; t < 3; t++) await turn();
    }
    await starting;
    for (let t = 0; t < 200 && vad.stats.windowsAnalyzed + vad.stats.windowsDropped < 37; t++) await turn();
    return { errors: harness.framesOf('error', 'upstream'), vad, queuedAtStart };
  } finally {
    harness.dispose();
  }
}

describe('Silero VAD cold start', () => {
  it('without a warm-up, the first stream waits for the model load: its audio reaches the VAD as a burst', async () => {
    // How many windows the burst holds depends on how long the load takes here (a few hundred ms); past 16 (512 ms)
    // a live-paced VAD drops them: the `vad_backlog` of a first call.
    const { vad, queuedAtStart } = await liveCall('v6', 'live');
    expect(queuedAtStart).toBe(true);
    expect(vad.stats.windowsAnalyzed + vad.stats.windowsDropped).toBe(37);
  });

  it('after warmUpSileroVad(), the first stream starts at once and logs no backlog, even at live pace', async () => {
    expect(isSileroVadWarm({ modelVersion: 'v5' })).toBe(false);
    const ready = sileroVadReady({ modelVersion: 'v5' });
    expect(warmUpSileroVad({ modelVersion: 'v5' })).toBe(ready); // one warm-up per model
    const model = await ready;
    expect(model.signature).toBe('v5');
    expect(isSileroVadWarm({ modelVersion: 'v5' })).toBe(true);

    const { errors, vad, queuedAtStart } = await liveCall('v5', 'live');
    expect(queuedAtStart).toBe(false);
    expect(errors).toEqual([]);
    expect(vad.stats).toMatchObject({ windowsAnalyzed: 37, windowsDropped: 0 });
  });

  it('cold with the default pace, the start-up burst is buffered (ahead of real time), not dropped', async () => {
    const { errors, vad } = await liveCall('v4', 'auto');
    expect(errors).toEqual([]);
    expect(vad.stats).toMatchObject({ windowsAnalyzed: 37, windowsDropped: 0 });
  });

  it('reports a model that cannot load through the readiness promise, and retries later', async () => {
    await expect(warmUpSileroVad({ modelPath: '/nonexistent/silero.onnx' })).rejects.toMatchObject({ code: 'vad_model_missing' });
    expect(isSileroVadWarm({ modelPath: '/nonexistent/silero.onnx' })).toBe(false);
    await expect(sileroVadReady({ modelPath: '/nonexistent/silero.onnx' })).rejects.toMatchObject({ code: 'vad_model_missing' });
  });
});
