import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameProcessor, makeFrame, type Frame, type FrameDirection } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { readWav, writeWav } from '@voxframe/processors';
import { MemoryTransport, WavFileInput, WavFileOutput } from '@voxframe/transports';
import { RecordedRun, until } from './helpers/session';

/** Turns input audio into output audio unchanged: a loopback "agent". */
class Loopback extends FrameProcessor {
  protected override process(frame: Frame, direction: FrameDirection): void {
    if (frame.type === 'audio.input') this.push(makeFrame('audio.output', { samples: frame.samples, sampleRate: frame.sampleRate, channels: 1 }, { ptsMs: frame.ptsMs }));
    else this.push(frame, direction);
  }
}

function noise(n: number, seed = 1): Int16Array {
  const out = new Int16Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = (x % 60000) - 30000;
  }
  return out;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vf-wav-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a WAV input that cannot be read fails with a typed error naming the file', () => {
  expect(() => new WavFileInput(join(dir, 'missing.wav'))).toThrow(/Cannot read WAV file .*missing\.wav/);
});

test('a WAV file read as fast as possible through a loopback is written back sample-exact', async () => {
  const samples = noise(16000 * 2 + 77); // 2 s and a partial last chunk
  const inPath = join(dir, 'in.wav');
  const outPath = join(dir, 'out.wav');
  writeFileSync(inPath, writeWav({ samples, sampleRate: 16000, channels: 1 }));
  const input = new WavFileInput(inPath, { paced: false });
  const output = new WavFileOutput(outPath);
  const run = new RecordedRun([input, new Loopback(), output]);
  await run.waitFor((f) => f.type === 'end', 3000, 'end of file');
  const written = readWav(readFileSync(outPath));
  expect(written.sampleRate).toBe(16000);
  expect(written.samples).toEqual(samples);
  expect(run.of('audio.output').length).toBe(101);
  await run.runner.cancel();
});

test('a paced WAV input releases 20 ms frames at real time on the run clock', async () => {
  const input = new WavFileInput({ samples: noise(8000), sampleRate: 8000, channels: 1 }, { paced: true });
  const harness = new ProcessorHarness(input);
  await harness.start();
  const t0 = Date.now();
  await harness.waitForType('end', 3000);
  const elapsed = Date.now() - t0;
  expect(harness.framesOf('audio.input')).toHaveLength(50);
  // 1 s of audio cannot come out in much less than 1 s when paced (as-fast-as-possible takes ~0 ms).
  expect(elapsed).toBeGreaterThanOrEqual(900);
  harness.dispose();
});

test('stereo WAV files are mixed down to mono', () => {
  const stereo = new Int16Array([100, 300, -100, -300]);
  const input = new WavFileInput({ samples: stereo, sampleRate: 8000, channels: 2 }, { paced: false });
  expect(input.durationMs).toBeCloseTo(0.25);
});

test('the memory transport cuts written audio into frames and records what reaches the output', async () => {
  const t = new MemoryTransport({ sampleRate: 16000, chunkMs: 20 });
  const run = new RecordedRun([t.input(), new Loopback(), t.output()]);
  const samples = noise(16000);
  t.writeAudio(samples);
  await until(() => t.output().frames.filter((f) => f.type === 'audio.output').length === 50, 3000, 'output frames');
  expect(t.output().outputAudio()).toEqual(samples);
  t.output().reportPlayed('u1', 120);
  await run.waitFor((f) => f.type === 'playback.progress');
  expect(t.input().upstreamFrames.some((f) => f.type === 'playback.progress')).toBe(true);
  run.runner.push(makeFrame('interruption.start', { reason: 'user-speech' }));
  await until(() => t.output().interruptions === 1, 3000, 'interruption');
  await run.runner.cancel();
});
