/**
 * PCM16 bytes and base64 on the wire: byte order, odd byte counts (typed error one-shot, carried byte in streams),
 * unaligned buffers, and base64 garbage refused.
 */
import { AudioDataError } from '../src/audio/errors';
import {
  bytesFromBase64,
  bytesToBase64,
  Pcm16ByteAligner,
  pcm16FromBase64,
  pcm16FromBytes,
  pcm16FromBytesInto,
  pcm16ToBase64,
  pcm16ToBytes,
} from '../src/audio/pcm16';

const samples = Int16Array.of(0, 1, -1, 32767, -32768, 0x1234, -0x1234);

describe('PCM16 bytes', () => {
  it('encodes little-endian by default and big-endian on request', () => {
    expect(Array.from(pcm16ToBytes(Int16Array.of(0x1234, -2)))).toEqual([0x34, 0x12, 0xfe, 0xff]);
    expect(Array.from(pcm16ToBytes(Int16Array.of(0x1234, -2), { bigEndian: true }))).toEqual([0x12, 0x34, 0xff, 0xfe]);
  });

  it('round-trips samples in both byte orders', () => {
    expect(pcm16FromBytes(pcm16ToBytes(samples))).toEqual(samples);
    expect(pcm16FromBytes(pcm16ToBytes(samples, { bigEndian: true }), { bigEndian: true })).toEqual(samples);
  });

  it('decodes from an odd byte offset (a slice of a pooled network buffer) and returns a copy', () => {
    const backing = new Uint8Array(1 + samples.length * 2);
    backing.set(pcm16ToBytes(samples), 1);
    const view = backing.subarray(1);
    const decoded = pcm16FromBytes(view);
    expect(decoded).toEqual(samples);
    backing.fill(0);
    expect(decoded).toEqual(samples); // not aliased
  });

  it('refuses an odd byte count with a typed error that says what to do', () => {
    expect(() => pcm16FromBytes(new Uint8Array(3))).toThrow(AudioDataError);
    expect(() => pcm16FromBytes(new Uint8Array(3))).toThrow(/Pcm16ByteAligner/);
  });

  it('decodes into a caller buffer, ignoring a trailing odd byte', () => {
    const out = new Int16Array(4);
    expect(pcm16FromBytesInto(Uint8Array.of(1, 0, 2, 0, 9), out)).toBe(2);
    expect(Array.from(out)).toEqual([1, 2, 0, 0]);
    expect(() => pcm16FromBytesInto(new Uint8Array(10), new Int16Array(4))).toThrow(RangeError);
  });
});

describe('Pcm16ByteAligner (streams that split samples across messages)', () => {
  it('carries the odd byte to the next chunk: the samples come out whole and in order', () => {
    const bytes = pcm16ToBytes(samples);
    const aligner = new Pcm16ByteAligner();
    const parts = [bytes.subarray(0, 3), bytes.subarray(3, 4), bytes.subarray(4, 9), bytes.subarray(9)];
    const out: number[] = [];
    for (const part of parts) out.push(...aligner.push(part));
    expect(out).toEqual(Array.from(samples));
    expect(aligner.pendingBytes).toBe(0);
  });

  it('keeps whole interleaved frames for multichannel audio', () => {
    const aligner = new Pcm16ByteAligner({ channels: 2 });
    expect(aligner.push(new Uint8Array(3)).length).toBe(0);
    expect(aligner.pendingBytes).toBe(3);
    expect(aligner.push(new Uint8Array(7)).length).toBe(4); // 10 bytes: two 4-byte frames, 2 bytes carried
    expect(aligner.pendingBytes).toBe(2);
    expect(aligner.reset()).toBe(2);
  });

  it('handles big-endian streams (Telnyx L16)', () => {
    const aligner = new Pcm16ByteAligner({ bigEndian: true });
    const bytes = pcm16ToBytes(samples, { bigEndian: true });
    const out = [...aligner.push(bytes.subarray(0, 5)), ...aligner.push(bytes.subarray(5))];
    expect(out).toEqual(Array.from(samples));
  });
});

describe('base64', () => {
  it('round-trips PCM16 through base64', () => {
    expect(pcm16FromBase64(pcm16ToBase64(samples))).toEqual(samples);
    expect(pcm16FromBase64(pcm16ToBase64(samples, { bigEndian: true }), { bigEndian: true })).toEqual(samples);
    expect(bytesFromBase64(bytesToBase64(Uint8Array.of(1, 2, 3, 250)))).toEqual(Uint8Array.of(1, 2, 3, 250));
  });

  it('encodes a view over a larger buffer without leaking the bytes around it', () => {
    const big = Int16Array.of(9, 9, 5, 6, 9);
    expect(pcm16FromBase64(pcm16ToBase64(big.subarray(2, 4)))).toEqual(Int16Array.of(5, 6));
  });

  it.each(['AAA*AAAA', 'AA AAAAA', 'AAAAA', 'A===', '%%%%'])('refuses %p instead of decoding it as noise', (text) => {
    expect(() => bytesFromBase64(text)).toThrow(AudioDataError);
  });

  it('refuses base64 whose bytes are an odd PCM16 length', () => {
    expect(() => pcm16FromBase64(bytesToBase64(new Uint8Array(3)))).toThrow(AudioDataError);
  });
});
