/**
 * Non-speech test sounds for `vad-barge-in.bench.ts`: clicks, coughs, keyboard typing, knocks, room noise and a
 * loud fan. Made with sox (`sox -n ... synth`) when it is installed; otherwise synthesized here with the same shapes
 * (noise bursts with the same envelopes and bands, approximated by one-pole filters), and the report says which.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '../packages/processors/test/fixtures/speech';

/** One non-speech clip. */
export interface NonSpeechClip {
  readonly name: string;
  readonly samples: Int16Array;
  readonly sampleRate: number;
}

/** The sox `synth` arguments of each sound (after `sox -n -r RATE -b 16 -c 1 OUT`). */
const SOX_SOUNDS: Readonly<Record<string, readonly string[]>> = {
  clicks: 'synth 0.004 square 1500 vol 0.9 pad 0 0.396 repeat 9'.split(' '),
  coughs: 'synth 0.3 pinknoise band 1000 800 fade t 0.005 0.3 0.25 vol 2.5 pad 0 0.7 repeat 3'.split(' '),
  typing: 'synth 0.015 whitenoise highpass 2000 fade t 0.001 0.015 0.012 vol 0.5 pad 0 0.15 repeat 24'.split(' '),
  knocks: 'synth 0.06 sine 120 fade t 0.002 0.06 0.05 vol 0.9 pad 0 0.2 repeat 2 pad 0 0.8 repeat 3'.split(' '),
  'room noise': 'synth 4 pinknoise lowpass 2000 vol 0.05'.split(' '),
  'loud fan': 'synth 4 brownnoise vol 0.5'.split(' '),
};

/** Whether sox can be run. */
export function soxAvailable(): boolean {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** The clips at `sampleRate`, from sox or the TypeScript fallback. */
export function nonSpeechClips(sampleRate: number, useSox: boolean): NonSpeechClip[] {
  if (!useSox) return synthesizeAll(sampleRate);
  const dir = mkdtempSync(join(tmpdir(), 'voxframe-nonspeech-'));
  try {
    return Object.entries(SOX_SOUNDS).map(([name, args], i) => {
      const out = join(dir, `${i}.wav`);
      execFileSync('sox', ['-V1', '-n', '-r', String(sampleRate), '-b', '16', '-c', '1', out, ...args], { stdio: 'ignore', timeout: 30_000 });
      const { samples } = decodeWav(readFileSync(out));
      return { name, samples, sampleRate };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the TypeScript fallback

/** A seeded noise source (the same clips every run). */
function noise(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return (state / 0x7fffffff) * 2 - 1;
  };
}

/** Fills `out` from `at` with `length` samples of `source(i)` times an attack/decay envelope. */
function burst(out: Float64Array, at: number, length: number, attack: number, source: (i: number) => number): void {
  for (let i = 0; i < length && at + i < out.length; i++) {
    const envelope = i < attack ? i / attack : 1 - (i - attack) / Math.max(1, length - attack);
    out[at + i] += envelope * source(i);
  }
}

function toPcm(signal: Float64Array): Int16Array {
  return Int16Array.from(signal, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32767))));
}

function synthesizeAll(rate: number): NonSpeechClip[] {
  const ms = (value: number): number => Math.round((value * rate) / 1000);
  const clip = (name: string, seconds: number, fill: (out: Float64Array) => void): NonSpeechClip => {
    const out = new Float64Array(Math.round(seconds * rate));
    fill(out);
    return { name, samples: toPcm(out), sampleRate: rate };
  };
  const lowpass = (source: () => number, cutoffHz: number): (() => number) => {
    const a = Math.exp((-2 * Math.PI * cutoffHz) / rate);
    let y = 0;
    return () => (y = (1 - a) * source() + a * y);
  };
  return [
    clip('clicks', 4, (out) => {
      for (let k = 0; k < 10; k++) burst(out, ms(k * 400), ms(4), 1, (i) => (Math.floor((i * 3000) / rate) % 2 === 0 ? 0.9 : -0.9));
    }),
    clip('coughs', 4, (out) => {
      const band = lowpass(noise(11), 1800);
      const rumble = lowpass(noise(12), 200);
      for (let k = 0; k < 4; k++) burst(out, ms(k * 1000), ms(300), ms(5), () => 1.5 * (band() - rumble()));
    }),
    clip('typing', 4.1, (out) => {
      const source = noise(13);
      let previous = 0;
      for (let k = 0; k < 25; k++) {
        burst(out, ms(k * 165), ms(15), ms(1), () => {
          const x = source();
          const high = x - previous; // a first difference: a high-pass
          previous = x;
          return 0.5 * high;
        });
      }
    }),
    clip('knocks', 6.3, (out) => {
      for (let k = 0; k < 12; k++) burst(out, ms(Math.floor(k / 3) * 1580 + (k % 3) * 260), ms(60), ms(2), (i) => 0.9 * Math.sin((2 * Math.PI * 120 * i) / rate));
    }),
    clip('room noise', 4, (out) => {
      const source = lowpass(noise(14), 2000);
      for (let i = 0; i < out.length; i++) out[i] = 0.15 * source();
    }),
    clip('loud fan', 4, (out) => {
      const source = lowpass(noise(15), 60);
      for (let i = 0; i < out.length; i++) out[i] = 6 * source();
    }),
  ];
}
