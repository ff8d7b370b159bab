import { ChunkSequencer } from '@voxframe/transports';

describe('ChunkSequencer', () => {
  test('in-order chunks are accepted; small forward gaps count as missing', () => {
    const s = new ChunkSequencer(50);
    expect([1, 2, 3, 6, 7].map((c) => s.decide(c))).toEqual(['accept', 'accept', 'accept', 'accept', 'accept']);
    expect(s.stats).toEqual({ accepted: 5, late: 0, resyncs: 0, missing: 2 });
  });

  test('late and duplicate chunks within the window are dropped', () => {
    const s = new ChunkSequencer(50);
    expect([10, 11, 9, 11, 12].map((c) => s.decide(c))).toEqual(['accept', 'accept', 'late', 'late', 'accept']);
    expect(s.stats).toMatchObject({ late: 2 });
  });

  test('a jump beyond the window resynchronises, forward and back; the call is never deaf', () => {
    const s = new ChunkSequencer(50);
    [1, 2, 3].forEach((c) => s.decide(c));
    expect(s.decide(999_998)).toBe('resync');
    expect(s.decide(4)).toBe('resync');
    expect([5, 6, 7].map((c) => s.decide(c))).toEqual(['accept', 'accept', 'accept']);
    expect(s.decide(51)).toBe('accept'); // 44 ahead: a gap, inside the window
    expect(s.decide(200)).toBe('resync'); // 149 ahead: a jump
    expect(s.stats).toEqual({ accepted: 10, late: 0, resyncs: 3, missing: 43 });
  });

  test('carriers that send no chunk numbers (0) are always accepted', () => {
    const s = new ChunkSequencer();
    expect([0, 0, 0].map((c) => s.decide(c))).toEqual(['accept', 'accept', 'accept']);
  });
});
