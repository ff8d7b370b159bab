/**
 * Little-endian PCM16 bytes from a network stream -> `Int16Array`s, carrying an odd trailing byte to the next chunk
 * (HTTP chunk boundaries fall anywhere).
 *
 * @packageDocumentation
 */

/** Turns a stream of byte chunks into whole PCM16 samples. */
export class Pcm16Assembler {
  #carry: number | undefined;

  /** Samples in `bytes` (plus a byte carried from before); an odd last byte waits for the next chunk. */
  push(bytes: Uint8Array): Int16Array {
    const carried = this.#carry === undefined ? 0 : 1;
    const total = bytes.length + carried;
    const count = total >> 1;
    const out = new Int16Array(count);
    let i = 0;
    let o = 0;
    if (carried === 1 && count > 0) {
      out[o++] = ((bytes[0] << 8) | (this.#carry as number)) << 16 >> 16;
      i = 1;
      this.#carry = undefined;
    }
    for (; o < count; o++, i += 2) out[o] = ((bytes[i + 1] << 8) | bytes[i]) << 16 >> 16;
    if (i < bytes.length) this.#carry = bytes[i];
    return out;
  }

  /** Whether a byte is left over (at the end of a stream: a truncated sample). */
  get pending(): boolean {
    return this.#carry !== undefined;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes mono PCM16 as a WAV file (for HTTP transcription endpoints). */
export function encodeWav(chunks: readonly Int16Array[], sampleRate: number): Uint8Array {
  let samples = 0;
  for (const c of chunks) samples += c.length;
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples * 2, true);
  if (LITTLE_ENDIAN) {
    // The data starts at byte 44 (even): copy the samples as they are.
    const data = new Int16Array(bytes.buffer, 44, samples);
    let at = 0;
    for (const c of chunks) {
      data.set(c, at);
      at += c.length;
    }
    return bytes;
  }
  let offset = 44;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++, offset += 2) view.setInt16(offset, c[i], true);
  }
  return bytes;
}
