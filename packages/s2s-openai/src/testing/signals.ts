/**
 * Synthetic test audio, PCM16 mono: silence, a steady tone, and a speech-like voiced signal (a harmonic series with
 * a syllable-rate envelope) that any energy or neural VAD takes for speech. Deterministic, so tests are repeatable.
 *
 * @packageDocumentation
 */

/** `ms` of silence at `sampleRate`. */
export function silence(ms: number, sampleRate = 24000): Int16Array {
  return new Int16Array(Math.round((ms * sampleRate) / 1000));
}

/** `ms` of a sine tone. */
export function tone(ms: number, sampleRate = 24000, frequencyHz = 440, amplitude = 8000): Int16Array {
  const out = new Int16Array(Math.round((ms * sampleRate) / 1000));
  const step = (2 * Math.PI * frequencyHz) / sampleRate;
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin(step * i));
  return out;
}

/**
 * `ms` of a voiced, speech-like signal: a 140 Hz fundamental with decaying harmonics up to 3.4 kHz, amplitude
 * modulated at 4 Hz (syllables) without ever falling silent, so an energy VAD sees one continuous utterance.
 */
export function speechLike(ms: number, sampleRate = 24000, amplitude = 9000): Int16Array {
  const out = new Int16Array(Math.round((ms * sampleRate) / 1000));
  const f0 = 140;
  const harmonics = Math.max(1, Math.floor(Math.min(3400, sampleRate / 2 - 100) / f0));
  let norm = 0;
  for (let h = 1; h <= harmonics; h++) norm += 1 / h;
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    let value = 0;
    for (let h = 1; h <= harmonics; h++) value += Math.sin(2 * Math.PI * f0 * h * t) / h;
    const envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
    out[i] = Math.round((amplitude * envelope * value) / norm);
  }
  return out;
}

/** Concatenates chunks of samples. */
export function concatSamples(...chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Splits samples into frames of `frameMs` (the last one may be shorter), as a live source would send them. */
export function frames(samples: Int16Array, frameMs = 20, sampleRate = 24000): Int16Array[] {
  const size = Math.max(1, Math.round((frameMs * sampleRate) / 1000));
  const out: Int16Array[] = [];
  for (let i = 0; i < samples.length; i += size) out.push(samples.subarray(i, Math.min(samples.length, i + size)));
  return out;
}
