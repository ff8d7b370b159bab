import { FrameTypeError, defineFrame, isKnownFrameType, makeFrame, audioDurationMs, withFields, type FrameOf } from '@voxframe/core';

const Sentiment = defineFrame<'acme.sentiment', 'data', { score: number }>('acme.sentiment', 'data');

declare module '@voxframe/core' {
  interface CustomFrames {
    'acme.sentiment': FrameOf<typeof Sentiment>;
  }
}

describe('frames', () => {
  test('makeFrame stamps type, kind, a fresh increasing id and defaults', () => {
    const a = makeFrame('text', { text: 'hi', role: 'user' });
    const b = makeFrame('end', {});
    expect(a).toEqual({ type: 'text', kind: 'data', id: a.id, ptsMs: 0, text: 'hi', role: 'user' });
    expect(b.kind).toBe('control');
    expect(b.uninterruptible).toBe(true);
    expect(b.id).toBeGreaterThan(a.id);
    expect(makeFrame('cancel', {}).kind).toBe('system');
    expect(makeFrame('tool.result', { callId: 'c', name: 'n', output: '', isError: false }).uninterruptible).toBe(true);
  });

  test('audio frames carry typed samples, rate and channels', () => {
    const frame = makeFrame('audio.input', { samples: new Int16Array(320), sampleRate: 16000, channels: 1 }, { ptsMs: 40 });
    expect(audioDurationMs(frame)).toBe(20);
    expect(frame.ptsMs).toBe(40);
  });

  test('custom frames are typed, created with makeFrame or their factory, and recognised', () => {
    const viaFactory = Sentiment.create({ score: 0.8 });
    const viaMake = makeFrame('acme.sentiment', { score: 0.1 });
    expect(viaFactory.kind).toBe('data');
    expect(Sentiment.is(viaMake)).toBe(true);
    expect(viaMake.score).toBe(0.1);
    expect(isKnownFrameType('acme.sentiment')).toBe(true);
  });

  test('an unknown type or a clash with a built-in is a typed error', () => {
    expect(() => makeFrame('nope' as never, {} as never)).toThrow(FrameTypeError);
    expect(() => defineFrame('text', 'data')).toThrow(/already defined/);
  });

  test('withFields keeps the identity of a frame', () => {
    const frame = makeFrame('text', { text: 'a', role: 'assistant' });
    const changed = withFields(frame, { text: 'b' });
    expect(changed).toEqual({ ...frame, text: 'b' });
    expect(changed.id).toBe(frame.id);
  });
});
