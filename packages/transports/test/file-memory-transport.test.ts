import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { FrameProcessor, createLogger, makeFrame, type Frame, type FrameDirection, type Logger } from '@voxframe/core';
import { ProcessorHarness, createVirtualClock } from '@voxframe/core/testing';
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

test('a paced WAV input releases 20 ms frames at real time on the run clock (virtual time)', async () => {
  const clock = createVirtualClock();
  const input = new WavFileInput({ samples: noise(8000), sampleRate: 8000, channels: 1 }, { paced: true });
  const harness = new ProcessorHarness(input, { scheduler: clock });
  const started = harness.start();
  clock.advanceBy(0);
  await started;
  clock.advanceBy(0); // the first frame and a 20 ms lead go out at once
  expect(harness.framesOf('audio.input')).toHaveLength(2);
  // Then one per 20 ms of the run clock, never faster.
  for (let t = 20; t <= 960; t += 20) {
    clock.advanceBy(20);
    expect(harness.framesOf('audio.input')).toHaveLength(2 + t / 20);
  }
  expect(harness.framesOf('end')).toHaveLength(0);
  clock.advanceBy(20);
  expect(harness.framesOf('end')).toHaveLength(1);
  expect(harness.framesOf('audio.input').map((f) => f.ptsMs)).toEqual(Array.from({ length: 50 }, (_, i) => i * 20));
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

describe('WavFileOutput records input, output or both, and warns when it closes empty', () => {
  function capture(): { logger: Logger; lines: Record<string, unknown>[] } {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    return { logger: createLogger({ level: 'info', destination }), lines };
  }

  test("record: 'input' writes the user's audio (nothing produces bot audio here)", async () => {
    const samples = noise(8000);
    const output = new WavFileOutput(join(dir, 'in.wav'), { record: 'input' });
    const run = new RecordedRun([new WavFileInput({ samples, sampleRate: 8000, channels: 1 }, { paced: false }), output]);
    await run.finished;
    expect(readWav(readFileSync(join(dir, 'in.wav'))).samples).toEqual(samples);
  });

  test("record: 'both' writes a stereo call: the user left, the bot right where it was produced", async () => {
    const user = noise(1600, 3); // 200 ms at 8 kHz
    const bot = noise(800, 5); // 100 ms
    const output = new WavFileOutput(undefined, { record: 'both' });
    const harness = new ProcessorHarness(output);
    await harness.start();
    harness.send(makeFrame('audio.input', { samples: user.subarray(0, 800), sampleRate: 8000, channels: 1 }));
    harness.send(makeFrame('audio.output', { samples: bot.subarray(0, 400), sampleRate: 8000, channels: 1, utteranceId: 'u1' }));
    harness.send(makeFrame('audio.input', { samples: user.subarray(800), sampleRate: 8000, channels: 1 }));
    harness.send(makeFrame('audio.output', { samples: bot.subarray(400), sampleRate: 8000, channels: 1, utteranceId: 'u1' }));
    await harness.waitFor((f) => f.type === 'audio.output' && f.samples.length === 400 && f.samples[0] === bot[400], 3000);
    expect(output.channels).toBe(2);
    const stereo = output.samples;
    const left = stereo.filter((_, i) => i % 2 === 0);
    const right = stereo.filter((_, i) => i % 2 === 1);
    expect(Array.from(left.subarray(0, 1600))).toEqual(Array.from(user));
    expect(Array.from(right.subarray(0, 800))).toEqual(Array(800).fill(0)); // the bot spoke 100 ms into the call
    expect(Array.from(right.subarray(800, 1600))).toEqual(Array.from(bot)); // contiguous within the utterance
    harness.dispose();
  });

  test('closing with nothing recorded logs one warning that says what was expected', async () => {
    const { logger, lines } = capture();
    const output = new WavFileOutput(join(dir, 'empty.wav'));
    const run = new RecordedRun([new WavFileInput({ samples: noise(800), sampleRate: 8000, channels: 1 }, { paced: false }), output], () => 'continue', logger);
    await run.finished;
    const warnings = lines.filter((l) => (l.level as number) === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0].msg)).toMatch(/nothing recorded: no audio\.output \(bot audio\).*empty WAV.*set record/);
  });
});

test('the memory output records every frame that reaches it, system frames included', async () => {
  const t = new MemoryTransport({ sampleRate: 16000 });
  const run = new RecordedRun([t.input(), t.output()]);
  t.writeAudio(noise(320));
  await until(() => t.output().frames.some((f) => f.type === 'audio.input'), 3000, 'audio');
  run.runner.push(makeFrame('interruption.start', { reason: 'user-speech' }));
  await until(() => t.output().interruptions === 1, 3000, 'interruption');
  await run.runner.end();
  expect(t.output().frames.map((f) => f.type)).toEqual(['start', 'audio.input', 'interruption.start', 'end']);
});
