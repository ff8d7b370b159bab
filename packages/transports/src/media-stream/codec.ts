/**
 * Payload codecs of telephony media streams: bytes on the wire <-> PCM16 samples, on the G.711 and PCM16
 * converters of `@voxframe/processors`.
 *
 * @packageDocumentation
 */
import { decodeAlaw, decodeMulaw, encodeAlawInto, encodeMulawInto, pcm16FromBytes, pcm16ToBytes } from '@voxframe/processors';
import type { MediaStreamCodec } from './dialect';

/** Decodes a media payload to PCM16. Returns a new array the frame owns. An odd trailing L16 byte is dropped. */
export function decodePayload(codec: MediaStreamCodec, bytes: Uint8Array): Int16Array {
  if (codec === 'PCMU') return decodeMulaw(bytes);
  if (codec === 'PCMA') return decodeAlaw(bytes);
  // Telnyx L16 is big-endian, network order (protocol note §7).
  return pcm16FromBytes(bytes.length % 2 === 0 ? bytes : bytes.subarray(0, bytes.length - 1), { bigEndian: true });
}

let encodeScratch = new Uint8Array(960);

/**
 * Encodes PCM16 for the wire. G.711 results are a view over a scratch buffer reused by the next call: consume it
 * (base64 it) before encoding again.
 */
export function encodeSamples(codec: MediaStreamCodec, samples: Int16Array): Uint8Array {
  if (codec === 'L16') return pcm16ToBytes(samples, { bigEndian: true });
  if (encodeScratch.length < samples.length) encodeScratch = new Uint8Array(samples.length);
  const out = encodeScratch.subarray(0, samples.length);
  if (codec === 'PCMU') encodeMulawInto(samples, out);
  else encodeAlawInto(samples, out);
  return out;
}
