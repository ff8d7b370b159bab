/**
 * A session against the emulator with the real AWS SDK client: the opening events in order, a turn answered with
 * 24 kHz audio and a FINAL transcript, usage, a clean close with contentEnd, promptEnd and sessionEnd, and every
 * envelope's chunk signature verified.
 */
import { NovaSonicEmulator, scriptedReplies, tone } from '@voxframe/s2s-nova/testing';
import { engineFor, sendFrames, startSession } from './support/harness';

describe('nova session lifecycle', () => {
  let emulator: NovaSonicEmulator;

  beforeEach(async () => {
    emulator = await NovaSonicEmulator.start({ transcribe: () => 'What is the weather?' });
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('opens with the documented events, answers a spoken turn, and closes in order', async () => {
    emulator.script = scriptedReplies({ say: 'It is sunny.', audioMs: 600 });
    const { session, log } = await startSession(engineFor(emulator, {}, { instructions: 'Be brief.', voice: 'tiffany' }));
    await sendFrames(session, tone(600, 16000));
    await sendFrames(session, new Int16Array(16000));
    await log.waitFor('turn.end');
    await log.waitFor('usage'); // after the turn (§3.4)
    const stream = emulator.stream;
    expect(stream.modelId).toBe('amazon.nova-2-sonic-v1:0');
    expect(stream.systemPrompt).toBe('Be brief.');
    const names = stream.inputEvents.slice(0, 5).map((e) => Object.keys((e as { event: object }).event)[0]);
    expect(names).toEqual(['sessionStart', 'promptStart', 'contentStart', 'textInput', 'contentEnd']);
    expect(stream.eventsNamed('promptStart')[0]).toMatchObject({ audioOutputConfiguration: { voiceId: 'tiffany', sampleRateHertz: 24000 } });
    expect(stream.eventsNamed('sessionStart')[0]).toMatchObject({ turnDetectionConfiguration: { endpointingSensitivity: 'MEDIUM' } });
    const audio = log.ofType('audio');
    expect(audio.every((a) => a.sampleRate === 24000)).toBe(true);
    expect(audio.reduce((n, a) => n + a.samples.length, 0)).toBe(24 * 600);
    expect(log.ofType('transcript')).toEqual([
      { type: 'transcript', role: 'user', text: 'What is the weather?', final: true },
      { type: 'transcript', role: 'assistant', text: 'It is sunny.', final: true, utteranceId: expect.any(String) },
    ]);
    expect(log.ofType('turn.end')[0]?.status).toBe('completed');
    expect(log.ofType('usage').length).toBeGreaterThan(0);
    expect(session.conversation).toEqual([
      { role: 'user', content: 'What is the weather?' },
      { role: 'assistant', content: 'It is sunny.' },
    ]);
    await session.close();
    await stream.whenEnded();
    expect(stream.ended).toBe('client');
    const last = stream.inputEvents.slice(-3).map((e) => Object.keys((e as { event: object }).event)[0]);
    expect(last).toEqual(['contentEnd', 'promptEnd', 'sessionEnd']);
    expect(stream.audioSamples).toBe(session.sentSamples);
    // Every envelope, the empty end frame included, carried a valid chunk signature.
    expect(stream.verifiedChunks).toBe(stream.inputEvents.length + 1);
    expect(emulator.issues).toEqual([]);
    expect(log.ofType('closed')).toHaveLength(1);
  });
});
