/**
 * Zero-copy PCM16 little-endian views for the browser transport's hot path. (`@voxframe/processors` has the general
 * converters, which always copy; here a copy is only made when alignment or byte order demand it.)
 *
 * @packageDocumentation
 */

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Views PCM16 LE bytes as samples: zero-copy when the bytes are 2-byte aligned on a little-endian host, else a copy
 * (`ws` hands out buffers at arbitrary offsets of a shared pool). A trailing odd byte is ignored.
 */
export function pcm16ViewOfBytes(bytes: Uint8Array): Int16Array {
  const count = bytes.byteLength >> 1;
  if (hostIsLittleEndian && (bytes.byteOffset & 1) === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, count);
  const out = new Int16Array(count);
  for (let i = 0, j = 0; i < count; i++, j += 2) out[i] = ((bytes[j] | (bytes[j + 1] << 8)) << 16) >> 16;
  return out;
}

/** The little-endian bytes of PCM16 samples: a view on a little-endian host, else a copy. */
export function bytesViewOfPcm16(samples: Int16Array): Uint8Array {
  if (hostIsLittleEndian) return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = new Uint8Array(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    out[2 * i] = samples[i] & 0xff;
    out[2 * i + 1] = (samples[i] >> 8) & 0xff;
  }
  return out;
}
