/**
 * PCM16 bytes <-> samples, and base64, the way audio travels on the wire (OpenAI, Gemini, Nova and browser sockets
 * carry little-endian PCM16, Telnyx `L16` is big-endian).
 *
 * Odd byte counts: the one-shot helpers throw an {@link AudioDataError} (half a sample is a framing bug upstream);
 * {@link Pcm16ByteAligner} carries the odd byte to the next chunk for streams that split samples across messages.
 *
 * @packageDocumentation
 */
import { AudioDataError } from './errors';
import { allocInt16, allocUint8 } from './sample-slab';

/** Whether this machine stores integers little-endian (every platform Node ships for, but checked, not assumed). */
const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Byte order options. */
export interface ByteOrderOptions {
  /**
   * Big-endian (network order, e.g. Telnyx `L16`) instead of little-endian.
   * @defaultValue false
   */
  readonly bigEndian?: boolean;
}

function swapInPlace(samples: Int16Array): void {
  for (let i = 0; i < samples.length; i += 1) {
    const v = samples[i];
    samples[i] = ((v & 0xff) << 8) | ((v >> 8) & 0xff);
  }
}

/**
 * Decodes PCM16 bytes into a fresh Int16Array (a copy: the bytes may be a view into a pooled network buffer).
 * @throws {@link AudioDataError} when the byte count is odd.
 */
export function pcm16FromBytes(bytes: Uint8Array, options: ByteOrderOptions = {}): Int16Array {
  if (bytes.length % 2 !== 0) {
    throw new AudioDataError(
      `PCM16 audio must have an even number of bytes, got ${bytes.length}: a sample was split. ` +
        'Check the framing upstream, or use a Pcm16ByteAligner for streams that split samples across messages.',
      { details: { bytes: bytes.length } },
    );
  }
  const out = allocInt16(bytes.length / 2);
  pcm16FromBytesInto(bytes, out, options);
  return out;
}

/**
 * Decodes PCM16 bytes into `dst` (at least `floor(bytes.length / 2)` long). Returns the samples written; an odd
 * trailing byte is ignored (use {@link Pcm16ByteAligner} to keep it).
 */
export function pcm16FromBytesInto(bytes: Uint8Array, dst: Int16Array, options: ByteOrderOptions = {}): number {
  const count = bytes.length >> 1;
  if (dst.length < count) throw new RangeError(`pcm16FromBytesInto: the destination holds ${dst.length} samples, ${count} are needed.`);
  const target = new Uint8Array(dst.buffer, dst.byteOffset, count * 2);
  target.set(bytes.subarray(0, count * 2));
  const wantBig = options.bigEndian === true;
  if (wantBig === hostLittleEndian) swapInPlace(count === dst.length ? dst : dst.subarray(0, count));
  return count;
}

/** Encodes samples as PCM16 bytes (a fresh buffer). */
export function pcm16ToBytes(samples: Int16Array, options: ByteOrderOptions = {}): Uint8Array {
  const out = allocUint8(samples.length * 2);
  pcm16ToBytesInto(samples, out, options);
  return out;
}

/** Encodes samples as PCM16 bytes into `dst` (at least `2 * samples.length` long). Returns the bytes written. */
export function pcm16ToBytesInto(samples: Int16Array, dst: Uint8Array, options: ByteOrderOptions = {}): number {
  const count = samples.length * 2;
  if (dst.length < count) throw new RangeError(`pcm16ToBytesInto: the destination holds ${dst.length} bytes, ${count} are needed.`);
  dst.set(new Uint8Array(samples.buffer, samples.byteOffset, count));
  const wantBig = options.bigEndian === true;
  if (wantBig === hostLittleEndian) {
    for (let i = 0; i < count; i += 2) {
      const t = dst[i];
      dst[i] = dst[i + 1];
      dst[i + 1] = t;
    }
  }
  return count;
}

/**
 * Decodes base64 to bytes. Node's decoder silently skips characters outside the alphabet; this one refuses them
 * (a corrupted payload should be reported, not played as noise). The check is length arithmetic, no regex: a
 * skipped character makes the decoded length come out short.
 * @throws {@link AudioDataError} on a length that is not a multiple of 4 or characters outside the alphabet.
 */
export function bytesFromBase64(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (text.length % 4 !== 0 || bytes.length !== (text.length / 4) * 3 - padding) {
    throw new AudioDataError(
      `Not valid base64 audio: ${text.length} characters, ${bytes.length} decodable bytes. Expected standard base64 ` +
        '(A-Z a-z 0-9 + / and = padding, length a multiple of 4).',
      { details: { length: text.length } },
    );
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Encodes bytes as base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

/** Decodes base64 PCM16 to samples. @throws {@link AudioDataError} on invalid base64 or an odd byte count. */
export function pcm16FromBase64(text: string, options: ByteOrderOptions = {}): Int16Array {
  return pcm16FromBytes(bytesFromBase64(text), options);
}

/** Encodes samples as base64 PCM16. */
export function pcm16ToBase64(samples: Int16Array, options: ByteOrderOptions = {}): string {
  if (options.bigEndian === true || !hostLittleEndian) return bytesToBase64(pcm16ToBytes(samples, options));
  // Little-endian host: the samples' memory already is the wire format, no copy needed.
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
}

/**
 * Turns a stream of byte chunks into whole PCM16 samples (or whole interleaved frames), carrying a split sample's
 * bytes to the next chunk. For transports whose messages may end mid-sample.
 */
export class Pcm16ByteAligner {
  /** Bytes per whole unit: 2 x channels. */
  readonly unitBytes: number;
  readonly #options: ByteOrderOptions;
  readonly #carry: Uint8Array;
  #carried = 0;

  constructor(options: ByteOrderOptions & { readonly channels?: number } = {}) {
    const channels = options.channels ?? 1;
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`Pcm16ByteAligner: channels must be a positive integer, got ${String(channels)}.`);
    this.unitBytes = 2 * channels;
    this.#options = { bigEndian: options.bigEndian === true };
    this.#carry = new Uint8Array(this.unitBytes);
  }

  /** Bytes held back from the previous chunk (0 .. unitBytes - 1). */
  get pendingBytes(): number {
    return this.#carried;
  }

  /** Decodes as many whole units as `bytes` (plus the carried bytes) hold; keeps the rest for the next call. */
  push(bytes: Uint8Array): Int16Array {
    const total = this.#carried + bytes.length;
    const usable = total - (total % this.unitBytes);
    const out = allocInt16(usable / 2);
    if (usable === 0) {
      this.#carry.set(bytes, this.#carried);
      this.#carried = total;
      return out;
    }
    let source = bytes;
    if (this.#carried > 0) {
      const joined = allocUint8(usable);
      joined.set(this.#carry.subarray(0, this.#carried), 0);
      joined.set(bytes.subarray(0, usable - this.#carried), this.#carried);
      pcm16FromBytesInto(joined, out, this.#options);
      source = bytes.subarray(usable - this.#carried);
    } else {
      pcm16FromBytesInto(bytes.subarray(0, usable), out, this.#options);
      source = bytes.subarray(usable);
    }
    this.#carry.set(source, 0);
    this.#carried = source.length;
    return out;
  }

  /** Forgets carried bytes (returns how many were dropped). */
  reset(): number {
    const dropped = this.#carried;
    this.#carried = 0;
    return dropped;
  }
}
