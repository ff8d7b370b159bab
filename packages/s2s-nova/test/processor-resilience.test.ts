/**
 * Faults through the S2S processor with espeak-ng speech, the real AWS SDK client and the emulator: a mid-stream
 * reset (the SDK's loop just ends) is recovered on a new stream with the conversation replayed; the stream age
 * limit is met by opening the next stream at a pause with no user sample lost (counted on the emulator side);
 * the service's time limit (`modelTimeoutException`) is recovered too; a `validationException` surfaces as a
 * typed fatal error and the pipeline ends cleanly.
 */
import { makeFrame, type ErrorFrame } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { s2sProcessor } from '@voxframe/processors';
import { NovaSonicError, type NovaSonicSession } from '@voxframe/s2s-nova';
import { NovaSonicEmulator, frames, scriptedReplies } from '@voxframe/s2s-nova/testing';
import { buildConversation, describeWithSpeech, type SpeechClip } from '../../processors/test/fixtures/speech';
import { EventLog, engineFor, until } from './support/harness';

// Real HTTP/2, real speech and real-time playback: generous bounds so a loaded machine slows the test, not fails it.
jest.setTimeout(60_000);

async function feed(harness: ProcessorHarness, clip: SpeechClip, realTime = false): Promise<number> {
  let n = 0;
  let sent = 0;
  for (const samples of frames(clip.samples, 20, clip.sampleRate)) {
    harness.send(makeFrame('audio.input', { samples, sampleRate: clip.sampleRate, channels: 1 }));
    sent += samples.length;
    if (realTime) await new Promise((resolve) => setTimeout(resolve, 20));
    else if (++n % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

function assistantTurns(harness: ProcessorHarness): number {
  return harness.downstream.filter((f) => f.type === 'turn.end' && f.role === 'assistant').length;
}

function errors(harness: ProcessorHarness): ErrorFrame[] {
  return harness.framesOf('error', 'upstream');
}

describeWithSpeech('nova through s2sProcessor: faults', () => {
  let emulator: NovaSonicEmulator;
  let harness: ProcessorHarness | undefined;
  let first: SpeechClip;
  let second: SpeechClip;

  beforeAll(async () => {
    first = await buildConversation([{ text: 'My name is Ada.', silenceAfterMs: 900 }], 16000, { leadSilenceMs: 200 });
    second = await buildConversation([{ text: 'Do you remember my name?', silenceAfterMs: 900 }], 16000, { leadSilenceMs: 200 });
  });

  beforeEach(async () => {
    let turn = 0;
    const said = ['My name is Ada.', 'Do you remember my name?', 'Anything else?'];
    emulator = await NovaSonicEmulator.start({ transcribe: () => said[turn++] ?? '...' });
  });

  afterEach(async () => {
    if (harness) {
      await harness.end().catch(() => undefined);
      harness.dispose();
      harness = undefined;
    }
    await emulator.close();
  });

  it('a mid-stream reset is recovered on a new stream and the conversation goes on with its history', async () => {
    emulator.script = scriptedReplies({ say: 'Nice to meet you, Ada.' }, (ctx) => ({ say: `You are ${ctx.history.some((h) => h.text.includes('Ada')) ? 'Ada' : 'a stranger'}.` }));
    const session = await engineFor(emulator).start();
    harness = new ProcessorHarness(s2sProcessor({ session }));
    await harness.start();
    await feed(harness, first);
    await until(() => assistantTurns(harness as ProcessorHarness) === 1, 15_000, 'the first answer');
    const next = emulator.nextStream();
    emulator.stream.reset();
    const fresh = await next;
    await until(() => fresh.history.length === 2, 5000, 'the history replayed');
    expect(fresh.history).toEqual([
      { role: 'USER', text: 'My name is Ada.' },
      { role: 'ASSISTANT', text: 'Nice to meet you, Ada.' },
    ]);
    await feed(harness, second);
    await harness.waitFor((f) => f.type === 'transcript' && f.role === 'assistant' && f.text === 'You are Ada.', 15_000, 'the answer on the new stream');
    // The drop was reported (the SDK said nothing), recoverable; nothing fatal.
    expect(errors(harness).map((e) => [e.error.code, e.fatal])).toEqual([['stream_dropped', false]]);
    expect(emulator.issues).toEqual([]);
  });

  it('the stream age limit: the next stream opens at a pause and no user sample is lost', async () => {
    emulator.setStreamLimit(30_000); // the service's hard limit, scaled down; the session must rotate well before it
    const session: NovaSonicSession = await engineFor(emulator, { max_stream_ms: 1000, rotation_quiet_ms: 200 }).start();
    const log = new EventLog(session);
    harness = new ProcessorHarness(s2sProcessor({ session }));
    await harness.start();
    let fed = await feed(harness, first, true);
    await until(() => assistantTurns(harness as ProcessorHarness) === 1, 15_000, 'the first answer');
    // Keep talking in real time across the rotation.
    fed += await feed(harness, second, true);
    await until(() => log.ofType('session.rotated').length >= 1, 15_000, 'a rotation');
    fed += await feed(harness, first, true);
    await until(() => assistantTurns(harness as ProcessorHarness) >= 3, 15_000, 'answers after the rotation').catch((e) => {
      console.log(log.events.map((x) => x.type).join(' '), emulator.streams.map((s) => [s.id, s.audioSamples, s.replies.length, s.ended, s.issues]));
      throw e;
    });
    await harness.end();
    harness.dispose();
    harness = undefined;
    await Promise.all(emulator.streams.map((stream) => stream.whenEnded()));
    expect(emulator.streams.length).toBeGreaterThanOrEqual(2);
    expect(log.ofType('session.rotated').every((e) => e.reason === 'expiry')).toBe(true);
    // Every sample the processor fed reached the model, split between the streams, none twice.
    expect(session.sentSamples).toBe(fed);
    expect(emulator.totalAudioSamples).toBe(fed);
    expect(emulator.streams.every((stream) => stream.ended === 'client')).toBe(true);
    expect(emulator.streams[1]?.history[0]).toEqual({ role: 'USER', text: 'My name is Ada.' });
    expect(log.ofType('error')).toEqual([]);
    expect(emulator.issues).toEqual([]);
  });

  it("the service's time limit (modelTimeoutException) is recovered on a new stream", async () => {
    emulator.setStreamLimit(1500);
    emulator.script = scriptedReplies({ say: 'Hello Ada.' }, { say: 'Yes, Ada.' });
    const session = await engineFor(emulator).start();
    harness = new ProcessorHarness(s2sProcessor({ session }));
    await harness.start();
    await feed(harness, first);
    await until(() => assistantTurns(harness as ProcessorHarness) === 1, 15_000, 'the first answer');
    emulator.setStreamLimit(undefined);
    await until(() => emulator.streams.length === 2, 15_000, 'a new stream after the time limit');
    await feed(harness, second);
    await harness.waitFor((f) => f.type === 'transcript' && f.role === 'assistant' && f.text === 'Yes, Ada.', 15_000, 'the answer on the new stream');
    const reported = errors(harness);
    expect(reported.map((e) => [e.error.code, e.fatal])).toEqual([['model_timeout', false]]);
    expect(reported[0]?.error.message).toContain('Model has timed out in processing the request');
    expect(emulator.issues).toEqual([]);
  });

  it('a validationException surfaces as a typed fatal error and the pipeline ends cleanly', async () => {
    const session = await engineFor(emulator).start();
    const log = new EventLog(session);
    harness = new ProcessorHarness(s2sProcessor({ session }));
    await harness.start();
    await feed(harness, first);
    await until(() => assistantTurns(harness as ProcessorHarness) === 1, 15_000, 'the first answer');
    // A tool result for a call the model never made: the service refuses the event.
    harness.send(makeFrame('tool.result', { callId: 'no-such-call', name: 'get_weather', output: '{}', isError: false }));
    const failure = (await harness.waitFor((f) => f.type === 'error' && f.fatal, 15_000, 'the fatal error')) as ErrorFrame;
    expect(failure.error).toBeInstanceOf(NovaSonicError);
    expect(failure.error.code).toBe('validation');
    expect(failure.error.message).toContain("toolUseId 'no-such-call' does not match a toolUse of the model");
    await log.waitFor('closed');
    expect(emulator.stream.ended).toBe('exception');
    expect(emulator.streams).toHaveLength(1); // fatal: no new stream
    await harness.end();
    harness.dispose();
    harness = undefined;
    expect(emulator.issues).toEqual([expect.stringContaining('no-such-call')]);
  });
});
