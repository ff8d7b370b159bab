import { Subject } from 'rxjs';
import { makeFrame, type SttEvent, type SttService, type SttSession } from '@voxframe/core';
import { ProcessorHarness, createVirtualClock } from '@voxframe/core/testing';
import { createOpenAiRealtimeStt, createOpenAiStt } from '@voxframe/openai';
import { startOpenAiEmulator, type OpenAiEmulator } from '@voxframe/openai/testing';
import { sttProcessor } from '../src/cascade';

const audio = (ms: number, rate: number, value = 500) => makeFrame('audio.input', { samples: new Int16Array((rate * ms) / 1000).fill(value), sampleRate: rate, channels: 1 });

describe('sttProcessor against the OpenAI-compatible emulator (per-turn transcriptions)', () => {
  let emulator: OpenAiEmulator;
  beforeEach(async () => {
    emulator = await startOpenAiEmulator();
  });
  afterEach(() => emulator.close());

  it('resamples to the service rate, finalizes on the VAD end of turn, emits the final, turn.end and its latency', async () => {
    emulator.transcriptions.push({ text: 'What is the weather?' });
    const harness = new ProcessorHarness(sttProcessor({ stt: createOpenAiStt({ baseURL: emulator.baseURL, apiKey: 'k' }) }));
    await harness.start({ enableMetrics: true });
    harness.send(makeFrame('user.started-speaking', {}));
    for (let i = 0; i < 50; i++) harness.send(audio(20, 48000));
    harness.send(makeFrame('user.stopped-speaking', {}));
    await harness.waitForType('turn.end');
    const kinds = harness.downstream.filter((f) => f.type !== 'start' && f.type !== 'metrics').map((f) => f.type);
    expect(kinds).toEqual(['user.started-speaking', 'user.stopped-speaking', 'transcript', 'turn.end']);
    expect(harness.framesOf('transcript')[0]).toMatchObject({ role: 'user', text: 'What is the weather?', final: true });
    expect(harness.framesOf('turn.end')[0]).toMatchObject({ role: 'user', status: 'completed' });
    // 1 s of 48 kHz audio arrived at the service as ~1 s of 16 kHz PCM16 in one WAV.
    const bytes = emulator.requests[0].body.fileBytes as number;
    expect(Math.abs(bytes - 44 - 32000)).toBeLessThan(400);
    const latency = harness.framesOf('metrics').flatMap((m) => m.metrics).find((m) => m.kind === 'latency' && m.name === 'stt.final');
    expect(latency).toBeDefined();
    harness.dispose();
  });

  it('streams to the Realtime transcription session: interim hypotheses, then the final and turn.end', async () => {
    emulator.transcriptions.push({ text: 'what is the weather' });
    const stt = createOpenAiRealtimeStt({ baseURL: emulator.realtimeURL, apiKey: 'k' });
    const harness = new ProcessorHarness(sttProcessor({ stt }));
    await harness.start({ enableMetrics: true });
    for (let i = 0; i < 25; i++) harness.send(audio(20, 16000));
    harness.send(makeFrame('user.stopped-speaking', {}));
    await harness.waitForType('turn.end');
    expect(harness.framesOf('transcript').map((t) => [t.text, t.final])).toEqual([
      ['what', false],
      ['what is', false],
      ['what is the', false],
      ['what is the weather', false],
      ['what is the weather', true],
    ]);
    expect(harness.framesOf('metrics').flatMap((m) => m.metrics).some((m) => m.kind === 'latency' && m.name === 'stt.final')).toBe(true);
    harness.dispose();
  });

  it('a failed transcription is a typed, non-fatal error and the turn still ends', async () => {
    emulator.transcriptions.push({ error: { status: 400, message: 'Audio file is too short.', code: 'audio_too_short' } });
    const harness = new ProcessorHarness(sttProcessor({ stt: createOpenAiStt({ baseURL: emulator.baseURL, apiKey: 'k' }) }));
    await harness.start();
    harness.send(audio(100, 16000));
    harness.send(makeFrame('user.stopped-speaking', {}));
    await harness.waitForType('turn.end');
    const [error] = harness.framesOf('error', 'upstream');
    expect(error).toMatchObject({ fatal: false, error: { code: 'audio_too_short' } });
    harness.dispose();
  });
});

/**
 * A streaming STT service (Deepgram-style: interim hypotheses, a final on finalize). No streaming STT server runs
 * here, so this scripted one stands in: an interim after every 200 ms of audio, a final answering finalize().
 */
class ScriptedStreamingStt implements SttService {
  readonly name = 'scripted';
  readonly sampleRate = 16000;
  readonly capabilities = { interim: true, segmented: false, endpointing: false };
  readonly sessions: { received: number; keepAlives: number; finalized: number; events: Subject<SttEvent> }[] = [];
  failStarts = 0;
  start(): Promise<SttSession> {
    if (this.failStarts > 0) {
      this.failStarts -= 1;
      return Promise.reject(new Error('connection refused'));
    }
    const state = { received: 0, keepAlives: 0, finalized: 0, events: new Subject<SttEvent>() };
    this.sessions.push(state);
    const words = ['what', 'is', 'the', 'weather', 'like'];
    let heard = 0;
    return Promise.resolve({
      events: state.events,
      sendAudio: (samples: Int16Array) => {
        const before = Math.floor(state.received / 3200);
        state.received += samples.length;
        const now = Math.floor(state.received / 3200);
        if (now > before) {
          heard = Math.min(words.length, now);
          state.events.next({ type: 'transcript', text: words.slice(0, heard).join(' '), final: false });
        }
      },
      finalize: () => {
        state.finalized += 1;
        state.events.next({ type: 'transcript', text: words.slice(0, heard).join(' '), final: true, fromFinalize: true });
      },
      keepAlive: () => void (state.keepAlives += 1),
      close: () => {
        state.events.complete();
        return Promise.resolve();
      },
    });
  }
}

describe('sttProcessor with a streaming service', () => {
  it('emits interim hypotheses then the final, and ends the turn', async () => {
    const stt = new ScriptedStreamingStt();
    const harness = new ProcessorHarness(sttProcessor({ stt }));
    await harness.start();
    for (let i = 0; i < 30; i++) harness.send(audio(20, 16000));
    harness.send(makeFrame('user.stopped-speaking', {}));
    await harness.waitForType('turn.end');
    const transcripts = harness.framesOf('transcript').map((t) => [t.text, t.final, t.hypothesis === true]);
    expect(transcripts).toEqual([
      ['what', false, true],
      ['what is', false, true],
      ['what is the', false, true],
      ['what is the', true, false],
    ]);
    harness.dispose();
  });

  it('reconnects a dropped session and replays the audio the old one never answered', async () => {
    const clock = createVirtualClock();
    const stt = new ScriptedStreamingStt();
    const harness = new ProcessorHarness(sttProcessor({ stt }), { scheduler: clock });
    await harness.start();
    for (let i = 0; i < 10; i++) harness.send(audio(20, 16000)); // 200 ms, unanswered
    stt.failStarts = 1; // the first reconnect attempt fails too
    stt.sessions[0].events.next({ type: 'closed', reason: 'network' });
    for (let i = 0; i < 5; i++) harness.send(audio(20, 16000)); // 100 ms while disconnected
    clock.advanceTo(0); // attempt 1 (0 ms): refused
    await Promise.resolve();
    clock.advanceTo(300); // attempt 2 (250 ms later): connects
    await new Promise((r) => setTimeout(r, 0));
    expect(stt.sessions).toHaveLength(2);
    expect(stt.sessions[1].received).toBe(4800); // 300 ms at 16 kHz: nothing lost
    harness.send(makeFrame('user.stopped-speaking', {}));
    expect(harness.framesOf('turn.end')).toHaveLength(1);
    expect(harness.framesOf('error', 'upstream')).toHaveLength(0);
    harness.dispose();
  });

  it('gives up with a fatal typed error when every reconnect attempt fails', async () => {
    const clock = createVirtualClock();
    const stt = new ScriptedStreamingStt();
    stt.failStarts = 10;
    const harness = new ProcessorHarness(sttProcessor({ stt, reconnectDelaysMs: [0, 100] }), { scheduler: clock });
    const started = harness.start();
    for (let t = 0; t <= 200; t += 50) {
      clock.advanceTo(t);
      await new Promise((r) => setTimeout(r, 0));
    }
    await started;
    const [error] = harness.framesOf('error', 'upstream');
    expect(error).toMatchObject({ fatal: true, error: { code: 'stt_unavailable' } });
    harness.dispose();
  });

  it('keeps an idle session alive, and ends a turn whose final never comes after finalizeTimeoutMs', async () => {
    const clock = createVirtualClock();
    const stt = new ScriptedStreamingStt();
    const harness = new ProcessorHarness(sttProcessor({ stt, keepAliveIntervalMs: 1000, finalizeTimeoutMs: 800 }), { scheduler: clock });
    await harness.start();
    clock.advanceTo(3500);
    expect(stt.sessions[0].keepAlives).toBe(3);
    // A session that never answers finalize.
    stt.sessions[0].events.subscribe(() => undefined);
    const session = stt.sessions[0];
    const original = session.events.next.bind(session.events);
    session.events.next = (event: SttEvent) => (event.type === 'transcript' && event.final ? undefined : original(event));
    harness.send(makeFrame('user.stopped-speaking', {}));
    clock.advanceTo(4200);
    expect(harness.framesOf('turn.end')).toHaveLength(0);
    clock.advanceTo(4400);
    expect(harness.framesOf('turn.end')).toHaveLength(1);
    harness.dispose();
  });
});
