import * as alawmulaw from 'alawmulaw';
import { decodeG711, encodeG711 } from '../src/g711';

describe('the local G.711 tables', () => {
  const everySample = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) everySample[i] = i - 32768;
  const everyCode = new Uint8Array(256);
  for (let i = 0; i < 256; i++) everyCode[i] = i;

  it('encode μ-law and A-law bit-exactly like alawmulaw, for every 16-bit sample', () => {
    expect(Buffer.from(encodeG711('mulaw', everySample)).equals(Buffer.from(alawmulaw.mulaw.encode(everySample)))).toBe(true);
    expect(Buffer.from(encodeG711('alaw', everySample)).equals(Buffer.from(alawmulaw.alaw.encode(everySample)))).toBe(true);
  });

  it('decode every code like alawmulaw', () => {
    expect(Array.from(decodeG711('mulaw', everyCode))).toEqual(Array.from(alawmulaw.mulaw.decode(everyCode)));
    expect(Array.from(decodeG711('alaw', everyCode))).toEqual(Array.from(alawmulaw.alaw.decode(everyCode)));
  });

  it('round-trips codes (decode then encode is the identity), so a pass-through loses nothing', () => {
    for (const law of ['mulaw', 'alaw'] as const) {
      const codes = encodeG711(law, decodeG711(law, everyCode));
      // μ-law has two codes for zero (0x7f, 0xff); they decode alike, so allow the canonical one.
      const mismatches = Array.from(codes).filter((c, i) => c !== i && !(law === 'mulaw' && i === 0x7f && c === 0xff));
      expect(mismatches).toEqual([]);
    }
  });

  it('writes into a caller-provided array', () => {
    const out = new Uint8Array(4);
    expect(encodeG711('mulaw', new Int16Array([0, 1000, -1000, 32767]), out)).toBe(out);
  });
});
