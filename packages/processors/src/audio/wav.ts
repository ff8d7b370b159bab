/**
 * WAV (RIFF/WAVE) reading and writing.
 *
 * Reading accepts what voice tooling produces: PCM 8/16/24/32-bit, IEEE float 32/64-bit, G.711 mu-law and A-law,
 * `WAVE_FORMAT_EXTENSIBLE` wrappers, any number of unknown chunks (LIST, fact, bext, JUNK ...) in any order, odd
 * chunk sizes with their pad byte, and streamed files whose RIFF or data size is 0 or 0xFFFFFFFF (written before
 * the length was known). Everything is decoded to interleaved PCM16. Garbage is refused with a {@link WavFormatError}.
 *
 * Writing produces canonical PCM16, mu-law or A-law files.
 *
 * @packageDocumentation
 */
import { decodeAlawInto, decodeMulawInto, encodeAlawInto, encodeMulawInto } from './g711';
import { WavFormatError } from './errors';
import type { AudioEncoding } from './formats';
import { pcm16FromBytesInto, pcm16ToBytesInto } from './pcm16';

/** Format tags (from the RIFF spec / mmreg.h). */
const formatTag = { pcm: 0x0001, float: 0x0003, alaw: 0x0006, mulaw: 0x0007, extensible: 0xfffe } as const;

/** The sample format a WAV file stored (before decoding to PCM16). */
export type WavSampleFormat = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64' | 'mulaw' | 'alaw';

/** A decoded WAV file. */
export interface WavAudio {
  /** Interleaved PCM16 samples. */
  readonly samples: Int16Array;
  readonly sampleRate: number;
  readonly channels: number;
  /** How the file stored its samples. */
  readonly sourceFormat: WavSampleFormat;
  /** True when the data chunk was cut short (a partial last frame is dropped). */
  readonly truncated: boolean;
}

interface FmtChunk {
  readonly tag: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockAlign: number;
  readonly bitsPerSample: number;
}

function ascii(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]);
}

/**
 * Parses a WAV file into interleaved PCM16.
 * @throws {@link WavFormatError} when the bytes are not a WAV file this reader understands; the message names what
 *   is wrong (not RIFF, no fmt chunk, unsupported codec, ...).
 */
export function readWav(bytes: Uint8Array): WavAudio {
  if (bytes.length < 12 || ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') {
    const head = bytes.length >= 4 ? JSON.stringify(ascii(bytes, 0)) : `${bytes.length} bytes`;
    throw new WavFormatError(`Not a WAV file: expected a 'RIFF....WAVE' header, got ${head}. (RIFX big-endian and RF64 files are not supported.)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The declared RIFF size is often wrong in streamed files: trust the buffer, bounded by the declaration when sane.
  const declared = view.getUint32(4, true);
  const end = declared >= 4 && declared + 8 <= bytes.length ? declared + 8 : bytes.length;
  let fmt: FmtChunk | undefined;
  let data: { offset: number; length: number; truncated: boolean } | undefined;
  let offset = 12;
  while (offset + 8 <= end) {
    const id = ascii(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > end) throw new WavFormatError(`WAV 'fmt ' chunk is ${size} bytes; at least 16 are needed.`);
      fmt = parseFmt(view, body, size);
    } else if (id === 'data') {
      // 0 and 0xFFFFFFFF mean "unknown length" (streamed); a size past the end means the file was cut short.
      const unknown = size === 0 || size === 0xffffffff;
      const available = end - body;
      const length = unknown ? available : Math.min(size, available);
      data = { offset: body, length, truncated: !unknown && size > available };
      // Audio found after its format: the rest (a trailing LIST ...) is not needed. An unknown-length data chunk
      // runs to the end of the file, so nothing after it can be parsed anyway.
      if (fmt !== undefined || unknown) break;
    } else if (!/^[\x20-\x7e]{4}$/.test(id)) {
      throw new WavFormatError(`Malformed WAV: chunk id at byte ${offset} is not ASCII; the file is corrupt or not a WAV file.`);
    }
    const next = body + size + (size % 2); // chunks are word-aligned: odd sizes carry a pad byte
    if (next <= offset || size === 0xffffffff) break;
    offset = next;
  }
  if (fmt === undefined) throw new WavFormatError("Malformed WAV: no 'fmt ' chunk (it must come before a data chunk of unknown length).");
  if (data === undefined) throw new WavFormatError("Malformed WAV: no 'data' chunk.");
  return decodeData(bytes.subarray(data.offset, data.offset + data.length), fmt, data.truncated);
}

function parseFmt(view: DataView, body: number, size: number): FmtChunk {
  let tag = view.getUint16(body, true);
  const channels = view.getUint16(body + 2, true);
  const sampleRate = view.getUint32(body + 4, true);
  const blockAlign = view.getUint16(body + 12, true);
  const bitsPerSample = view.getUint16(body + 14, true);
  if (tag === formatTag.extensible) {
    if (size < 40) throw new WavFormatError(`WAV WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is ${size} bytes; 40 are needed.`);
    // The first two bytes of the SubFormat GUID are the real tag. Samples keep the container size
    // (`bitsPerSample`); fewer valid bits only means the low bits are zero.
    tag = view.getUint16(body + 24, true);
  }
  if (channels < 1) throw new WavFormatError('Malformed WAV: 0 channels.');
  if (sampleRate < 1) throw new WavFormatError('Malformed WAV: sample rate 0.');
  return { tag, channels, sampleRate, blockAlign, bitsPerSample };
}

function sampleFormatOf(fmt: FmtChunk): WavSampleFormat {
  const { tag, bitsPerSample: bits } = fmt;
  if (tag === formatTag.pcm) {
    if (bits === 8) return 'pcm8';
    if (bits === 16) return 'pcm16';
    if (bits === 24) return 'pcm24';
    if (bits === 32) return 'pcm32';
  } else if (tag === formatTag.float) {
    if (bits === 32) return 'float32';
    if (bits === 64) return 'float64';
  } else if (tag === formatTag.mulaw && bits === 8) {
    return 'mulaw';
  } else if (tag === formatTag.alaw && bits === 8) {
    return 'alaw';
  }
  throw new WavFormatError(
    `Unsupported WAV codec: format tag 0x${tag.toString(16).padStart(4, '0')}, ${bits} bits per sample. ` +
      'Supported: PCM 8/16/24/32-bit, float 32/64-bit, G.711 mu-law and A-law. Convert it first (e.g. sox in.wav -e signed -b 16 out.wav).',
  );
}

function decodeData(data: Uint8Array, fmt: FmtChunk, truncatedChunk: boolean): WavAudio {
  const sourceFormat = sampleFormatOf(fmt);
  const bytesPerSample = fmt.bitsPerSample / 8;
  const frameBytes = bytesPerSample * fmt.channels;
  if (fmt.blockAlign !== 0 && fmt.blockAlign !== frameBytes) {
    throw new WavFormatError(`Malformed WAV: block align ${fmt.blockAlign} does not match ${fmt.channels} channels x ${bytesPerSample} bytes.`);
  }
  const frames = Math.floor(data.length / frameBytes);
  const count = frames * fmt.channels;
  const samples = new Int16Array(count);
  const used = data.subarray(0, frames * frameBytes);
  const view = new DataView(used.buffer, used.byteOffset, used.byteLength);
  switch (sourceFormat) {
    case 'pcm16':
      pcm16FromBytesInto(used, samples);
      break;
    case 'pcm8':
      // 8-bit WAV is unsigned with 128 as zero.
      for (let i = 0; i < count; i += 1) samples[i] = (used[i] - 128) << 8;
      break;
    case 'pcm24':
      for (let i = 0; i < count; i += 1) samples[i] = view.getInt16(i * 3 + 1, true); // keep the top 16 bits
      break;
    case 'pcm32':
      for (let i = 0; i < count; i += 1) samples[i] = view.getInt16(i * 4 + 2, true);
      break;
    case 'float32':
      for (let i = 0; i < count; i += 1) samples[i] = floatToInt16(view.getFloat32(i * 4, true));
      break;
    case 'float64':
      for (let i = 0; i < count; i += 1) samples[i] = floatToInt16(view.getFloat64(i * 8, true));
      break;
    case 'mulaw':
      decodeMulawInto(used, samples);
      break;
    case 'alaw':
      decodeAlawInto(used, samples);
      break;
  }
  return {
    samples,
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    sourceFormat,
    truncated: truncatedChunk || frames * frameBytes !== data.length,
  };
}

function floatToInt16(value: number): number {
  if (!(value === value)) return 0; // NaN in a float file decodes to silence rather than poisoning the stream
  const scaled = Math.round(value * 32768);
  return scaled > 32767 ? 32767 : scaled < -32768 ? -32768 : scaled;
}

/** What {@link writeWav} writes. */
export interface WavWriteInput {
  /** Interleaved PCM16 samples. */
  readonly samples: Int16Array;
  readonly sampleRate: number;
  /** @defaultValue 1 */
  readonly channels?: number;
  /**
   * Encoding stored in the file.
   * @defaultValue `'pcm16'`
   */
  readonly encoding?: AudioEncoding;
}

/**
 * Writes a canonical WAV file: PCM16 (44-byte header), or G.711 mu-law / A-law (with the `fact` chunk non-PCM
 * files need).
 * @throws {@link WavFormatError} for a rate or channel count a WAV header cannot hold, or samples that are not a
 *   whole number of frames.
 */
export function writeWav(input: WavWriteInput): Uint8Array {
  const channels = input.channels ?? 1;
  const encoding = input.encoding ?? 'pcm16';
  const { samples, sampleRate } = input;
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) {
    throw new WavFormatError(`writeWav: sampleRate must be a positive integer, got ${String(sampleRate)}.`);
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > 0xffff) {
    throw new WavFormatError(`writeWav: channels must be a positive integer, got ${String(channels)}.`);
  }
  if (samples.length % channels !== 0) {
    throw new WavFormatError(`writeWav: ${samples.length} samples is not a whole number of ${channels}-channel frames.`);
  }
  const pcm = encoding === 'pcm16';
  const bytesPerSample = pcm ? 2 : 1;
  const dataBytes = samples.length * bytesPerSample;
  const fmtSize = pcm ? 16 : 18; // non-PCM fmt carries cbSize
  const factBytes = pcm ? 0 : 12;
  const headerBytes = 12 + 8 + fmtSize + factBytes + 8;
  const out = new Uint8Array(headerBytes + dataBytes + (dataBytes % 2));
  const view = new DataView(out.buffer);
  const writeAscii = (offset: number, text: string): void => {
    for (let i = 0; i < 4; i += 1) out[offset + i] = text.charCodeAt(i);
  };
  writeAscii(0, 'RIFF');
  view.setUint32(4, out.length - 8, true);
  writeAscii(8, 'WAVE');
  writeAscii(12, 'fmt ');
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, pcm ? formatTag.pcm : encoding === 'mulaw' ? formatTag.mulaw : formatTag.alaw, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * bytesPerSample, true);
  view.setUint16(32, channels * bytesPerSample, true);
  view.setUint16(34, bytesPerSample * 8, true);
  let offset = 36;
  if (!pcm) {
    view.setUint16(offset, 0, true); // cbSize
    offset += 2;
    writeAscii(offset, 'fact');
    view.setUint32(offset + 4, 4, true);
    view.setUint32(offset + 8, samples.length / channels, true);
    offset += 12;
  }
  writeAscii(offset, 'data');
  view.setUint32(offset + 4, dataBytes, true);
  offset += 8;
  const body = out.subarray(offset, offset + dataBytes);
  if (pcm) pcm16ToBytesInto(samples, body);
  else if (encoding === 'mulaw') encodeMulawInto(samples, body);
  else encodeAlawInto(samples, body);
  return out;
}
