/**
 * A tiny G.711 μ-law / A-law codec (ITU-T G.711, the Sun reference algorithm, bit-exact with `alawmulaw`).
 *
 * The provider must not depend on `@voxframe/processors` at runtime, so it carries its own tables: a 64 Ki-entry
 * encode table and a 256-entry decode table per law, built once on first use. Encoding and decoding are then one
 * table lookup per sample, with no allocation when the caller passes the output array.
 *
 * @packageDocumentation
 */

/** The two G.711 laws. */
export type G711Law = 'mulaw' | 'alaw';

interface G711Tables {
  readonly encode: Uint8Array;
  readonly decode: Int16Array;
}

const tables: Partial<Record<G711Law, G711Tables>> = {};

/** The tables of one law, built on first use. */
function tablesOf(law: G711Law): G711Tables {
  let built = tables[law];
  if (built === undefined) {
    const encode = new Uint8Array(65536);
    const decode = new Int16Array(256);
    const encodeSample = law === 'mulaw' ? encodeMulawSample : encodeAlawSample;
    const decodeSample = law === 'mulaw' ? decodeMulawSample : decodeAlawSample;
    for (let sample = -32768; sample < 32768; sample++) encode[sample & 0xffff] = encodeSample(sample);
    for (let code = 0; code < 256; code++) decode[code] = decodeSample(code);
    built = { encode, decode };
    tables[law] = built;
  }
  return built;
}

/**
 * Encodes PCM16 samples into G.711 bytes. Writes into `out` when given (it must hold `samples.length` bytes).
 */
export function encodeG711(law: G711Law, samples: Int16Array, out = new Uint8Array(samples.length)): Uint8Array {
  const table = tablesOf(law).encode;
  for (let i = 0; i < samples.length; i++) out[i] = table[samples[i] & 0xffff];
  return out;
}

/** Decodes G.711 bytes into PCM16 samples. Writes into `out` when given (it must hold `bytes.length` samples). */
export function decodeG711(law: G711Law, bytes: Uint8Array, out = new Int16Array(bytes.length)): Int16Array {
  const table = tablesOf(law).decode;
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]];
  return out;
}

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

function encodeMulawSample(sample: number): number {
  const sign = (sample >> 8) & 0x80;
  let magnitude = sign !== 0 ? -sample : sample;
  magnitude = Math.min(magnitude + MULAW_BIAS, MULAW_CLIP);
  const exponent = segmentOf(magnitude >> 7);
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function decodeMulawSample(code: number): number {
  const inverted = ~code & 0xff;
  const exponent = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const magnitude = ((mantissa << 3) + MULAW_BIAS) << exponent;
  return (inverted & 0x80) !== 0 ? MULAW_BIAS - magnitude : magnitude - MULAW_BIAS;
}

function encodeAlawSample(input: number): number {
  let sample = input === -32768 ? -32767 : input;
  const sign = (~sample >> 8) & 0x80;
  if (sign === 0) sample = -sample;
  if (sample > 32635) sample = 32635;
  let companded: number;
  if (sample >= 256) {
    const exponent = segmentOf(sample >> 8) + 1;
    const mantissa = (sample >> (exponent + 3)) & 0x0f;
    companded = (exponent << 4) | mantissa;
  } else {
    companded = sample >> 4;
  }
  return (companded ^ (sign ^ 0x55)) & 0xff;
}

function decodeAlawSample(code: number): number {
  let value = code ^ 0x55;
  const negative = (value & 0x80) !== 0;
  value &= 0x7f;
  const position = ((value & 0xf0) >> 4) + 4;
  const magnitude =
    position !== 4 ? (1 << position) | ((value & 0x0f) << (position - 4)) | (1 << (position - 5)) : (value << 1) | 1;
  // G.711 A-law stores the sign inverted: a clear sign bit means a negative sample.
  return negative ? magnitude * 8 : -magnitude * 8;
}

/** Index of the highest set bit of a value below 256, 0 for 0 and 1 (the μ-law segment / A-law exponent). */
function segmentOf(value: number): number {
  let segment = 0;
  for (let v = value >> 1; v > 0; v >>= 1) segment++;
  return segment;
}
