/**
 * Test signals: silence, tones, speech-like bursts, and splitting audio into frames.
 *
 * @packageDocumentation
 */

/** `ms` of silence at `sampleRate`. */
export function silence(ms: number, sampleRate = 16000): Int16Array {
  return new Int16Array(Math.round((ms * sampleRate) / 1000));
}

/** A sine tone. */
export function tone(ms: number, sampleRate = 24000, frequencyHz = 440, amplitude = 6000): Int16Array {
  const out = new Int16Array(Math.round((ms * sampleRate) / 1000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate));
  return out;
}

/** A loud, speech-like signal (a tone with a syllable-rate envelope) that any energy VAD takes for speech. */
export function speechLike(ms: number, sampleRate = 16000, amplitude = 9000): Int16Array {
  const out = new Int16Array(Math.round((ms * sampleRate) / 1000));
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    const envelope = 0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t);
    out[i] = Math.round(amplitude * envelope * Math.sin(2 * Math.PI * 220 * t));
  }
  return out;
}

/** Joins chunks. */
export function concatSamples(...chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Splits audio into `frameMs` frames (the last one may be shorter). */
export function frames(samples: Int16Array, frameMs = 20, sampleRate = 16000): Int16Array[] {
  const size = Math.round((frameMs * sampleRate) / 1000);
  const out: Int16Array[] = [];
  for (let at = 0; at < samples.length; at += size) out.push(samples.subarray(at, Math.min(samples.length, at + size)));
  return out;
}
