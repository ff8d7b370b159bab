/**
 * Wire formats and the stream format converter: presets, byte/duration math, conversions between telephony and
 * model formats (checked against the codec and resampler they are built from), split messages, channel mapping.
 */
import { AudioConfigError, AudioDataError } from '../src/audio/errors';
import { createFormatConverter } from '../src/audio/format-converter';
import {
  audioFormats,
  bytesForDuration,
  bytesPerFrame,
  checkAudioFormat,
  describeAudioFormat,
  durationMsOfBytes,
  type AudioFormat,
} from '../src/audio/formats';
import { decodeMulaw, encodeAlaw, encodeMulaw } from '../src/audio/g711';
import { pcm16FromBytes, pcm16ToBytes } from '../src/audio/pcm16';
import { PcmStreamConverter } from '../src/audio/pcm-stream-converter';
import { createResampler } from '../src/audio/resampler';
import { measureTones, sineWave } from '../src/audio/signal';

describe('format presets', () => {
  it('describe the services as their protocols define them', () => {
    expect(audioFormats.twilio).toEqual({ encoding: 'mulaw', sampleRate: 8000, channels: 1 });
    expect(audioFormats.openaiPcm16).toEqual({ encoding: 'pcm16', sampleRate: 24000, channels: 1 });
    expect(audioFormats.openaiPcmu.sampleRate).toBe(8000);
    expect(audioFormats.geminiInput.sampleRate).toBe(16000);
    expect(audioFormats.geminiOutput.sampleRate).toBe(24000);
    expect(audioFormats.novaInput.sampleRate).toBe(16000);
    expect(audioFormats.novaOutput.sampleRate).toBe(24000);
    for (const format of Object.values(audioFormats)) expect(checkAudioFormat(format)).toBe(format);
  });

  it('convert between bytes and durations: 20 ms is 160 mu-law bytes, 960 PCM16 bytes at 24 kHz', () => {
    expect(bytesForDuration(audioFormats.twilio, 20)).toBe(160);
    expect(bytesForDuration(audioFormats.openaiPcm16, 20)).toBe(960);
    expect(durationMsOfBytes(audioFormats.geminiInput, 640)).toBe(20);
    expect(durationMsOfBytes(audioFormats.geminiInput, 641)).toBe(20); // whole frames only
    expect(bytesPerFrame({ encoding: 'pcm16', sampleRate: 48000, channels: 2 })).toBe(4);
    expect(describeAudioFormat(audioFormats.twilio)).toBe('mulaw/8000/1');
  });

  it.each([
    [{ encoding: 'mp3', sampleRate: 8000, channels: 1 }, /encoding/],
    [{ encoding: 'pcm16', sampleRate: Number.NaN, channels: 1 }, /sampleRate/],
    [{ encoding: 'pcm16', sampleRate: 16000, channels: 0 }, /channels/],
  ])('refuses %p with a typed error naming the field', (format, pattern) => {
    expect(() => checkAudioFormat(format as unknown as AudioFormat)).toThrow(AudioConfigError);
    expect(() => checkAudioFormat(format as unknown as AudioFormat)).toThrow(pattern);
  });
});

describe('createFormatConverter', () => {
  const speechLike = sineWave({ frequency: 440, sampleRate: 8000, samples: 8000, amplitude: 12000 });

  it('Twilio mu-law 8 kHz -> Gemini PCM16 16 kHz: 160 bytes in, 640 bytes out, same as decode + resample', () => {
    const converter = createFormatConverter(audioFormats.twilio, audioFormats.geminiInput);
    const reference = createResampler({ fromRate: 8000, toRate: 16000 });
    const mulaw = encodeMulaw(speechLike);
    for (let offset = 0; offset < mulaw.length; offset += 160) {
      const frame = mulaw.subarray(offset, offset + 160);
      const out = converter.convert(frame);
      expect(out.length).toBe(640);
      expect(pcm16FromBytes(out)).toEqual(reference.process(decodeMulaw(frame)));
    }
    expect(converter.delayMs).toBe(reference.delayMs);
  });

  it('OpenAI PCM16 24 kHz -> Twilio mu-law 8 kHz: 960 bytes in, 160 bytes out, same as resample + encode', () => {
    const converter = createFormatConverter(audioFormats.openaiPcm16, audioFormats.twilio);
    const reference = createResampler({ fromRate: 24000, toRate: 8000 });
    const pcm = sineWave({ frequency: 300, sampleRate: 24000, samples: 2400, amplitude: 9000 });
    for (let offset = 0; offset < pcm.length; offset += 480) {
      const chunk = pcm.subarray(offset, offset + 480);
      const out = converter.convert(pcm16ToBytes(chunk));
      expect(out).toEqual(encodeMulaw(reference.process(chunk)));
    }
  });

  it('mu-law -> A-law at the same rate transcodes without resampling', () => {
    const converter = createFormatConverter(audioFormats.twilio, audioFormats.telnyxAlaw);
    const mulaw = encodeMulaw(speechLike);
    expect(converter.convert(mulaw)).toEqual(encodeAlaw(decodeMulaw(mulaw)));
    expect(converter.delayMs).toBe(0);
    expect(converter.flush().length).toBe(0);
  });

  it('same format passes bytes through as a copy', () => {
    const converter = createFormatConverter(audioFormats.twilio, audioFormats.openaiPcmu);
    const bytes = encodeMulaw(speechLike.subarray(0, 160));
    const out = converter.convert(bytes);
    expect(out).toEqual(bytes);
    expect(out).not.toBe(bytes);
  });

  it('PCM16 messages split mid-sample give the same output as whole messages (the byte is carried)', () => {
    const bytes = pcm16ToBytes(sineWave({ frequency: 500, sampleRate: 16000, samples: 1600, amplitude: 8000 }));
    const whole = createFormatConverter(audioFormats.geminiInput, audioFormats.openaiPcm16).convert(bytes);
    const split = createFormatConverter(audioFormats.geminiInput, audioFormats.openaiPcm16);
    const parts: number[] = [];
    for (let offset = 0; offset < bytes.length; offset += 333) parts.push(...split.convert(bytes.subarray(offset, offset + 333)));
    expect(Uint8Array.from(parts)).toEqual(whole);
  });

  it('stereo 48 kHz PCM16 -> mono 16 kHz averages the channels', () => {
    const left = sineWave({ frequency: 1000, sampleRate: 48000, samples: 9600, amplitude: 16000 });
    const stereo = new Int16Array(left.length * 2);
    for (let i = 0; i < left.length; i += 1) stereo[2 * i] = left[i]; // right channel silent
    const converter = createFormatConverter({ encoding: 'pcm16', sampleRate: 48000, channels: 2 }, audioFormats.geminiInput);
    const mono = pcm16FromBytes(converter.convert(pcm16ToBytes(stereo)));
    expect(mono.length).toBe(3200);
    const [tone] = measureTones(mono, 16000, [1000], 200, mono.length);
    expect(tone.amplitude / 8000).toBeCloseTo(1, 2);
  });

  it('mono -> stereo copies the signal to both channels', () => {
    const converter = createFormatConverter(audioFormats.twilio, { encoding: 'pcm16', sampleRate: 8000, channels: 2 });
    const mulaw = encodeMulaw(speechLike.subarray(0, 160));
    const stereo = pcm16FromBytes(converter.convert(mulaw));
    const mono = decodeMulaw(mulaw);
    expect(stereo.length).toBe(320);
    for (let i = 0; i < 160; i += 1) expect([stereo[2 * i], stereo[2 * i + 1]]).toEqual([mono[i], mono[i]]);
  });

  it('decode() returns samples in the target rate and channels', () => {
    const converter = createFormatConverter(audioFormats.twilio, audioFormats.novaInput);
    expect(converter.decode(encodeMulaw(speechLike.subarray(0, 160))).length).toBe(320);
  });

  it('flush() returns the filter tail so the whole stream comes out', () => {
    const converter = createFormatConverter(audioFormats.openaiPcm16, audioFormats.twilio);
    let total = converter.convert(pcm16ToBytes(new Int16Array(1000))).length;
    total += converter.flush().length;
    const delaySamples = createResampler({ fromRate: 24000, toRate: 8000 }).delaySamples;
    expect(total).toBe(Math.round(1000 / 3) + delaySamples);
  });

  it('refuses channel mappings with no single meaning (2 -> 3) and invalid formats', () => {
    expect(() => createFormatConverter({ encoding: 'pcm16', sampleRate: 16000, channels: 2 }, { encoding: 'pcm16', sampleRate: 16000, channels: 3 })).toThrow(
      AudioConfigError,
    );
    expect(() => createFormatConverter(audioFormats.twilio, { encoding: 'pcm16', sampleRate: 0, channels: 1 })).toThrow(AudioConfigError);
  });
});

describe('PcmStreamConverter', () => {
  it('refuses a chunk that is not a whole number of frames', () => {
    const converter = new PcmStreamConverter({ sampleRate: 16000, channels: 2 }, { sampleRate: 16000, channels: 1 });
    expect(() => converter.process(new Int16Array(3))).toThrow(AudioDataError);
  });

  it('resamples each channel of a stereo stream with its own filter state', () => {
    const frames = 4800;
    const left = sineWave({ frequency: 500, sampleRate: 48000, samples: frames, amplitude: 10000 });
    const right = sineWave({ frequency: 2000, sampleRate: 48000, samples: frames, amplitude: 5000 });
    const stereo = new Int16Array(frames * 2);
    for (let i = 0; i < frames; i += 1) {
      stereo[2 * i] = left[i];
      stereo[2 * i + 1] = right[i];
    }
    const converter = new PcmStreamConverter({ sampleRate: 48000, channels: 2 }, { sampleRate: 16000, channels: 2 });
    const out = new Int16Array(frames * 2 / 3);
    out.set(converter.process(stereo.subarray(0, 1602)), 0); // an odd number of frames first
    out.set(converter.process(stereo.subarray(1602)), 534);
    const reference = createResampler({ fromRate: 48000, toRate: 16000 });
    const expectedLeft = reference.process(left);
    for (let i = 0; i < expectedLeft.length; i += 1) expect(out[2 * i]).toBe(expectedLeft[i]);
  });
});
