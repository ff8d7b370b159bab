/**
 * WAV reading and writing: round trips, the layouts real tools produce (8-bit, float, extensible, G.711, extra
 * chunks, odd chunk sizes, streamed sizes, truncation), and garbage refused with a typed error.
 */
import { WavFormatError } from '../src/audio/errors';
import { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from '../src/audio/g711';
import { sineWave } from '../src/audio/signal';
import { readWav, writeWav } from '../src/audio/wav';

interface ChunkSpec {
  readonly id: string;
  readonly body: Uint8Array;
  /** Size written in the header (defaults to the body length). */
  readonly declaredSize?: number;
}

/** Builds a RIFF/WAVE file from chunks, adding pad bytes after odd-sized bodies. */
function riff(chunks: readonly ChunkSpec[], riffSize?: number): Uint8Array {
  const length = 12 + chunks.reduce((n, c) => n + 8 + c.body.length + (c.body.length % 2), 0);
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < 4; i += 1) out[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, riffSize ?? length - 8, true);
  ascii(8, 'WAVE');
  let offset = 12;
  for (const chunk of chunks) {
    ascii(offset, chunk.id);
    view.setUint32(offset + 4, chunk.declaredSize ?? chunk.body.length, true);
    out.set(chunk.body, offset + 8);
    offset += 8 + chunk.body.length + (chunk.body.length % 2);
  }
  return out;
}

function fmt(tag: number, channels: number, sampleRate: number, bits: number, extra?: Uint8Array): ChunkSpec {
  const body = new Uint8Array(16 + (extra?.length ?? 0));
  const view = new DataView(body.buffer);
  const blockAlign = (channels * bits) / 8;
  view.setUint16(0, tag, true);
  view.setUint16(2, channels, true);
  view.setUint32(4, sampleRate, true);
  view.setUint32(8, sampleRate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, bits, true);
  if (extra !== undefined) body.set(extra, 16);
  return { id: 'fmt ', body };
}

const tone = sineWave({ frequency: 440, sampleRate: 16000, samples: 1600, amplitude: 20000 });

describe('writeWav + readWav round trips', () => {
  it('PCM16 mono: a canonical 44-byte header and the samples back unchanged', () => {
    const bytes = writeWav({ samples: tone, sampleRate: 16000 });
    expect(bytes.length).toBe(44 + tone.length * 2);
    const wav = readWav(bytes);
    expect(wav).toMatchObject({ sampleRate: 16000, channels: 1, sourceFormat: 'pcm16', truncated: false });
    expect(wav.samples).toEqual(tone);
  });

  it('PCM16 stereo keeps the interleaving', () => {
    const stereo = Int16Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? i : -i));
    const wav = readWav(writeWav({ samples: stereo, sampleRate: 48000, channels: 2 }));
    expect(wav.channels).toBe(2);
    expect(wav.samples).toEqual(stereo);
  });

  it('mu-law and A-law files hold the G.711 codes and decode through the codec', () => {
    const mu = readWav(writeWav({ samples: tone, sampleRate: 8000, encoding: 'mulaw' }));
    expect(mu.sourceFormat).toBe('mulaw');
    expect(mu.samples).toEqual(decodeMulaw(encodeMulaw(tone)));
    const a = readWav(writeWav({ samples: tone, sampleRate: 8000, encoding: 'alaw' }));
    expect(a.sourceFormat).toBe('alaw');
    expect(a.samples).toEqual(decodeAlaw(encodeAlaw(tone)));
  });

  it('refuses to write samples that are not whole frames or a bad rate', () => {
    expect(() => writeWav({ samples: new Int16Array(3), sampleRate: 8000, channels: 2 })).toThrow(WavFormatError);
    expect(() => writeWav({ samples: new Int16Array(2), sampleRate: Number.NaN })).toThrow(WavFormatError);
  });
});

describe('readWav layouts real files have', () => {
  it('8-bit unsigned PCM (128 is zero)', () => {
    const wav = readWav(riff([fmt(1, 1, 8000, 8), { id: 'data', body: Uint8Array.of(128, 255, 0, 129) }]));
    expect(wav.sourceFormat).toBe('pcm8');
    expect(Array.from(wav.samples)).toEqual([0, 127 << 8, -32768, 256]);
  });

  it('32-bit float, clipped to int16', () => {
    const body = new Uint8Array(16);
    new DataView(body.buffer).setFloat32(0, 0.5, true);
    new DataView(body.buffer).setFloat32(4, -1, true);
    new DataView(body.buffer).setFloat32(8, 1.5, true);
    new DataView(body.buffer).setFloat32(12, Number.NaN, true);
    const wav = readWav(riff([fmt(3, 1, 16000, 32), { id: 'data', body }]));
    expect(Array.from(wav.samples)).toEqual([16384, -32768, 32767, 0]);
  });

  it('24-bit PCM keeps the top 16 bits', () => {
    const wav = readWav(riff([fmt(1, 1, 48000, 24), { id: 'data', body: Uint8Array.of(0xff, 0x34, 0x12, 0x00, 0x00, 0x80) }]));
    expect(Array.from(wav.samples)).toEqual([0x1234, -32768]);
  });

  it('WAVE_FORMAT_EXTENSIBLE wrapping PCM16', () => {
    const extra = new Uint8Array(24);
    const view = new DataView(extra.buffer);
    view.setUint16(0, 22, true); // cbSize
    view.setUint16(2, 16, true); // valid bits
    view.setUint32(4, 4, true); // channel mask
    view.setUint16(8, 1, true); // SubFormat GUID starts with the PCM tag
    const data = new Uint8Array(tone.buffer.slice(0, 200));
    const wav = readWav(riff([fmt(0xfffe, 1, 16000, 16, extra), { id: 'data', body: data }]));
    expect(wav.samples).toEqual(tone.subarray(0, 100));
  });

  it('skips unknown chunks of odd size (with their pad byte) before and after the data', () => {
    const data = new Uint8Array(tone.buffer.slice(0, 40));
    const wav = readWav(
      riff([{ id: 'JUNK', body: new Uint8Array(3) }, fmt(1, 1, 16000, 16), { id: 'LIST', body: new Uint8Array(5) }, { id: 'data', body: data }, { id: 'id3 ', body: new Uint8Array(7) }]),
    );
    expect(wav.samples).toEqual(tone.subarray(0, 20));
  });

  it('streamed files with unknown (0 / 0xFFFFFFFF) RIFF and data sizes read to the end of the buffer', () => {
    const data = new Uint8Array(tone.buffer.slice(0, 64));
    for (const unknown of [0, 0xffffffff]) {
      const wav = readWav(riff([fmt(1, 1, 16000, 16), { id: 'data', body: data, declaredSize: unknown }], unknown));
      expect(wav.samples).toEqual(tone.subarray(0, 32));
      expect(wav.truncated).toBe(false);
    }
  });

  it('a data chunk cut short is read up to the last whole frame and flagged truncated', () => {
    const full = writeWav({ samples: tone.subarray(0, 100), sampleRate: 16000 });
    const wav = readWav(full.subarray(0, full.length - 51));
    expect(wav.truncated).toBe(true);
    expect(wav.samples).toEqual(tone.subarray(0, 74));
  });
});

describe('readWav refuses garbage with a typed error', () => {
  const pcmData: ChunkSpec = { id: 'data', body: new Uint8Array(4) };
  it.each([
    ['an empty buffer', new Uint8Array(0), /Not a WAV file/],
    ['random bytes', Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256), /Not a WAV file/],
    ['an MP3 header', Uint8Array.from([0x49, 0x44, 0x33, 0x04, ...new Uint8Array(40)]), /Not a WAV file/],
    ['RIFF without WAVE', Uint8Array.from([...'RIFF'].map((c) => c.charCodeAt(0)).concat([4, 0, 0, 0, 65, 86, 73, 32])), /Not a WAV file/],
    ['no fmt chunk', riff([pcmData]), /no 'fmt '/],
    ['no data chunk', riff([fmt(1, 1, 8000, 16)]), /no 'data'/],
    ['a short fmt chunk', riff([{ id: 'fmt ', body: new Uint8Array(10) }, pcmData]), /fmt/],
    ['ADPCM (unsupported codec)', riff([fmt(2, 1, 8000, 4), pcmData]), /Unsupported WAV codec: format tag 0x0002/],
    ['12-bit PCM', riff([fmt(1, 1, 8000, 12), pcmData]), /Unsupported WAV codec/],
    ['zero channels', riff([fmt(1, 0, 8000, 16), pcmData]), /0 channels/],
    ['zero sample rate', riff([fmt(1, 1, 0, 16), pcmData]), /sample rate 0/],
    ['a corrupt chunk id', riff([{ id: '\u0001\u0002\u0003\u0004', body: new Uint8Array(2) }, fmt(1, 1, 8000, 16), pcmData]), /not ASCII/],
  ])('%s', (_name, bytes, pattern) => {
    expect(() => readWav(bytes)).toThrow(WavFormatError);
    expect(() => readWav(bytes)).toThrow(pattern);
  });

  it('a block align that contradicts the channel count', () => {
    const chunk = fmt(1, 2, 8000, 16);
    new DataView(chunk.body.buffer).setUint16(12, 3, true);
    expect(() => readWav(riff([chunk, pcmData]))).toThrow(/block align/);
  });
});
