/**
 * Telephony pass-through (issue: phone calls transcode needlessly): 8 kHz mu-law caller audio, as a Twilio media
 * stream delivers it (the transport decodes each payload to 8 kHz PCM16), crosses the S2S processor to the
 * service as the very same mu-law bytes, without resampling, when the processor is told the input encoding.
 */
import { makeFrame } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { s2sProcessor } from '@voxframe/processors';
import { decodeG711 } from '../src/g711';
import { scriptedReplies, type RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { engineFor, startEmulator, until } from './support/harness';

describe('G.711 pass-through on phone calls', () => {
  let emulator: RealtimeEmulator;
  let harness: ProcessorHarness | undefined;

  beforeEach(async () => {
    emulator = await startEmulator();
  });

  afterEach(async () => {
    if (harness) {
      await harness.end().catch(() => undefined);
      harness.dispose();
      harness = undefined;
    }
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  it('caller audio reaches the service bit-exact at 8 kHz and the reply comes back at 8 kHz', async () => {
    emulator.script = scriptedReplies({ say: 'Hello caller.', audioMs: 400 });
    harness = new ProcessorHarness(s2sProcessor({ s2s: engineFor(emulator, { turn_detection: 'none' }), inputEncoding: 'g711_ulaw' }));
    await harness.start();
    expect(emulator.session.eventsOfType('session.update')[0]).toMatchObject({ session: { audio: { input: { format: { type: 'audio/pcmu' } } } } });
    // 1 s of caller audio as 50 Twilio payloads of 160 mu-law bytes each, decoded the way the transport does.
    const wire = Uint8Array.from({ length: 8000 }, (_, i) => (i * 37 + 11) % 256);
    const sent: Int16Array[] = [];
    for (let at = 0; at < wire.length; at += 160) {
      const samples = decodeG711('mulaw', wire.subarray(at, at + 160));
      sent.push(samples);
      harness.send(makeFrame('audio.input', { samples, sampleRate: 8000, channels: 1 }));
    }
    await until(() => emulator.session.inputAudio().length >= 8000, 5000, 'the caller audio');
    const received = emulator.session.inputAudio();
    expect(received.length).toBe(8000); // no 8 -> 24 kHz resampling on the way
    expect(Array.from(received)).toEqual(sent.flatMap((s) => Array.from(s)));
    harness.send(makeFrame('text', { text: 'Hi.', role: 'user' }));
    await harness.waitFor((f) => f.type === 'turn.end' && f.role === 'assistant', 5000, 'the reply');
    expect(harness.framesOf('audio.output').every((f) => f.sampleRate === 8000)).toBe(true);
  });
});
