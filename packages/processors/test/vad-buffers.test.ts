/**
 * The VAD's fixed buffers: re-chunking into analysis windows with a bounded queue, and the pre-roll history.
 */
import { PreRollBuffer } from '../src/vad/pre-roll-buffer';
import { WindowRing } from '../src/vad/window-ring';

const ramp = (from: number, count: number): Int16Array => Int16Array.from({ length: count }, (_, i) => from + i);

/** Drains a ring, returning each window as PCM16 values and its start index. */
function drain(ring: WindowRing): { start: number; samples: number[] }[] {
  const out: { start: number; samples: number[] }[] = [];
  for (let window = ring.peek(); window !== undefined; window = ring.peek()) {
    out.push({ start: ring.peekStart(), samples: Array.from(window, (s) => Math.round(s * 32768)) });
    ring.shift();
  }
  return out;
}

describe('WindowRing', () => {
  it('grows keeping the queued windows in order, their starts and the partly filled window', () => {
    const ring = new WindowRing(4, 2);
    const ramp = Int16Array.from({ length: 30 }, (_, i) => i * 100);
    ring.write(ramp.subarray(0, 4));
    ring.shift(); // head moves off slot 0: the copy must follow the ring's order, not the storage's
    ring.write(ramp.subarray(4, 14)); // windows [4..8) and [8..12) queued, 2 samples of the next one filled
    expect(ring.completedBy(2)).toBe(1);
    ring.grow(6);
    expect(ring.capacity).toBe(6);
    expect(ring.write(ramp.subarray(14, 30))).toBe(0); // 4 more windows fit: [12..16) ... [24..28)
    const starts: number[] = [];
    const firsts: number[] = [];
    while (ring.size > 0) {
      starts.push(ring.peekStart());
      firsts.push(Math.round((ring.peek() as Float32Array)[0] * 32768));
      ring.shift();
    }
    expect(starts).toEqual([4, 8, 12, 16, 20, 24]);
    expect(firsts).toEqual([400, 800, 1200, 1600, 2000, 2400]);
  });

  it('re-chunks chunks of any length into whole windows, in order, with their stream positions', () => {
    const ring = new WindowRing(4, 8);
    expect(ring.write(ramp(0, 3))).toBe(0);
    expect(ring.size).toBe(0);
    ring.write(ramp(3, 7)); // completes windows [0..3] and [4..7], leaves 8, 9 pending
    ring.write(ramp(10, 2));
    expect(drain(ring)).toEqual([
      { start: 0, samples: [0, 1, 2, 3] },
      { start: 4, samples: [4, 5, 6, 7] },
      { start: 8, samples: [8, 9, 10, 11] },
    ]);
    expect(ring.written).toBe(12);
  });

  it('takes only the given length of a reused buffer', () => {
    const ring = new WindowRing(2, 4);
    const scratch = ramp(0, 8);
    ring.write(scratch, 3);
    ring.write(scratch, 1);
    expect(drain(ring).map((w) => w.samples)).toEqual([
      [0, 1],
      [2, 0],
    ]);
    expect(ring.written).toBe(4);
  });

  it('scales PCM16 to floats in [-1, 1)', () => {
    const ring = new WindowRing(2, 1);
    ring.write(Int16Array.of(-32768, 16384));
    expect(Array.from(ring.peek() as Float32Array)).toEqual([-1, 0.5]);
  });

  it('keeps the window being filled intact while queued windows are consumed', () => {
    const ring = new WindowRing(4, 2);
    ring.write(ramp(0, 6)); // one complete window, two samples of the next
    expect(drain(ring).map((w) => w.start)).toEqual([0]);
    ring.write(ramp(6, 2));
    expect(drain(ring)).toEqual([{ start: 4, samples: [4, 5, 6, 7] }]);
  });

  it('drops the oldest windows when full and says how many', () => {
    const ring = new WindowRing(2, 3);
    expect(ring.write(ramp(0, 10))).toBe(2); // five windows into three places
    expect(ring.size).toBe(3);
    expect(drain(ring).map((w) => w.samples)).toEqual([
      [4, 5],
      [6, 7],
      [8, 9],
    ]);
    // Wrapping around the ring many times keeps order and positions.
    for (let i = 0; i < 20; i++) {
      ring.write(ramp(10 + i * 2, 2));
      expect(drain(ring)).toEqual([{ start: 10 + i * 2, samples: [10 + i * 2, 11 + i * 2] }]);
    }
  });

  it('forgets everything on clear', () => {
    const ring = new WindowRing(4, 2);
    ring.write(ramp(0, 7));
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.written).toBe(0);
    ring.write(ramp(100, 4));
    expect(drain(ring)).toEqual([{ start: 0, samples: [100, 101, 102, 103] }]);
  });
});

describe('PreRollBuffer', () => {
  // 1000 Hz: one sample per millisecond keeps the arithmetic readable.
  it('reads the audio from a media time to the newest sample', () => {
    const buffer = new PreRollBuffer(1000, 100, 5000);
    buffer.write(ramp(0, 30));
    buffer.write(ramp(30, 30));
    const read = buffer.read(5040);
    expect(Array.from(read.samples)).toEqual(Array.from(ramp(40, 20)));
    expect(read).toMatchObject({ sampleRate: 1000, startMs: 5040, endMs: 5060 });
  });

  it('clamps to the oldest kept sample once the ring wrapped', () => {
    const buffer = new PreRollBuffer(1000, 50, 0);
    for (let i = 0; i < 7; i++) buffer.write(ramp(i * 20, 20)); // 140 samples into 50 places
    const read = buffer.read(0);
    expect(read.startMs).toBe(90);
    expect(Array.from(read.samples)).toEqual(Array.from(ramp(90, 50)));
  });

  it('takes only the given length of a reused buffer', () => {
    const buffer = new PreRollBuffer(1000, 10, 0);
    buffer.write(ramp(0, 8), 3);
    expect(Array.from(buffer.read(0).samples)).toEqual([0, 1, 2]);
  });

  it('keeps the tail of a chunk larger than the ring', () => {
    const buffer = new PreRollBuffer(1000, 10, 0);
    buffer.write(ramp(0, 25));
    expect(Array.from(buffer.read(0).samples)).toEqual(Array.from(ramp(15, 10)));
    expect(buffer.endMs).toBe(25);
  });

  it('returns an empty read for a time after the newest sample', () => {
    const buffer = new PreRollBuffer(1000, 10, 0);
    buffer.write(ramp(0, 5));
    expect(buffer.read(50)).toMatchObject({ samples: new Int16Array(0), startMs: 5, endMs: 5 });
  });
});
