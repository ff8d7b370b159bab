/**
 * Re-chunking to fixed frames and the ring buffer under it: exact frames from any input sizes, order kept,
 * bounded memory with a stated, counted overflow policy.
 */
import { AudioConfigError, AudioDataError } from '../src/audio/errors';
import { Rechunker } from '../src/audio/rechunker';
import { SampleRingBuffer } from '../src/audio/ring-buffer';

const ramp = (from: number, count: number): Int16Array => Int16Array.from({ length: count }, (_, i) => (from + i) % 32768);

describe('Rechunker', () => {
  it.each([[[1]], [[7, 13, 1]], [[159, 161]], [[160]], [[1000, 3]]])(
    'chunks of sizes %p become exact 160-sample frames carrying every sample in order',
    (sizes) => {
      const rechunker = new Rechunker({ frameMs: 20, sampleRate: 8000 });
      expect(rechunker.frameSamples).toBe(160);
      const input = ramp(0, 4000);
      const frames: Int16Array[] = [];
      let offset = 0;
      for (let i = 0; offset < input.length; i += 1) {
        const size = Math.min(sizes[i % sizes.length], input.length - offset);
        rechunker.push(input.subarray(offset, offset + size), (frame) => frames.push(frame));
        offset += size;
      }
      expect(frames.length).toBe(Math.floor(4000 / 160));
      for (const frame of frames) expect(frame.length).toBe(160);
      const joined = new Int16Array(frames.length * 160);
      frames.forEach((frame, i) => joined.set(frame, i * 160));
      expect(joined).toEqual(input.subarray(0, joined.length));
      expect(rechunker.buffered).toBe(4000 % 160);
      expect(rechunker.framesRead).toBe(frames.length);
    },
  );

  it('frames are fresh arrays (safe to keep while more audio arrives)', () => {
    const rechunker = new Rechunker({ frameSamples: 4 });
    rechunker.write(ramp(0, 8));
    const first = rechunker.read();
    rechunker.write(ramp(100, 4));
    expect(Array.from(first ?? [])).toEqual([0, 1, 2, 3]);
  });

  it('readInto fills a caller buffer without allocating and reports when no whole frame is ready', () => {
    const rechunker = new Rechunker({ frameSamples: 3 });
    const out = new Int16Array(3);
    rechunker.write(ramp(10, 4));
    expect(rechunker.readInto(out)).toBe(true);
    expect(Array.from(out)).toEqual([10, 11, 12]);
    expect(rechunker.readInto(out)).toBe(false);
    expect(() => rechunker.readInto(new Int16Array(2))).not.toThrow(); // nothing ready: no copy attempted
    rechunker.write(ramp(0, 2));
    expect(() => rechunker.readInto(new Int16Array(2))).toThrow(RangeError);
  });

  it('flush returns the partial last frame, zero-padded on request', () => {
    const rechunker = new Rechunker({ frameSamples: 4 });
    rechunker.write(ramp(1, 6));
    rechunker.read();
    expect(Array.from(rechunker.flush({ pad: true }) ?? [])).toEqual([5, 6, 0, 0]);
    expect(rechunker.flush()).toBeUndefined();
    rechunker.write(ramp(1, 2));
    expect(Array.from(rechunker.flush() ?? [])).toEqual([1, 2]);
  });

  it('multichannel frames hold channels x samples', () => {
    expect(new Rechunker({ frameMs: 10, sampleRate: 48000, channels: 2 }).frameSamples).toBe(960);
  });

  it('a consumer that falls behind loses the oldest audio, counted, with memory bounded', () => {
    const rechunker = new Rechunker({ frameSamples: 10, maxBufferedFrames: 3 });
    rechunker.write(ramp(0, 45));
    expect(rechunker.buffered).toBe(30);
    expect(rechunker.droppedSamples).toBe(15);
    expect(rechunker.read()?.[0]).toBe(15);
  });

  it.each([
    [{ frameSamples: 0 }],
    [{ frameMs: 3, sampleRate: 44100 }],
    [{ frameMs: 20 }],
    [{ frameSamples: 160, maxBufferedFrames: 0 }],
  ])('refuses %p with a typed error', (options) => {
    expect(() => new Rechunker(options)).toThrow(AudioConfigError);
  });
});

describe('SampleRingBuffer', () => {
  it('wraps around: writes and reads across the end keep FIFO order', () => {
    const ring = new SampleRingBuffer({ capacity: 5 });
    const out = new Int16Array(3);
    ring.write(ramp(0, 4));
    ring.read(out);
    ring.write(ramp(4, 4)); // wraps
    expect(ring.size).toBe(5);
    const all = new Int16Array(5);
    expect(ring.peek(all)).toBe(5);
    expect(Array.from(all)).toEqual([3, 4, 5, 6, 7]);
    expect(Array.from(ring.take(10))).toEqual([3, 4, 5, 6, 7]);
    expect(ring.size).toBe(0);
  });

  it('drop-oldest keeps the newest audio, even when one write is larger than the capacity', () => {
    const ring = new SampleRingBuffer({ capacity: 4 });
    ring.write(ramp(0, 3));
    ring.write(ramp(3, 3));
    expect(Array.from(ring.take(4))).toEqual([2, 3, 4, 5]);
    ring.write(ramp(0, 10));
    expect(Array.from(ring.take(4))).toEqual([6, 7, 8, 9]);
    expect(ring.droppedSamples).toBe(2 + 6);
  });

  it('drop-newest keeps what is buffered; throw refuses and stores nothing', () => {
    const newest = new SampleRingBuffer({ capacity: 4, overflow: 'drop-newest' });
    newest.write(ramp(0, 3));
    expect(newest.write(ramp(3, 3))).toBe(1);
    expect(Array.from(newest.take(4))).toEqual([0, 1, 2, 3]);
    expect(newest.droppedSamples).toBe(2);
    const strict = new SampleRingBuffer({ capacity: 4, overflow: 'throw' });
    strict.write(ramp(0, 3));
    expect(() => strict.write(ramp(3, 2))).toThrow(AudioDataError);
    expect(strict.size).toBe(3);
  });

  it('discard and clear drop samples without reading them', () => {
    const ring = new SampleRingBuffer({ capacity: 8 });
    ring.write(ramp(0, 6));
    expect(ring.discard(4)).toBe(4);
    expect(Array.from(ring.take(8))).toEqual([4, 5]);
    ring.write(ramp(0, 3));
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.free).toBe(8);
  });

  it('refuses a non-positive capacity', () => {
    expect(() => new SampleRingBuffer({ capacity: 0 })).toThrow(RangeError);
  });
});
