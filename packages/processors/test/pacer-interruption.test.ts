import { makeFrame, type ErrorFrame, type MetricsFrame } from '@voxframe/core';
import { PacerOverflowError } from '../src/pacer';
import { audio, setup, turnEnd } from './helpers/pacer';

describe('outputPacer: interruption', () => {
  it('drops everything queued in the same tick and reports what was heard: released minus the lead not yet played', () => {
    const { clock, pacer, harness, chunks, progress, speaking, timeline } = setup();
    harness.send(audio(1000));
    clock.advanceTo(130);
    // By 130 ms the chunk playing at 160-180 went out (each is released 60 ms ahead): 180 ms released, of which
    // 50 ms are still buffered at the far end, so 130 ms were heard.
    expect(chunks().at(-1)?.frame.ptsMs).toBe(160);
    const before = timeline.length;
    harness.interrupt();
    const sameTick = timeline.slice(before);
    expect(sameTick.map((t) => `${t.direction}:${t.frame.type}@${t.atMs}`)).toEqual([
      'upstream:playback.progress@130',
      'downstream:bot.stopped-speaking@130',
      'upstream:bot.stopped-speaking@130',
      'downstream:interruption.start@130',
    ]);
    expect(progress().at(-1)).toEqual({ atMs: 130, playedMs: 130, final: true, utteranceId: 'u1' });
    const released = chunks().length;
    clock.advanceTo(2000);
    expect(chunks()).toHaveLength(released);
    expect(speaking('upstream')).toEqual(['started@0', 'stopped@130']);
    expect(pacer.queuedMs).toBe(0);
  });

  it('counts the part of the chunk playing at the interruption', () => {
    const { clock, harness, progress } = setup();
    harness.send(audio(1000));
    clock.advanceTo(135);
    harness.interrupt();
    expect(progress().at(-1)).toMatchObject({ playedMs: 135, final: true });
  });

  it('accounts media, not padding, and reports every utterance still unfinished (0 for one never heard)', () => {
    const { clock, harness, progress } = setup();
    // u1: 30 ms then its turn ends (padded to 40 ms of output); u2 queued behind it.
    harness.send(audio(30, { utteranceId: 'u1' }), turnEnd(), audio(500, { utteranceId: 'u2' }));
    clock.advanceTo(35);
    harness.interrupt();
    expect(progress().filter((p) => p.final)).toEqual([
      // u1 is 30 ms of media in 40 ms of output; at 35 ms its media was all heard, its padding still playing.
      { atMs: 35, playedMs: 30, final: true, utteranceId: 'u1' },
      { atMs: 35, playedMs: 0, final: true, utteranceId: 'u2' },
    ]);
  });

  it('keeps uninterruptible held frames (tool results) and drops the others', () => {
    const { clock, harness, types } = setup();
    const result = makeFrame('tool.result', { callId: 'c1', name: 'lookup', output: '{}', isError: false });
    harness.send(audio(500), makeFrame('transcript', { role: 'assistant', text: 'never heard', final: true }), result);
    clock.advanceTo(50);
    harness.interrupt();
    clock.advanceTo(1000);
    const down = types('downstream');
    expect(down).toContain('tool.result');
    expect(down).not.toContain('transcript');
    expect(down.indexOf('tool.result')).toBeLessThan(down.indexOf('interruption.start'));
  });

  it('plays the next utterance normally after an interruption, on a fresh timeline', () => {
    const { clock, harness, chunks, speaking } = setup();
    harness.send(audio(1000, { utteranceId: 'u1' }));
    clock.advanceTo(100);
    harness.interrupt();
    clock.advanceTo(300);
    harness.send(audio(60, { utteranceId: 'u2' }), turnEnd());
    clock.advanceTo(1000);
    const u2 = chunks().filter((c) => c.frame.utteranceId === 'u2');
    expect(u2.map((c) => [c.atMs, c.frame.ptsMs])).toEqual([
      [300, 300],
      [300, 320],
      [300, 340],
    ]);
    expect(speaking('downstream')).toEqual(['started@0', 'stopped@100', 'started@300', 'stopped@360']);
  });

  it('does nothing much on an interruption while idle, and still passes it on', () => {
    const { harness, types } = setup();
    harness.interrupt();
    expect(types('downstream')).toEqual(['start', 'interruption.start']);
    expect(types('upstream')).toEqual([]);
  });
});

describe('outputPacer: end, cancel and overflow', () => {
  it('plays out everything queued before passing the end frame on', async () => {
    const { clock, harness, types, progress } = setup();
    harness.send(audio(100));
    let ended = false;
    const end = harness.end().then(() => (ended = true));
    clock.advanceTo(99);
    await Promise.resolve();
    expect(ended).toBe(false);
    clock.advanceTo(100);
    await end;
    expect(types('downstream').slice(-2)).toEqual(['bot.stopped-speaking', 'end']);
    expect(progress().at(-1)).toEqual({ atMs: 100, playedMs: 100, final: true, utteranceId: 'u1' });
  });

  it('ends at once when nothing is queued', async () => {
    const { harness, types } = setup();
    await harness.end();
    expect(types('downstream')).toEqual(['start', 'end']);
  });

  it('stops at once on cancel', () => {
    const { clock, harness, chunks } = setup();
    harness.send(audio(1000));
    clock.advanceTo(40);
    const released = chunks().length;
    harness.cancel();
    clock.advanceTo(1000);
    expect(chunks()).toHaveLength(released);
  });

  it('drops the rest of an utterance that overflows maxBufferedMs, reports it once and counts it', () => {
    const { clock, harness, chunks, timeline } = setup({ maxBufferedMs: 200 });
    harness.send(audio(200, { utteranceId: 'u1' }), audio(100, { utteranceId: 'u1' }), audio(100, { utteranceId: 'u1' }));
    const errors = timeline.filter((t) => t.frame.type === 'error').map((t) => t.frame as ErrorFrame);
    expect(errors).toHaveLength(1);
    expect(errors[0].error).toBeInstanceOf(PacerOverflowError);
    expect(errors[0].fatal).toBe(false);
    // What was queued still plays in full: a prefix of the utterance, so played time stays a true offset.
    harness.send(turnEnd(), audio(40, { utteranceId: 'u2' }));
    clock.advanceTo(1000);
    expect(chunks().filter((c) => c.frame.utteranceId === 'u1')).toHaveLength(10);
    expect(chunks().filter((c) => c.frame.utteranceId === 'u2')).toHaveLength(2);
    const metrics = timeline.filter((t) => t.frame.type === 'metrics').map((t) => (t.frame as MetricsFrame).metrics[0]);
    expect(metrics).toEqual([{ kind: 'queue-overflow', processor: 'outputPacer', dropped: 2 }]);
  });

  it('rejects an audio frame with an impossible rate with a recoverable error frame', () => {
    const { harness, timeline } = setup();
    harness.send(makeFrame('audio.output', { samples: new Int16Array(10), sampleRate: 0, channels: 1 }));
    const error = timeline.find((t) => t.frame.type === 'error')?.frame as ErrorFrame;
    expect(error.error.code).toBe('invalid_frame');
    expect(error.fatal).toBe(false);
  });

  it('withholds its own estimate once the output after it reports real playback, so there is one playback clock', () => {
    const { clock, harness, progress } = setup();
    harness.send(audio(1000));
    clock.advanceTo(250);
    const estimates = progress().length;
    expect(estimates).toBeGreaterThan(0);
    // The output transport (after the pacer) reports what the device played: it travels upstream through the pacer.
    const device = makeFrame('playback.progress', { utteranceId: 'u1', playedMs: 180, final: false });
    harness.sendUpstream(device);
    clock.advanceTo(600);
    harness.interrupt();
    clock.advanceTo(700);
    const after = harness.upstream.filter((f) => f.type === 'playback.progress').slice(estimates);
    expect(after).toEqual([device]);
    harness.dispose();
  });
});
