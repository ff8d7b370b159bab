/**
 * Resilience end to end through the S2S processor (`@voxframe/processors`), as a pipeline sees it: a recoverable
 * service error, a dropped connection and a forced session expiry all leave the conversation going, with no fatal
 * error frame and the next turn answered.
 */
import { makeFrame, type ErrorFrame } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { s2sProcessor } from '@voxframe/processors';
import { scriptedReplies, tone, type RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { engineFor, startEmulator, until } from './support/harness';

const say = (text: string) => makeFrame('text', { text, role: 'user' });

function assistantTurns(harness: ProcessorHarness): number {
  return harness.downstream.filter((f) => f.type === 'turn.end' && f.role === 'assistant').length;
}

function fatalErrors(harness: ProcessorHarness): ErrorFrame[] {
  return harness.framesOf('error', 'upstream').filter((e) => e.fatal);
}

describe('openai_realtime through s2sProcessor: the conversation survives', () => {
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

  it('a recoverable error event becomes a non-fatal error frame and the next turn is answered', async () => {
    harness = new ProcessorHarness(s2sProcessor({ s2s: engineFor(emulator) }));
    await harness.start();
    await until(() => emulator.sessions.length === 1, 5000, 'the session');
    emulator.session.send({
      type: 'error',
      event_id: 'event_x',
      error: { type: 'invalid_request_error', code: 'invalid_value', message: 'Invalid value.', param: 'session.audio.output.voice', event_id: null },
    });
    const error = (await harness.waitForType('error')) as ErrorFrame;
    expect(error.fatal).toBe(false);
    expect(error.error.code).toBe('invalid_value');
    harness.send(say('Still there?'));
    await until(() => assistantTurns(harness as ProcessorHarness) === 1, 8000, 'the answer after the error');
    expect(harness.framesOf('audio.output').length).toBeGreaterThan(0);
    expect(fatalErrors(harness)).toEqual([]);
  });

  it('a dropped connection is recovered and the conversation continues with its history', async () => {
    emulator.script = scriptedReplies({ say: 'Nice to meet you, Ada.' }, (ctx) => ({ say: `I remember ${ctx.items.length} items.` }));
    harness = new ProcessorHarness(s2sProcessor({ s2s: engineFor(emulator) }));
    await harness.start();
    harness.send(say('My name is Ada.'));
    await until(() => assistantTurns(harness as ProcessorHarness) === 1, 8000, 'the first answer');
    const next = emulator.nextSession();
    emulator.dropAll();
    const second = await next;
    await until(() => second.items.length >= 2, 5000, 'the history re-seeded');
    harness.send(say('Do you remember me?'));
    await harness.waitFor((f) => f.type === 'transcript' && f.role === 'assistant' && f.final && f.text === 'I remember 3 items.', 8000, 'the answer after reconnecting');
    expect(fatalErrors(harness)).toEqual([]);
  });

  it('a forced session expiry rotates transparently: audio keeps reaching the model and the next turn is answered', async () => {
    harness = new ProcessorHarness(s2sProcessor({ s2s: engineFor(emulator, { max_session_ms: 100 }) }));
    await harness.start();
    harness.send(say('Remember the number 42.'));
    await until(() => assistantTurns(harness as ProcessorHarness) === 1, 8000, 'the first answer');
    const fresh = await emulator.nextSession();
    // 16 kHz audio through the processor, resampled to 24 kHz, lands in the fresh session.
    const marker = tone(300, 16000, 1000, 7000);
    for (let i = 0; i < marker.length; i += 320) {
      harness.send(makeFrame('audio.input', { samples: marker.subarray(i, i + 320), sampleRate: 16000, channels: 1 }));
    }
    await until(() => fresh.inputAudio().length >= 24 * 250, 5000, 'audio in the fresh session');
    await until(() => fresh.items.length > 0, 5000, 'the history re-seeded');
    expect(fresh.items[0]).toMatchObject({ role: 'user', text: 'Remember the number 42.' });
    harness.send(say('Which number?'));
    await until(() => assistantTurns(harness as ProcessorHarness) === 2, 8000, 'the answer after the rotation');
    expect(fatalErrors(harness)).toEqual([]);
  });
});
