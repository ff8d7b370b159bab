/**
 * G.711 mu-law and A-law: bit-exact with the `alawmulaw` package over every input, allocation-free variants, and
 * the codec's known properties (silence codes, round-trip error bounds).
 */
import { alaw, mulaw } from 'alawmulaw';
import {
  alawSilenceByte,
  decodeAlaw,
  decodeAlawInto,
  decodeMulaw,
  decodeMulawInto,
  encodeAlaw,
  encodeAlawInto,
  encodeMulaw,
  encodeMulawInto,
  mulawSilenceByte,
} from '../src/audio/g711';

const everySample = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
const everyCode = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('G.711 bit-exactness with alawmulaw', () => {
  it('mu-law encodes all 65536 samples to the same bytes', () => {
    expect(encodeMulaw(everySample)).toEqual(mulaw.encode(everySample));
  });

  it('mu-law decodes all 256 codes to the same samples', () => {
    expect(decodeMulaw(everyCode)).toEqual(mulaw.decode(everyCode));
  });

  it('A-law encodes all 65536 samples to the same bytes', () => {
    expect(encodeAlaw(everySample)).toEqual(alaw.encode(everySample));
  });

  it('A-law decodes all 256 codes to the same samples', () => {
    expect(decodeAlaw(everyCode)).toEqual(alaw.decode(everyCode));
  });
});

describe('G.711 allocation-free variants', () => {
  it('write the same values into a caller buffer, leaving the rest alone, and return the count', () => {
    const samples = everySample.subarray(30000, 30160);
    const bytes = new Uint8Array(200).fill(7);
    expect(encodeMulawInto(samples, bytes)).toBe(160);
    expect(bytes.subarray(0, 160)).toEqual(encodeMulaw(samples));
    expect(bytes[160]).toBe(7);
    expect(encodeAlawInto(samples, bytes)).toBe(160);
    expect(bytes.subarray(0, 160)).toEqual(encodeAlaw(samples));
    const decoded = new Int16Array(160);
    expect(decodeMulawInto(everyCode.subarray(0, 160), decoded)).toBe(160);
    expect(decoded).toEqual(decodeMulaw(everyCode.subarray(0, 160)));
    expect(decodeAlawInto(everyCode.subarray(96), decoded)).toBe(160);
    expect(decoded).toEqual(decodeAlaw(everyCode.subarray(96)));
  });

  it('refuse a destination that is too short (RangeError, nothing silently truncated)', () => {
    expect(() => encodeMulawInto(new Int16Array(10), new Uint8Array(9))).toThrow(RangeError);
    expect(() => decodeAlawInto(new Uint8Array(10), new Int16Array(9))).toThrow(RangeError);
  });
});

describe('G.711 properties', () => {
  it('silence codes: mu-law 0xff decodes to 0, A-law 0xd5 is what 0 encodes to', () => {
    expect(decodeMulaw(Uint8Array.of(mulawSilenceByte))[0]).toBe(0);
    expect(encodeMulaw(Int16Array.of(0))[0]).toBe(mulawSilenceByte);
    expect(encodeAlaw(Int16Array.of(0))[0]).toBe(alawSilenceByte);
  });

  it('round trip error stays within half a segment step: <= 3.25% of the value, <= 8 near zero', () => {
    for (const [encode, decode] of [
      [encodeMulaw, decodeMulaw],
      [encodeAlaw, decodeAlaw],
    ] as const) {
      const back = decode(encode(everySample));
      for (let i = 0; i < everySample.length; i += 97) {
        const value = everySample[i];
        if (Math.abs(value) > 32000) continue; // clipped range
        expect(Math.abs(back[i] - value)).toBeLessThanOrEqual(Math.max(Math.abs(value) * 0.0325, 8));
      }
    }
  });

  it('decoding is the identity on codes: encode(decode(code)) gives the code back', () => {
    // mu-law has two codes for zero (0x7f and 0xff); both decode to 0, which encodes to 0xff.
    const mu = encodeMulaw(decodeMulaw(everyCode));
    for (let code = 0; code < 256; code += 1) if (code !== 0x7f) expect(mu[code]).toBe(code);
    expect(encodeAlaw(decodeAlaw(everyCode))).toEqual(everyCode);
  });
});
