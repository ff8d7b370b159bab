import { TestScheduler } from 'rxjs/testing';
import { S2SError, type LlmMessage, type S2SEvent } from '@voxframe/core';
import { ProcessorHarness, ScriptedS2S } from '@voxframe/core/testing';
import { CircuitBreaker, FailoverExhaustedError, ReplayBuffer, createFailoverS2S, s2sProcessor, type FailoverSwitch } from '../src';

const ramp = (n: number, from = 0) => Int16Array.from({ length: n }, (_, i) => (from + i) % 30000);
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};
const fatal = (provider: string): S2SEvent => ({
  type: 'error',
  error: new S2SError(provider, 'connection_lost', 'the connection was lost and 3 reconnect attempt(s) failed.', { recoverable: false }),
  recoverable: false,
});

describe('ReplayBuffer', () => {
  it('returns exactly the samples written after a position, across the ring boundary', () => {
    const buffer = new ReplayBuffer(100);
    buffer.write(ramp(70));
    const mark = buffer.position;
    buffer.write(ramp(50, 70)); // wraps
    const { samples, lost } = buffer.since(mark);
    expect(lost).toBe(0);
    expect(Array.from(samples)).toEqual(Array.from(ramp(50, 70)));
  });

  it('says how much was older than its bound instead of returning garbage', () => {
    const buffer = new ReplayBuffer(100);
    buffer.write(ramp(250));
    const { samples, lost } = buffer.since(0);
    expect(lost).toBe(150);
    expect(Array.from(samples)).toEqual(Array.from(ramp(100, 150)));
  });
});

describe('CircuitBreaker', () => {
  it('skips a failed provider until its cool-down has passed, then tries it again', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ cooldownMs: 1000, now: () => now });
    breaker.recordFailure('a');
    expect(breaker.order(['a', 'b'], (x) => x)).toEqual(['b', 'a']);
    now = 999;
    expect(breaker.state('a')).toBe('open');
    now = 1000;
    expect(breaker.state('a')).toBe('half-open');
    expect(breaker.order(['a', 'b'], (x) => x)).toEqual(['a', 'b']);
    breaker.recordSuccess('a');
    expect(breaker.state('a')).toBe('closed');
  });
});

describe('createFailoverS2S', () => {
  it('uses the backup at once when the primary cannot connect, and remembers that for the next session', async () => {
    const primary = new ScriptedS2S({ provider: 'primary', startError: new S2SError('primary', 'connect_failed', 'refused', { recoverable: true }) });
    const backup = new ScriptedS2S({ provider: 'backup' });
    const engine = createFailoverS2S([primary, backup]);
    const session = await engine.start();
    expect(session.capabilities).toEqual(backup.capabilities);
    expect(backup.sessions).toHaveLength(1);
    expect(engine.breaker.state('primary')).toBe('open');
    await session.close();
  });

  it('fails with a typed error naming every provider when none can connect', async () => {
    const a = new ScriptedS2S({ provider: 'a', startError: new Error('ECONNREFUSED') });
    const b = new ScriptedS2S({ provider: 'b', startError: new Error('bad key') });
    const failing = createFailoverS2S([a, b]).start();
    await expect(failing).rejects.toBeInstanceOf(FailoverExhaustedError);
    await expect(failing).rejects.toThrow(/a \(ECONNREFUSED\); b \(bad key\)/);
  });

  it('moves a live session to the backup: seeded with the conversation, the unheard audio replayed at the backup’s rate, nothing lost', async () => {
    const primary = new ScriptedS2S({ provider: 'primary', audioFormat: { inputSampleRate: 24000, outputSampleRate: 24000 } });
    const backup = new ScriptedS2S({ provider: 'backup', audioFormat: { inputSampleRate: 16000, outputSampleRate: 24000 } });
    const switches: FailoverSwitch[] = [];
    const engine = createFailoverS2S([primary, backup], { onSwitch: (s) => switches.push(s) });
    const session = await engine.start();
    const events: S2SEvent[] = [];
    session.events.subscribe((e) => events.push(e));

    // A first exchange the primary heard and answered.
    session.sendAudio(ramp(4800));
    const conversation: LlmMessage[] = [
      { role: 'user', content: 'what is the weather' },
      { role: 'assistant', content: 'Sunny and' },
    ];
    primary.session.remember(...conversation);
    primary.session.emit({ type: 'transcript', role: 'user', text: 'what is the weather', final: true });
    // The user goes on speaking; the primary dies before it shows any sign of having heard this.
    session.sendAudio(ramp(2400)); // 100 ms at 24 kHz
    primary.session.emit({ type: 'response.started', responseId: 'r2' }, fatal('primary'));
    session.sendAudio(ramp(2400)); // 100 ms more while switching
    await settle();

    expect(backup.sessions).toHaveLength(1);
    expect(backup.session.seed).toEqual(conversation);
    // 200 ms of unheard 24 kHz audio -> 200 ms at 16 kHz, less the resampler's filter delay still in flight.
    const received = backup.session.audioSamplesReceived;
    expect(received).toBeGreaterThan(3200 - 64);
    expect(received).toBeLessThanOrEqual(3200);
    expect(primary.session.closed).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['transcript', 'response.started', 'error', 'turn.end', 'session.rotated']);
    expect(events.find((e) => e.type === 'error')).toMatchObject({ recoverable: true });
    expect(events.find((e) => e.type === 'turn.end')).toMatchObject({ status: 'failed', responseId: 'r2' });
    expect(switches).toEqual([expect.objectContaining({ from: 'primary', to: 'backup', replayedMs: 200, lostMs: 0 })]);

    // Afterwards audio goes to the backup live, resampled; its events come through.
    session.sendAudio(ramp(480));
    expect(backup.session.audioSamplesReceived).toBe(received + 320);
    backup.session.emit({ type: 'audio', samples: ramp(240), sampleRate: 24000 });
    expect(events[events.length - 1]).toMatchObject({ type: 'audio', sampleRate: 24000 });
    expect(session.conversation).toEqual(conversation);
    await session.close();
    expect(backup.session.closed).toBe(true);
  });

  it('fails over when the provider closes the session under it, and keeps text sent while switching', async () => {
    const primary = new ScriptedS2S({ provider: 'primary' });
    const backup = new ScriptedS2S({ provider: 'backup' });
    const session = await createFailoverS2S([primary, backup]).start();
    primary.session.emit({ type: 'closed', reason: 'socket closed' });
    session.sendText('are you there?');
    session.commitUserTurn();
    await settle();
    expect(backup.session.calls.map((c) => c.method)).toEqual(['sendText', 'commitUserTurn']);
    await session.close();
  });

  it('ends with one fatal error when the backup cannot take over either', async () => {
    const primary = new ScriptedS2S({ provider: 'primary' });
    let starts = 0;
    const backup = new ScriptedS2S({ provider: 'backup' });
    const engine = createFailoverS2S([primary, backup]);
    const session = await engine.start();
    // From now on nobody can connect.
    const refuse = () => {
      starts += 1;
      return Promise.reject(new Error('ECONNREFUSED'));
    };
    primary.start = refuse;
    backup.start = refuse;
    const events: S2SEvent[] = [];
    session.events.subscribe((e) => events.push(e));
    primary.session.emit(fatal('primary'));
    await settle();
    expect(starts).toBe(2); // the backup, then the primary as a last resort
    expect(events.map((e) => e.type)).toEqual(['error', 'error', 'closed']);
    expect(events[1]).toMatchObject({ recoverable: false, error: expect.any(FailoverExhaustedError) });
  });

  it('uses a recovered primary again for new sessions once its cool-down has passed', async () => {
    let now = 0;
    const primary = new ScriptedS2S({ provider: 'primary' });
    const backup = new ScriptedS2S({ provider: 'backup' });
    const engine = createFailoverS2S([primary, backup], { cooldownMs: 10_000, now: () => now });
    const first = await engine.start();
    primary.session.emit(fatal('primary'));
    await settle();
    const second = await engine.start();
    expect(backup.sessions).toHaveLength(2); // primary skipped while open
    now = 10_000;
    const third = await engine.start();
    expect(primary.sessions).toHaveLength(2);
    await Promise.all([first.close(), second.close(), third.close()]);
  });

  it('keeps an S2S pipeline talking through a provider failure: no fatal error frame, the backup’s audio at its own rate', async () => {
    const clock = new TestScheduler(() => undefined);
    clock.maxFrames = Number.POSITIVE_INFINITY;
    const primary = new ScriptedS2S({ provider: 'primary', audioFormat: { inputSampleRate: 24000, outputSampleRate: 24000 } });
    const backup = new ScriptedS2S({ provider: 'backup', audioFormat: { inputSampleRate: 16000, outputSampleRate: 16000 } });
    const harness = new ProcessorHarness(s2sProcessor({ s2s: createFailoverS2S([primary, backup]) }), { scheduler: clock });
    await harness.start();
    primary.session.emit(fatal('primary'));
    await settle();
    backup.session.emit({ type: 'response.started', responseId: 'b1' }, { type: 'audio', samples: ramp(320), sampleRate: 16000, utteranceId: 'b_item' });
    const audio = harness.framesOf('audio.output');
    expect(audio.map((f) => [f.sampleRate, f.samples.length])).toEqual([[16000, 320]]);
    expect(harness.upstream.filter((f) => f.type === 'error' && f.fatal)).toEqual([]);
    expect(harness.downstream.filter((f) => f.type === 'end')).toEqual([]);
    harness.dispose();
  });
});
