/**
 * The resampler and format-converter processors in a pipeline position: frames re-stamped with their true rate and
 * the same id and ptsMs, one stream per frame type and source rate, rate changes without loss, interruption resets
 * only bot audio, tails flushed at the end, bad frames reported as error frames while the stream goes on.
 */
import { makeFrame, type ErrorFrame, type Frame, type InputAudioFrame, type OutputAudioFrame } from '@voxframe/core';
import { ProcessorHarness, runProcessor } from '@voxframe/core/testing';
import { AudioConfigError } from '../src/audio/errors';
import { formatConverterProcessor } from '../src/audio/format-converter-processor';
import { audioFormats } from '../src/audio/formats';
import { decodeMulaw, encodeMulaw } from '../src/audio/g711';
import { createResampler } from '../src/audio/resampler';
import { resamplerProcessor } from '../src/audio/resampler-processor';
import { sineWave } from '../src/audio/signal';

const inputFrame = (samples: Int16Array, sampleRate: number, ptsMs: number, channels = 1): InputAudioFrame =>
  makeFrame('audio.input', { samples, sampleRate, channels }, { ptsMs });
const outputFrame = (samples: Int16Array, sampleRate: number, ptsMs: number, utteranceId = 'u1'): OutputAudioFrame =>
  makeFrame('audio.output', { samples, sampleRate, channels: 1, utteranceId }, { ptsMs });

/** `count` consecutive 20 ms frames of a tone at `rate`. */
function toneFrames(rate: number, count: number, make: (samples: Int16Array, rate: number, ptsMs: number) => Frame, startMs = 0): Frame[] {
  const per = rate / 50;
  const tone = sineWave({ frequency: 440, sampleRate: rate, samples: per * count, amplitude: 8000 });
  return Array.from({ length: count }, (_, i) => make(tone.subarray(i * per, (i + 1) * per), rate, startMs + i * 20));
}

const audioOf = (frames: readonly Frame[]): (InputAudioFrame | OutputAudioFrame)[] =>
  frames.filter((f): f is InputAudioFrame | OutputAudioFrame => f.type === 'audio.input' || f.type === 'audio.output');

function concat(frames: readonly { samples: Int16Array }[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.samples.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f.samples, at);
    at += f.samples.length;
  }
  return out;
}

describe('resamplerProcessor', () => {
  it('re-stamps frames with the target rate, keeping id and ptsMs, with exactly 20 ms out per 20 ms in', async () => {
    const frames = toneFrames(48000, 5, inputFrame);
    const { downstream, upstream } = await runProcessor(resamplerProcessor({ toRate: 16000 }), { downstream: frames });
    const audio = audioOf(downstream);
    // 5 converted frames, then the tail flushed at the end.
    expect(audio.slice(0, 5).map((f) => [f.id, f.ptsMs, f.sampleRate, f.samples.length])).toEqual(
      frames.map((f) => [f.id, f.ptsMs, 16000, 320]),
    );
    const reference = createResampler({ fromRate: 48000, toRate: 16000 });
    expect(concat(audio.slice(0, 5))).toEqual(reference.process(concat(frames as InputAudioFrame[])));
    expect(upstream.filter((f) => f.type === 'error')).toEqual([]);
  });

  it('emits the filter tail before the end frame, stamped right after the last frame', async () => {
    const frames = toneFrames(24000, 3, outputFrame);
    const { downstream } = await runProcessor(resamplerProcessor({ toRate: 8000 }), { downstream: frames }, { includeLifecycle: true });
    const types = downstream.map((f) => f.type);
    expect(types.slice(-2)).toEqual(['audio.output', 'end']);
    const tail = downstream[downstream.length - 2] as OutputAudioFrame;
    expect(tail.ptsMs).toBe(60);
    expect(tail.utteranceId).toBe('u1');
    expect(tail.samples.length).toBe(createResampler({ fromRate: 24000, toRate: 8000 }).delaySamples);
  });

  it('converts only the selected frame types; the rest (and frames already at the rate) pass through untouched', async () => {
    const mic = inputFrame(new Int16Array(960), 48000, 0);
    const bot = outputFrame(new Int16Array(480), 24000, 0);
    const already = outputFrame(new Int16Array(160), 8000, 20);
    const text = makeFrame('text', { text: 'hi', role: 'user' });
    const { downstream } = await runProcessor(resamplerProcessor({ toRate: 8000, direction: 'output' }), {
      downstream: [mic, bot, text, already],
    });
    expect(downstream[0]).toBe(mic);
    expect(downstream[1]).toMatchObject({ id: bot.id, sampleRate: 8000 });
    expect(downstream[2]).toBe(text);
    // A new source rate first flushes the previous stream's tail, then the 8 kHz frame passes as is.
    expect(downstream[3]).toMatchObject({ type: 'audio.output', sampleRate: 8000, ptsMs: 20 });
    expect(downstream[4]).toBe(already);
  });

  it('follows a rate change mid-stream: the old stream is flushed, nothing lost or reordered', async () => {
    const first = toneFrames(48000, 3, inputFrame);
    const second = toneFrames(24000, 3, inputFrame, 60);
    const { downstream } = await runProcessor(resamplerProcessor({ toRate: 16000 }), { downstream: [...first, ...second] });
    const audio = audioOf(downstream);
    const delay48 = createResampler({ fromRate: 48000, toRate: 16000 }).delaySamples;
    const delay24 = createResampler({ fromRate: 24000, toRate: 16000 }).delaySamples;
    expect(audio.map((f) => f.samples.length)).toEqual([320, 320, 320, delay48, 320, 320, 320, delay24]);
    expect(audio.map((f) => f.ptsMs)).toEqual([0, 20, 40, 60, 60, 80, 100, 120]);
    expect(audio.every((f) => f.sampleRate === 16000)).toBe(true);
  });

  it('resets bot audio on interruption (no ringing into the next utterance) but keeps the microphone stream', async () => {
    const harness = new ProcessorHarness(resamplerProcessor({ toRate: 16000 }));
    await harness.start();
    const mic = toneFrames(48000, 4, inputFrame);
    const bot = toneFrames(24000, 4, outputFrame);
    harness.send(mic[0], mic[1], bot[0], bot[1]);
    harness.interrupt();
    harness.send(mic[2], mic[3], bot[2], bot[3]);
    await harness.end();
    harness.dispose();

    const micOut = harness.framesOf('audio.input').slice(0, 4);
    expect(concat(micOut)).toEqual(createResampler({ fromRate: 48000, toRate: 16000 }).process(concat(mic as InputAudioFrame[])));
    const botAfter = harness.framesOf('audio.output').filter((f) => f.ptsMs >= 40 && f.samples.length === 320);
    const fresh = createResampler({ fromRate: 24000, toRate: 16000 });
    expect(concat(botAfter)).toEqual(fresh.process(concat(bot.slice(2) as OutputAudioFrame[])));
  });

  it('resamples each channel of interleaved stereo', async () => {
    const stereo = new Int16Array(960 * 2).map((_, i) => (i % 2 === 0 ? 1000 : -1000));
    const { downstream } = await runProcessor(resamplerProcessor({ toRate: 16000 }), { downstream: [inputFrame(stereo, 48000, 0, 2)] });
    const [out] = audioOf(downstream);
    expect(out).toMatchObject({ channels: 2, sampleRate: 16000 });
    expect(out.samples.length).toBe(640);
    // After the filter's warm-up, left stays positive and right negative: channels did not bleed into each other.
    for (let i = 100; i < 320; i += 1) {
      expect(out.samples[2 * i]).toBeGreaterThan(900);
      expect(out.samples[2 * i + 1]).toBeLessThan(-900);
    }
  });

  it('reports bad frames as recoverable invalid_frame errors, drops them, and keeps converting', async () => {
    const good = toneFrames(48000, 2, inputFrame);
    const bad: Frame[] = [
      inputFrame(new Int16Array(960), Number.NaN, 0),
      inputFrame(new Int16Array(3), 48000, 0, 2), // odd size for stereo
      makeFrame('audio.input', { samples: new Float32Array(960).fill(Number.NaN) as unknown as Int16Array, sampleRate: 48000, channels: 1 }),
      inputFrame(new Int16Array(960), 48000, 0, 0),
      inputFrame(new Int16Array(960), 7, 0),
    ];
    const { downstream, upstream } = await runProcessor(resamplerProcessor({ toRate: 16000 }), {
      downstream: [good[0], ...bad, good[1]],
    });
    const errors = upstream.filter((f): f is ErrorFrame => f.type === 'error');
    expect(errors).toHaveLength(bad.length);
    for (const error of errors) {
      expect(error.fatal).toBe(false);
      expect(error.error.code).toBe('invalid_frame');
    }
    expect(errors.map((e) => e.error.message)).toEqual([
      expect.stringMatching(/sampleRate must be an integer .* got NaN/),
      expect.stringMatching(/3 samples is not a whole number of 2-channel frames/),
      expect.stringMatching(/samples must be an Int16Array of PCM16, got Float32Array/),
      expect.stringMatching(/channels must be an integer/),
      expect.stringMatching(/sampleRate .* got 7/),
    ]);
    const audio = audioOf(downstream);
    expect(audio.slice(0, 2).map((f) => f.id)).toEqual([good[0].id, good[1].id]);
    expect(audio.every((f) => f.sampleRate === 16000)).toBe(true);
  });

  it('refuses an invalid target rate at construction', () => {
    expect(() => resamplerProcessor({ toRate: 0 })).toThrow(AudioConfigError);
    expect(() => resamplerProcessor({ toRate: Number.NaN })).toThrow(AudioConfigError);
  });
});

describe('formatConverterProcessor', () => {
  it('brings stereo 48 kHz web audio to the Twilio format: mono, 8 kHz, mu-law quantised', async () => {
    const stereo = new Int16Array(960 * 2).map((_, i) => Math.round(5000 * Math.sin(i / 7)));
    const frame = inputFrame(stereo, 48000, 40, 2);
    const { downstream } = await runProcessor(formatConverterProcessor({ to: audioFormats.twilio }), { downstream: [frame] });
    const [out] = audioOf(downstream);
    expect(out).toMatchObject({ id: frame.id, ptsMs: 40, sampleRate: 8000, channels: 1 });
    expect(out.samples.length).toBe(160);
    // Already mu-law quantised: another encode/decode round changes nothing.
    expect(decodeMulaw(encodeMulaw(out.samples))).toEqual(out.samples);
  });

  it('quantises even when rate and channels already match, without touching the sender\'s samples', async () => {
    const samples = Int16Array.from({ length: 160 }, (_, i) => i * 37 - 3000);
    const copy = samples.slice();
    const { downstream } = await runProcessor(formatConverterProcessor({ to: audioFormats.twilio }), { downstream: [inputFrame(samples, 8000, 0)] });
    const [out] = audioOf(downstream);
    expect(out.samples).toEqual(decodeMulaw(encodeMulaw(samples)));
    expect(samples).toEqual(copy);
  });

  it('leaves PCM16 frames that match the target format untouched', async () => {
    const frame = inputFrame(new Int16Array(320), 16000, 0);
    const { downstream } = await runProcessor(formatConverterProcessor({ to: audioFormats.geminiInput }), { downstream: [frame] });
    expect(downstream[0]).toBe(frame);
  });

  it('refuses an invalid target format', () => {
    expect(() => formatConverterProcessor({ to: { encoding: 'pcm16', sampleRate: 16000, channels: 9 } })).toThrow(AudioConfigError);
  });
});
