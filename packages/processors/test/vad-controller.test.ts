/**
 * The VAD controller's hysteresis and timing, in virtual time with marble diagrams.
 *
 * Each source marble value is one 32 ms analysis window arriving when its audio is complete (window i at
 * (i + 1) * 32 ms of virtual time), with media time equal to virtual time. Scores: q = 0.1 (quiet), h = 0.4 (between
 * the default negative threshold 0.35 and the threshold 0.5), s = 0.9 (speech).
 */
import { runInVirtualTime } from '@voxframe/core/testing';
import { map } from 'rxjs';
import { VadOptionsError } from '../src/vad/errors';
import { VadController, vadControllerDefaults, type VadEvent } from '../src/vad/vad-controller';
import { vadEvents, type VadWindowScore } from '../src/vad/vad-operator';

const WINDOW_MS = 32;
const SCORES = { q: 0.1, h: 0.4, s: 0.9 } as const;

/** `'qss'` -> `'32ms q 31ms s 31ms s'`: one window every 32 ms; a trailing `|` completes right after the last one. */
function windowMarbles(pattern: string): string {
  const complete = pattern.endsWith('|');
  const windows = complete ? pattern.slice(0, -1) : pattern;
  const body = [...windows].map((score, i) => `${i === 0 ? WINDOW_MS : WINDOW_MS - 1}ms ${score}`).join(' ');
  return complete ? `${body}|` : body;
}

/** `[[96, 'a'], [256, 'b']]` -> `'96ms a 159ms b'`: events at absolute virtual times. */
function timeline(events: readonly (readonly [number, string])[], completeAtMs?: number): string {
  let now = 0;
  const parts: string[] = [];
  for (const [atMs, key] of events) {
    parts.push(`${atMs - now}ms ${key}`);
    now = atMs + 1;
  }
  if (completeAtMs !== undefined) {
    const last = events[events.length - 1];
    if (last !== undefined && last[0] === completeAtMs) parts[parts.length - 1] = `${atMsGap(events)}ms (${last[1]}|)`;
    else parts.push(completeAtMs === now ? '|' : `${completeAtMs - now}ms |`);
  }
  return parts.join(' ');
}

/** Gap before the last event, as written in its marble part. */
function atMsGap(events: readonly (readonly [number, string])[]): number {
  const previous = events[events.length - 2];
  return events[events.length - 1][0] - (previous === undefined ? 0 : previous[0] + 1);
}

function expectEvents(
  pattern: string,
  expected: string,
  values: Record<string, VadEvent>,
  options: ConstructorParameters<typeof VadController>[0] = {},
): void {
  runInVirtualTime(({ cold, expectObservable, scheduler }) => {
    const windows = cold(windowMarbles(pattern), SCORES).pipe(
      map((probability): VadWindowScore => ({ probability, startMs: scheduler.now() - WINDOW_MS, durationMs: WINDOW_MS })),
    );
    expectObservable(windows.pipe(vadEvents(options))).toBe(expected, values);
  }, (actual, wanted) => expect(actual).toEqual(wanted));
}

const start = (startMs: number, atMs: number, preRollStartMs = Math.max(0, startMs - 300)): VadEvent => ({
  type: 'speech-start',
  startMs,
  preRollStartMs,
  atMs,
});
const end = (startMs: number, endMs: number, atMs: number): VadEvent => ({ type: 'speech-end', startMs, endMs, atMs });

describe('VadController timing (virtual time)', () => {
  it('ignores a single speech window shorter than minSpeechMs', () => {
    expectEvents('qsqqqq', '', {});
  });

  it('announces speech once it held minSpeechMs, dated at its first window', () => {
    // Window 1 (32-64 ms) starts the candidate; window 2 ends at 96 ms: 64 ms of speech = minSpeechMs.
    expectEvents('qsssq', timeline([[96, 'a']]), { a: start(32, 96) });
  });

  it('drops a candidate start when a window falls below the negative threshold', () => {
    expectEvents('sqsss', timeline([[128, 'a']]), { a: start(64, 128) });
  });

  it('keeps a candidate start alive through windows between the two thresholds', () => {
    expectEvents('shq', timeline([[64, 'a']]), { a: start(0, 64) });
  });

  it('ends speech after minSilenceMs of silence, dated at the first silent window', () => {
    // Speech 0-96 ms, silence from 96 ms; 96 ms of silence (minSilenceMs) is reached when the window ending at 192 arrives.
    expectEvents('sssqqqqq', timeline([[64, 'a'], [192, 'b']]), { a: start(0, 64), b: end(0, 96, 192) }, { minSilenceMs: 96 });
  });

  it('bridges a pause shorter than minSilenceMs', () => {
    expectEvents('ssqqssqqqq', timeline([[64, 'a'], [288, 'b']]), { a: start(0, 64), b: end(0, 192, 288) }, { minSilenceMs: 96 });
  });

  it('does not stop while scores hover between the thresholds (hysteresis)', () => {
    expectEvents('sshhhhhhhh', timeline([[64, 'a']]), { a: start(0, 64) }, { minSilenceMs: 96 });
  });

  it('lets only a window at or above the threshold cancel a candidate stop', () => {
    // The silence from 64 ms is not cancelled by hovering windows: it ends at 64 once 96 ms passed.
    expectEvents('ssqhhqq', timeline([[64, 'a'], [160, 'b']]), { a: start(0, 64), b: end(0, 64, 160) }, { minSilenceMs: 96 });
  });

  it('closes speech still announced when the windows complete', () => {
    expectEvents('qsss|', timeline([[96, 'a'], [129, 'b']], 129), { a: start(32, 96), b: end(32, 128, 128) });
  });

  it('closes a candidate stop at its first silent window when the windows complete', () => {
    expectEvents('ssq|', timeline([[64, 'a'], [97, 'b']], 97), { a: start(0, 64), b: end(0, 64, 96) });
  });

  it('does not announce an unconfirmed start at completion', () => {
    expectEvents('qqs|', timeline([], 97), {});
  });

  it('starts on the first speech window when minSpeechMs is 0', () => {
    expectEvents('qs', timeline([[64, 'a']]), { a: start(32, 64) }, { minSpeechMs: 0 });
  });

  it('honours a custom threshold: hovering windows count as speech when the threshold is below them', () => {
    expectEvents('qhhq', timeline([[96, 'a']]), { a: start(32, 96) }, { threshold: 0.3, negativeThreshold: 0.2 });
  });

  it('reports the pre-roll start prefixPaddingMs before the speech, not before the first window', () => {
    expectEvents('qqqqqqss', timeline([[256, 'a']]), { a: start(192, 256, 92) }, { prefixPaddingMs: 100 });
    expectEvents('qss', timeline([[96, 'a']]), { a: start(32, 96, 0) }, { prefixPaddingMs: 100 });
  });
});

describe('VadController state and options', () => {
  it('walks quiet -> starting -> speaking -> stopping -> quiet', () => {
    const controller = new VadController({ minSilenceMs: 64 });
    const states: string[] = [controller.state];
    for (const [p, t] of [[0.9, 0], [0.9, 32], [0.1, 64], [0.1, 96]] as const) {
      controller.update(p, t, WINDOW_MS);
      states.push(controller.state);
    }
    expect(states).toEqual(['quiet', 'starting', 'speaking', 'stopping', 'quiet']);
  });

  it('treats NaN and negative scores as silence', () => {
    const controller = new VadController({ minSpeechMs: 0, minSilenceMs: 0 });
    expect(controller.update(0.9, 0, WINDOW_MS)?.type).toBe('speech-start');
    expect(controller.update(Number.NaN, 32, WINDOW_MS)).toEqual(end(0, 32, 64));
    expect(controller.update(-1, 64, WINDOW_MS)).toBeUndefined();
    expect(controller.state).toBe('quiet');
  });

  it('forgets a speech on reset without reporting it', () => {
    const controller = new VadController({ minSpeechMs: 0 });
    controller.update(0.9, 1000, WINDOW_MS);
    controller.reset();
    expect(controller.speaking).toBe(false);
    expect(controller.flush(2000)).toBeUndefined();
    // After reset, the next window is the stream's first: pre-roll cannot reach before it.
    expect(controller.update(0.9, 5000, WINDOW_MS)).toMatchObject({ startMs: 5000, preRollStartMs: 5000 });
  });

  it('derives the negative threshold from the threshold', () => {
    expect(new VadController().options).toEqual({ ...vadControllerDefaults, negativeThreshold: 0.5 - 0.15 });
    expect(new VadController({ threshold: 0.1 }).options.negativeThreshold).toBe(0.01);
  });

  it.each([
    [{ threshold: 0 }, /threshold must be in/],
    [{ threshold: 1.5 }, /threshold must be in/],
    [{ threshold: 0.5, negativeThreshold: 0.6 }, /negativeThreshold/],
    [{ minSilenceMs: -1 }, /minSilenceMs/],
    [{ minSpeechMs: Number.NaN }, /minSpeechMs/],
    [{ prefixPaddingMs: Number.POSITIVE_INFINITY }, /prefixPaddingMs/],
  ])('rejects %p', (options, message) => {
    expect(() => new VadController(options)).toThrow(VadOptionsError);
    expect(() => new VadController(options)).toThrow(message);
  });
});
