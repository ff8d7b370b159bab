import { makeFrame, type ErrorFrame, type InputAudioFrame } from '@voxframe/core';
import { ProcessorHarness, ScriptedS2S, type ScriptedS2SOptions } from '@voxframe/core/testing';
import { createResampler } from '../src/audio/resampler';
import { s2sProcessor, type S2SProcessorOptions } from '../src/s2s';

async function start(scripted: ScriptedS2SOptions = {}, options: Omit<S2SProcessorOptions, 's2s' | 'session'> = {}) {
  const engine = new ScriptedS2S(scripted);
  const processor = s2sProcessor({ s2s: engine, ...options });
  const harness = new ProcessorHarness(processor);
  await harness.start();
  return { engine, session: engine.session, processor, harness };
}

/** A sine of `hz` at `rate`, cut into 20 ms input frames. */
function sineFrames(hz: number, rate: number, totalMs: number, amplitude = 10000): InputAudioFrame[] {
  const perFrame = (rate * 20) / 1000;
  const frames: InputAudioFrame[] = [];
  for (let start = 0; start < (rate * totalMs) / 1000; start += perFrame) {
    const samples = new Int16Array(perFrame);
    for (let i = 0; i < perFrame; i++) samples[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * (start + i)) / rate));
    frames.push(makeFrame('audio.input', { samples, sampleRate: rate, channels: 1 }));
  }
  return frames;
}

function concat(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Frequency of a steady sine, from its upward zero crossings (interpolated between samples) over `[from, to)`:
 * (crossings - 1) periods between the first and the last crossing.
 */
function measureHz(samples: Int16Array, rate: number, from: number, to: number): number {
  const crossings: number[] = [];
  for (let i = Math.max(1, from); i < to; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a < 0 && b >= 0) crossings.push(i - 1 + -a / (b - a));
  }
  const periods = crossings.length - 1;
  return (periods * rate) / (crossings[crossings.length - 1] - crossings[0]);
}

describe('s2sProcessor input audio', () => {
  it.each([8000, 16000, 24000, 48000, 44100])(
    'sends %i Hz input to a 24 kHz provider at 24 kHz: exactly n*out/in samples per frame, a 440 Hz sine stays 440 Hz',
    async (rate) => {
      const { session, harness } = await start({ audioFormat: { inputSampleRate: 24000 } });
      const frames = sineFrames(440, rate, 1000);
      harness.send(...frames);
      const calls = session.callsOf('sendAudio').map(([samples]) => samples);
      // Every 20 ms frame gives exactly 20 ms at the provider rate (the resampler's delay sits inside the stream).
      expect(calls.every((c) => c.length === 480)).toBe(true);
      const sentIn = frames.reduce((n, f) => n + f.samples.length, 0);
      expect(session.audioSamplesReceived).toBe(Math.floor((sentIn * 24000) / rate));
      const received = concat(calls);
      // Skip the filter's start-up (its delay, well under 10 ms) and measure over the rest.
      const hz = measureHz(received, 24000, 480, received.length);
      expect(Math.abs(hz - 440)).toBeLessThan(0.05);
      await harness.end();
      // On end the filter's tail comes out: the provider got the whole stream plus the documented delay.
      const delay = rate === 24000 ? 0 : createResampler({ fromRate: rate, toRate: 24000 }).delaySamples;
      expect(session.audioSamplesReceived).toBe(Math.round((sentIn * 24000) / rate) + delay);
      harness.dispose();
    },
  );

  it('resamples to whatever rate the provider takes (16 kHz provider, 48 kHz input)', async () => {
    const { session, harness } = await start({ audioFormat: { inputSampleRate: 16000, outputSampleRate: 16000 } });
    harness.send(...sineFrames(1000, 48000, 500));
    const received = concat(session.callsOf('sendAudio').map(([s]) => s));
    expect(received.length).toBe(8000);
    expect(Math.abs(measureHz(received, 16000, 320, received.length) - 1000)).toBeLessThan(0.1);
    harness.dispose();
  });

  it('passes audio already at the provider rate through untouched', async () => {
    const { session, harness } = await start({ audioFormat: { inputSampleRate: 16000 } });
    const frames = sineFrames(300, 16000, 100);
    harness.send(...frames);
    expect(session.callsOf('sendAudio').map(([s]) => Array.from(s))).toEqual(frames.map((f) => Array.from(f.samples)));
    harness.dispose();
  });

  it('handles a rate change mid-stream: the old rate’s filter tail is flushed first, nothing lost or reordered', async () => {
    const { session, harness } = await start({ audioFormat: { inputSampleRate: 24000 } });
    const first = sineFrames(440, 16000, 200);
    const second = sineFrames(440, 8000, 200);
    harness.send(...first);
    const beforeSwitch = session.audioSamplesReceived;
    expect(beforeSwitch).toBe(4800);
    harness.send(...second);
    const tail16 = createResampler({ fromRate: 16000, toRate: 24000 }).delaySamples;
    // 200 ms at 24 kHz from each rate, plus the 16 kHz filter's tail released at the switch.
    expect(session.audioSamplesReceived).toBe(4800 + tail16 + 4800);
    const received = concat(session.callsOf('sendAudio').map(([s]) => s));
    const hzAfter = measureHz(received, 24000, 4800 + tail16 + 480, received.length);
    expect(Math.abs(hzAfter - 440)).toBeLessThan(0.1);
    harness.dispose();
  });

  it('downmixes multichannel input to mono by default, and says so once with a recoverable error frame', async () => {
    const { session, harness } = await start({ audioFormat: { inputSampleRate: 16000 } });
    const stereo = new Int16Array([100, 300, -200, -400, 0, 10]);
    harness.send(makeFrame('audio.input', { samples: stereo, sampleRate: 16000, channels: 2 }));
    harness.send(makeFrame('audio.input', { samples: stereo, sampleRate: 16000, channels: 2 }));
    expect(session.callsOf('sendAudio').map(([s]) => Array.from(s))).toEqual([
      [200, -300, 5],
      [200, -300, 5],
    ]);
    const errors = harness.framesOf('error', 'upstream') as ErrorFrame[];
    expect(errors).toHaveLength(1);
    expect(errors[0].fatal).toBe(false);
    expect(errors[0].error.message).toContain('downmixed');
    harness.dispose();
  });

  it('drops multichannel input when told to reject it', async () => {
    const { session, harness } = await start({}, { multichannelInput: 'reject' });
    harness.send(makeFrame('audio.input', { samples: new Int16Array(960), sampleRate: 24000, channels: 2 }));
    expect(session.audioSamplesReceived).toBe(0);
    expect((harness.framesOf('error', 'upstream')[0] as ErrorFrame).error.message).toContain('dropped');
    harness.dispose();
  });

  it('consumes input audio by default and passes it on when passThroughInput is set', async () => {
    const consumed = await start();
    consumed.harness.send(...sineFrames(440, 24000, 40));
    expect(consumed.harness.framesOf('audio.input')).toHaveLength(0);
    consumed.harness.dispose();
    const passed = await start({}, { passThroughInput: true });
    passed.harness.send(...sineFrames(440, 24000, 40));
    expect(passed.harness.framesOf('audio.input')).toHaveLength(2);
    expect(passed.session.audioSamplesReceived).toBe(960);
    passed.harness.dispose();
  });

  it('queues audio that arrives while the session is still connecting, then sends it in order', async () => {
    let release: () => void = () => undefined;
    const engine = new ScriptedS2S();
    const slowEngine = { ...engine, provider: engine.provider, capabilities: engine.capabilities, audioFormat: engine.audioFormat,
      start: () => new Promise<Awaited<ReturnType<ScriptedS2S['start']>>>((resolve) => (release = () => void engine.start().then(resolve))) };
    const harness = new ProcessorHarness(s2sProcessor({ s2s: slowEngine }));
    const started = harness.start();
    const frames = sineFrames(440, 24000, 60);
    harness.send(...frames);
    release();
    await started;
    expect(engine.session.callsOf('sendAudio').map(([s]) => Array.from(s))).toEqual(frames.map((f) => Array.from(f.samples)));
    harness.dispose();
  });
});
