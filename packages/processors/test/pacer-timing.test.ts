import { filter, map, type SchedulerLike } from 'rxjs';
import { makeFrame, type OutputAudioFrame } from '@voxframe/core';
import { ProcessorHarness, runInVirtualTime } from '@voxframe/core/testing';
import { outputPacer, PacerOptionsError } from '../src/pacer';
import { audio, setup, turnEnd } from './helpers/pacer';

describe('outputPacer: release timing', () => {
  it('releases 20 ms chunks at 1x real time, the first ones at once to build the 60 ms lead (marbles)', () => {
    runInVirtualTime(({ cold, expectObservable, scheduler }) => {
      const pacer = outputPacer();
      const harness = new ProcessorHarness(pacer, { scheduler });
      void harness.start();
      cold('-a', { a: audio(140) }).subscribe((frame) => harness.send(frame));
      const released = pacer.downstream.pipe(
        filter((f): f is OutputAudioFrame => f.type === 'audio.output'),
        map((f) => f.ptsMs),
      );
      // At 1 ms: chunks 0-2 (the 60 ms lead); then one chunk every 20 ms, each released 60 ms before it plays.
      // ptsMs is when each chunk plays on the output timeline: from 1 ms on, back to back.
      expectObservable(released).toBe('-(abc) 15ms d 19ms e 19ms f 19ms g', { a: 1, b: 21, c: 41, d: 61, e: 81, f: 101, g: 121 });
    });
  });

  it('keeps exactly leadMs buffered at the far end right after each release (40 ms chunks, 80 ms lead)', () => {
    const { clock, harness, chunks } = setup({ chunkMs: 40, leadMs: 80 });
    harness.send(audio(400));
    clock.advanceTo(1000);
    // Chunk k plays at k*40 and is released at k*40 - 80 + 40: the far end then holds k*40 + 40 - now = 80 ms.
    expect(chunks().map((c) => c.atMs)).toEqual([0, 0, 40, 80, 120, 160, 200, 240, 280, 320]);
    expect(chunks().map((c) => c.frame.ptsMs)).toEqual([0, 40, 80, 120, 160, 200, 240, 280, 320, 360]);
  });

  it('cuts any frame size into fixed chunks of the input rate, keeping samples in order and the utterance id', () => {
    const { clock, harness, chunks } = setup();
    const frames = [audio(7), audio(33), audio(50), audio(10)];
    harness.send(...frames, turnEnd());
    clock.advanceTo(1000);
    const out = chunks();
    expect(out.map((c) => c.frame.samples.length)).toEqual([480, 480, 480, 480, 480]);
    expect(out.every((c) => c.frame.sampleRate === 24000 && c.frame.channels === 1 && c.frame.utteranceId === 'u1')).toBe(true);
    const sent = Int16Array.from(frames.flatMap((f) => [...f.samples]));
    const received = Int16Array.from(out.flatMap((c) => [...c.frame.samples]));
    expect(received).toEqual(sent);
  });

  it('queues a long reply (10 s at 48 kHz, far beyond its initial store) and plays it intact', () => {
    const { clock, harness, chunks } = setup();
    const frames = Array.from({ length: 10 }, () => audio(1000, { rate: 48000 }));
    harness.send(...frames, turnEnd());
    clock.advanceTo(11_000);
    const out = chunks();
    expect(out).toHaveLength(500);
    const sent = frames.map((f) => f.samples);
    let frame = 0;
    let offset = 0;
    const mismatch = out.findIndex((c) =>
      c.frame.samples.some((sample) => {
        const expected = sent[frame][offset];
        offset += 1;
        if (offset === sent[frame].length) {
          frame += 1;
          offset = 0;
        }
        return sample !== expected;
      }),
    );
    expect(mismatch).toBe(-1);
  });

  it.each([
    [8000, 20, 160],
    [16000, 20, 320],
    [48000, 40, 1920],
    [44100, 20, 882],
  ] as const)('keeps the input rate (%i Hz, %i ms chunks: %i samples): no resampling here', (rate, chunkMs, samples) => {
    const { clock, harness, chunks } = setup({ chunkMs });
    harness.send(audio(chunkMs * 4, { rate }));
    clock.advanceTo(1000);
    expect(chunks().map((c) => [c.frame.sampleRate, c.frame.samples.length])).toEqual(Array(4).fill([rate, samples]));
  });

  it('paces stereo frames by frames, not samples', () => {
    const { clock, harness, chunks } = setup();
    harness.send(audio(100, { rate: 16000, channels: 2 }));
    clock.advanceTo(1000);
    expect(chunks().map((c) => [c.frame.channels, c.frame.samples.length, c.frame.ptsMs])).toEqual(
      [0, 20, 40, 60, 80].map((pts) => [2, 640, pts]),
    );
  });

  it('schedules against the ideal timeline: timers that fire late do not accumulate drift', () => {
    const lateByMs = 3;
    // Every timer fires 3 ms late, as on a busy event loop. "now + 20 ms" scheduling would drift 3 ms per chunk.
    const { clock, harness, chunks } = setup({}, (inner) => ({
      now: () => inner.now(),
      schedule: ((work: () => void, delay = 0) => inner.schedule(work, delay + lateByMs)) as SchedulerLike['schedule'],
    }));
    harness.send(audio(2000));
    clock.advanceTo(3000);
    const out = chunks();
    expect(out).toHaveLength(100);
    for (let k = 3; k < out.length; k++) {
      const dueMs = (k - 2) * 20;
      expect(out[k].atMs).toBeGreaterThanOrEqual(dueMs);
      expect(out[k].atMs).toBeLessThanOrEqual(dueMs + lateByMs);
    }
    expect(out.map((c) => c.frame.ptsMs)).toEqual(Array.from({ length: 100 }, (_, k) => k * 20));
  });

  it('releases audio that arrives slower than real time as it comes, and re-anchors after the far end ran dry', () => {
    const { clock, harness, chunks, speaking } = setup();
    harness.send(audio(40));
    clock.advanceTo(100);
    harness.send(audio(40));
    clock.advanceTo(500);
    expect(chunks().map((c) => [c.atMs, c.frame.ptsMs])).toEqual([
      [0, 0],
      [0, 20],
      [100, 100],
      [100, 120],
    ]);
    // Not ended: the bot stops one chunk after the far end ran dry (40 + 20), and starts again with the new audio.
    expect(speaking('downstream')).toEqual(['started@0', 'stopped@60', 'started@100', 'stopped@160']);
  });

  it('sends a partial chunk, padded with silence, once the far end starved for a whole chunk', () => {
    const { clock, harness, chunks } = setup();
    const frame = audio(30);
    harness.send(frame);
    // The far end runs dry at 20; more audio may still be on its way, so the 10 ms rest waits one chunk more.
    clock.advanceTo(39);
    expect(chunks()).toHaveLength(1);
    clock.advanceTo(40);
    const out = chunks();
    expect(out.map((c) => [c.atMs, c.frame.ptsMs, c.frame.samples.length])).toEqual([
      [0, 0, 480],
      [40, 40, 480],
    ]);
    expect(Array.from(out[1].frame.samples.subarray(0, 240))).toEqual(Array.from(frame.samples.subarray(480)));
    expect(out[1].frame.samples.subarray(240).every((s) => s === 0)).toBe(true);
  });

  it('pads the last chunk of an utterance and starts the next utterance on a fresh chunk', () => {
    const { clock, harness, chunks, progress } = setup();
    harness.send(audio(90, { utteranceId: 'u1' }), audio(40, { utteranceId: 'u2' }), turnEnd());
    clock.advanceTo(1000);
    expect(chunks().map((c) => [c.frame.utteranceId, c.frame.ptsMs])).toEqual([
      ['u1', 0],
      ['u1', 20],
      ['u1', 40],
      ['u1', 60],
      ['u1', 80],
      ['u2', 100],
      ['u2', 120],
    ]);
    // u1 heard in full (90 ms of media; the padding is silence) once its last chunk played at 100.
    expect(progress().filter((p) => p.final)).toEqual([
      { atMs: 100, playedMs: 90, final: true, utteranceId: 'u1' },
      { atMs: 140, playedMs: 40, final: true, utteranceId: 'u2' },
    ]);
  });
});

describe('outputPacer: playback progress and speaking state', () => {
  it('reports heard time upstream every 100 ms while playing and a final report when the utterance played out', () => {
    const { clock, harness, progress, speaking } = setup();
    harness.send(audio(300), turnEnd());
    clock.advanceTo(1000);
    expect(progress()).toEqual([
      { atMs: 0, playedMs: 0, final: false, utteranceId: 'u1' },
      { atMs: 100, playedMs: 100, final: false, utteranceId: 'u1' },
      { atMs: 200, playedMs: 200, final: false, utteranceId: 'u1' },
      { atMs: 300, playedMs: 300, final: true, utteranceId: 'u1' },
    ]);
    // From what was sent: started with the first chunk, stopped when the last one finished playing. Both ways.
    expect(speaking('downstream')).toEqual(['started@0', 'stopped@300']);
    expect(speaking('upstream')).toEqual(['started@0', 'stopped@300']);
  });

  it('holds frames that arrive behind queued audio and releases them right after that audio', () => {
    const { clock, harness, timeline } = setup();
    const transcript = makeFrame('transcript', { role: 'assistant', text: 'hello there', final: true });
    harness.send(audio(100), transcript, turnEnd());
    clock.advanceTo(1000);
    const down = timeline.filter((t) => t.direction === 'downstream' && t.frame.type !== 'bot.started-speaking' && t.frame.type !== 'bot.stopped-speaking');
    expect(down.map((t) => `${t.frame.type}@${t.atMs}`)).toEqual([
      'start@0',
      'audio.output@0',
      'audio.output@0',
      'audio.output@0',
      'audio.output@20',
      'audio.output@40',
      'transcript@40',
      'turn.end@40',
    ]);
  });

  it('passes frames through at once when no audio is queued', () => {
    const { harness, types } = setup();
    harness.send(makeFrame('text', { text: 'hi', role: 'assistant' }));
    harness.sendUpstream(makeFrame('user.started-speaking', {}));
    expect(types('downstream')).toEqual(['start', 'text']);
    expect(types('upstream')).toEqual(['user.started-speaking']);
  });
});

describe('outputPacer: options', () => {
  it('rejects out-of-range options with a typed error', () => {
    expect(() => outputPacer({ chunkMs: 30 as 20 })).toThrow(PacerOptionsError);
    expect(() => outputPacer({ leadMs: -1 })).toThrow(/leadMs/);
    expect(() => outputPacer({ maxBufferedMs: 10 })).toThrow(/maxBufferedMs/);
    expect(() => outputPacer({ progressIntervalMs: 0 })).toThrow(/progressIntervalMs/);
  });

  it('rounds the lead down to whole chunks, at least one', () => {
    expect(outputPacer({ leadMs: 70 }).config.leadMs).toBe(60);
    expect(outputPacer({ leadMs: 0 }).config.leadMs).toBe(20);
    expect(outputPacer({ chunkMs: 40 }).config.leadMs).toBe(40);
  });
});
