import { TestScheduler } from 'rxjs/testing';
import {
  makeFrame,
  PipelineRunner,
  pipeline,
  S2SError,
  silentLogger,
  type ErrorFrame,
  type Hooks,
  type MetricsFrame,
  type S2S,
  type S2SEvent,
  type S2SStartOptions,
  type TurnInfo,
} from '@voxframe/core';
import { ProcessorHarness, ScriptedS2S, type ScriptedS2SOptions } from '@voxframe/core/testing';
import { S2SSessionClosedError, S2SStartError, s2sProcessor, type S2SProcessorOptions } from '../src/s2s';
import { defineTool } from '../src/tools';

async function start(scripted: ScriptedS2SOptions = {}, options: Omit<S2SProcessorOptions, 's2s' | 'session'> = {}, metrics = false) {
  const clock = new TestScheduler(() => undefined);
  clock.maxFrames = Number.POSITIVE_INFINITY;
  const engine = new ScriptedS2S(scripted);
  const processor = s2sProcessor({ s2s: engine, ...options });
  const harness = new ProcessorHarness(processor, { scheduler: clock });
  await harness.start({ enableMetrics: metrics });
  return { engine, session: engine.session, processor, harness, clock };
}

const tone = (n: number) => Int16Array.from({ length: n }, (_, i) => (i % 50) * 100);
const flushMicrotasks = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('s2sProcessor: session events -> frames', () => {
  it('emits output audio at the provider’s true rate with its utterance id (16 kHz provider -> 16 kHz frames)', async () => {
    const { session, harness } = await start({ audioFormat: { inputSampleRate: 16000, outputSampleRate: 16000 } });
    const samples = tone(320);
    session.emit({ type: 'audio', samples, sampleRate: 16000, utteranceId: 'item_1' }, { type: 'audio', samples, sampleRate: 16000, utteranceId: 'item_1' });
    const audio = harness.framesOf('audio.output');
    expect(audio.map((f) => [f.sampleRate, f.channels, f.utteranceId, f.samples.length, f.ptsMs])).toEqual([
      [16000, 1, 'item_1', 320, 0],
      [16000, 1, 'item_1', 320, 20],
    ]);
    expect(audio[0].samples).toBe(samples);
    harness.dispose();
  });

  it('maps text, transcripts (partial and final, both roles), response start and turn end', async () => {
    const { session, harness } = await start();
    session.emit(
      { type: 'response.started', responseId: 'r1' },
      { type: 'transcript', role: 'user', text: 'what time', final: false, utteranceId: 'u_in' },
      { type: 'transcript', role: 'user', text: 'what time is it', final: true, utteranceId: 'u_in' },
      { type: 'text', text: 'It is ', responseId: 'r1' },
      { type: 'transcript', role: 'assistant', text: 'It is noon', final: true, utteranceId: 'item_1' },
      { type: 'turn.end', responseId: 'r1', status: 'completed' },
    );
    expect(harness.downstream.slice(1).map((f) => f.type)).toEqual([
      'response.started',
      'transcript',
      'transcript',
      'text',
      'transcript',
      'turn.end',
      'response.ended',
    ]);
    expect(harness.framesOf('transcript').map((f) => [f.role, f.text, f.final, f.itemId])).toEqual([
      ['user', 'what time', false, 'u_in'],
      ['user', 'what time is it', true, 'u_in'],
      ['assistant', 'It is noon', true, 'item_1'],
    ]);
    expect(harness.framesOf('text')[0]).toMatchObject({ text: 'It is ', role: 'assistant' });
    expect(harness.framesOf('turn.end')[0]).toMatchObject({ role: 'assistant', status: 'completed' });
    expect(harness.framesOf('response.ended')[0]).toMatchObject({ responseId: 'r1', status: 'completed' });
    harness.dispose();
  });

  it('turns usage into a usage metrics frame and measures TTFB from the user’s turn end to the first audio', async () => {
    const { session, harness, clock } = await start({}, {}, true);
    session.emit({ type: 'speech.started' }, { type: 'speech.stopped' });
    clock.schedule(() => session.emit({ type: 'audio', samples: tone(480), sampleRate: 24000, utteranceId: 'i1' }), 420);
    clock.flush();
    session.emit({ type: 'usage', usage: { inputTokens: 12, outputTokens: 40 }, model: 'm1' });
    const metrics = harness.framesOf('metrics').map((f) => (f as MetricsFrame).metrics[0]);
    expect(metrics).toEqual([
      { kind: 'ttfb', processor: 's2s', valueMs: 420 },
      { kind: 'usage', processor: 's2s', usage: { inputTokens: 12, outputTokens: 40 }, model: 'm1' },
    ]);
    harness.dispose();
  });

  it('maps server VAD events to user speaking frames, unless a local VAD already reports them', async () => {
    const { session, harness } = await start();
    session.emit({ type: 'speech.started' }, { type: 'speech.stopped' });
    expect(harness.downstream.slice(1).map((f) => f.type)).toEqual(['user.started-speaking', 'user.stopped-speaking']);
    harness.send(makeFrame('user.started-speaking', {}));
    session.emit({ type: 'speech.started' });
    expect(harness.downstream.slice(1).map((f) => f.type)).toEqual(['user.started-speaking', 'user.stopped-speaking', 'user.started-speaking']);
    harness.dispose();
  });

  it('turns go-away, rotation and close into s2s.session frames for applications and observers', async () => {
    const { session, harness } = await start();
    session.emit({ type: 'go-away', timeLeftMs: 30000 }, { type: 'session.rotated', reason: 'go-away' });
    expect(harness.framesOf('s2s.session')).toMatchObject([
      { event: 'go-away', timeLeftMs: 30000, provider: session.provider },
      { event: 'rotated', reason: 'go-away', provider: session.provider },
    ]);
    expect(harness.upstream).toEqual([]);
    session.emit({ type: 'closed', reason: 'service went away' });
    expect(harness.framesOf('s2s.session').pop()).toMatchObject({ event: 'closed', reason: 'service went away' });
    harness.dispose();
  });
});

describe('s2sProcessor: input frames -> session', () => {
  it('sends user and system text to the session and lets assistant text pass', async () => {
    const { session, harness } = await start();
    harness.send(
      makeFrame('text', { text: 'hello', role: 'user' }),
      makeFrame('text', { text: 'be brief', role: 'system' }),
      makeFrame('text', { text: 'shown', role: 'assistant' }),
    );
    expect(session.callsOf('sendText')).toEqual([
      ['hello', { role: 'user' }],
      ['be brief', { role: 'system' }],
    ]);
    expect(harness.framesOf('text').map((f) => f.text)).toEqual(['shown']);
    harness.dispose();
  });

  it('reports text input to a provider without text input as a recoverable error', async () => {
    const { session, harness } = await start({ capabilities: { textInput: false } });
    harness.send(makeFrame('text', { text: 'hello', role: 'user' }));
    expect(session.callsOf('sendText')).toEqual([]);
    const [error] = harness.framesOf('error', 'upstream') as ErrorFrame[];
    expect(error.fatal).toBe(false);
    expect(error.error.code).toBe('unsupported');
    harness.dispose();
  });

  it('commits the user turn on a local VAD stop when the provider has no server VAD', async () => {
    const local = await start({ capabilities: { serverVad: false } });
    local.harness.send(makeFrame('user.started-speaking', {}), makeFrame('user.stopped-speaking', {}));
    expect(local.session.callsOf('commitUserTurn')).toHaveLength(1);
    expect(local.harness.framesOf('user.stopped-speaking')).toHaveLength(1);
    local.harness.dispose();

    const server = await start({ capabilities: { serverVad: true } });
    server.harness.send(makeFrame('user.stopped-speaking', {}));
    expect(server.session.callsOf('commitUserTurn')).toHaveLength(0);
    server.harness.dispose();

    const forced = await start({ capabilities: { serverVad: true } }, { turnTaking: 'local' });
    forced.harness.send(makeFrame('user.stopped-speaking', {}));
    expect(forced.session.callsOf('commitUserTurn')).toHaveLength(1);
    forced.harness.dispose();
  });

  it('closes the session when the pipeline ends', async () => {
    const { session, harness } = await start();
    await harness.end();
    expect(session.closed).toBe(true);
    harness.dispose();
  });
});

describe('s2sProcessor: errors', () => {
  it('a recoverable provider error is reported (frame + onError) and the session keeps going both ways', async () => {
    const errors: unknown[] = [];
    const { session, harness } = await start({}, { hooks: { onError: (e) => void errors.push(e) } });
    session.fail('rate limited for a moment', true);
    await flushMicrotasks();
    const [frame] = harness.framesOf('error', 'upstream') as ErrorFrame[];
    expect(frame.fatal).toBe(false);
    expect(frame.error).toBeInstanceOf(S2SError);
    expect(errors).toHaveLength(1);
    // Audio still flows in and out after it: no resubscription, no silent bot.
    harness.send(makeFrame('audio.input', { samples: tone(480), sampleRate: 24000, channels: 1 }));
    session.emit({ type: 'audio', samples: tone(480), sampleRate: 24000, utteranceId: 'i2' });
    expect(session.audioSamplesReceived).toBe(480);
    expect(harness.framesOf('audio.output')).toHaveLength(1);
    expect(session.closed).toBe(false);
    harness.dispose();
  });

  it('a fatal provider error is a fatal error frame; the close that follows is not reported twice', async () => {
    const { session, harness } = await start();
    session.fail('invalid api key', false);
    await session.close();
    const errors = harness.framesOf('error', 'upstream') as ErrorFrame[];
    expect(errors).toHaveLength(1);
    expect(errors[0].fatal).toBe(true);
    harness.dispose();
  });

  it('an unexpected close is a fatal error frame', async () => {
    const { session, harness } = await start();
    session.emit({ type: 'closed', reason: 'socket hang up' });
    const [error] = harness.framesOf('error', 'upstream') as ErrorFrame[];
    expect(error.fatal).toBe(true);
    expect(error.error).toBeInstanceOf(S2SSessionClosedError);
    expect(error.error.message).toContain('socket hang up');
    harness.dispose();
  });

  it('a throw while handling an event becomes an error frame and later events still arrive', async () => {
    const { session, harness } = await start();
    const poisoned = { type: 'audio', samples: null, sampleRate: 24000 } as unknown as S2SEvent;
    session.emit(poisoned, { type: 'text', text: 'still here' });
    expect(harness.framesOf('error', 'upstream')).toHaveLength(1);
    expect(harness.framesOf('text').map((f) => f.text)).toEqual(['still here']);
    harness.dispose();
  });

  it('a dead provider gives a fatal error frame and the pipeline ends cleanly', async () => {
    const engine = new ScriptedS2S({ startError: new Error('ECONNREFUSED') });
    const errors: unknown[] = [];
    const runner = new PipelineRunner(pipeline(s2sProcessor({ s2s: engine, hooks: { onError: (e) => void errors.push(e) } })), { logger: silentLogger() });
    const events: string[] = [];
    runner.events.subscribe((e) => events.push(e.type === 'error' ? `error:${e.fatal}:${e.error.code}` : e.type));
    const reason = await runner.run();
    expect(reason).toBe('error');
    expect(events).toEqual(['started', 'error:true:start_failed', 'finished']);
    expect(errors[0]).toBeInstanceOf(S2SStartError);
  });

  it('a hook that throws becomes an error frame and does not break the conversation', async () => {
    const hooks: Hooks = {
      onTurn: () => {
        throw new Error('hook bug');
      },
    };
    const { session, harness } = await start({}, { hooks });
    session.emit({ type: 'transcript', role: 'user', text: 'hi', final: true }, { type: 'text', text: 'after' });
    await flushMicrotasks();
    const [error] = harness.framesOf('error', 'upstream') as ErrorFrame[];
    expect(error.error.code).toBe('hook_failed');
    expect(error.fatal).toBe(false);
    expect(harness.framesOf('text')).toHaveLength(1);
    harness.dispose();
  });

  it('aborts a connect still in progress when the pipeline is cancelled, without reporting an error', async () => {
    let signal: AbortSignal | undefined;
    const engine = new ScriptedS2S();
    const hanging = {
      provider: engine.provider,
      capabilities: engine.capabilities,
      audioFormat: engine.audioFormat,
      start: (options?: { signal?: AbortSignal }) =>
        new Promise<never>((_resolve, reject) => {
          signal = options?.signal;
          signal?.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    };
    const harness = new ProcessorHarness(s2sProcessor({ s2s: hanging }));
    void harness.start().catch(() => undefined);
    harness.cancel();
    await flushMicrotasks();
    expect(signal?.aborted).toBe(true);
    expect(harness.framesOf('error', 'upstream')).toEqual([]);
    harness.dispose();
  });

  it('drives a session that was started elsewhere, and closes it at the end', async () => {
    const engine = new ScriptedS2S();
    const session = await engine.start();
    const harness = new ProcessorHarness(s2sProcessor({ session }));
    await harness.start();
    session.emit({ type: 'text', text: 'hello' });
    expect(harness.framesOf('text').map((f) => f.text)).toEqual(['hello']);
    await harness.end();
    expect(session.closed).toBe(true);
    harness.dispose();
  });

  it('rejects options without an engine or session', () => {
    expect(() => s2sProcessor({})).toThrow(/s2s/);
    const engine = new ScriptedS2S();
    expect(() => s2sProcessor({ s2s: engine, turnTaking: 'vad' as 'auto' })).toThrow(/turnTaking/);
  });
});

describe('s2sProcessor: onTurn', () => {
  it('reports the user’s final transcript and, without a playback clock, the assistant turn at its end', async () => {
    const turns: TurnInfo[] = [];
    const { session, harness } = await start({}, { hooks: { onTurn: (t) => void turns.push(t) } });
    session.emit(
      { type: 'transcript', role: 'user', text: 'book a table', final: false },
      { type: 'transcript', role: 'user', text: ' for two', final: false },
      { type: 'transcript', role: 'user', text: '', final: true },
      { type: 'audio', samples: tone(480), sampleRate: 24000, utteranceId: 'i1' },
      { type: 'transcript', role: 'assistant', text: 'Sure, ', final: false, utteranceId: 'i1' },
      { type: 'transcript', role: 'assistant', text: 'for when?', final: false, utteranceId: 'i1' },
      { type: 'turn.end', responseId: 'r1', status: 'completed' },
    );
    await flushMicrotasks();
    expect(turns).toEqual([
      { role: 'user', text: 'book a table for two', status: 'completed' },
      { role: 'assistant', text: 'Sure, for when?', status: 'completed', responseId: 'r1' },
    ]);
    harness.dispose();
  });
});

describe('s2sProcessor: session settings from frames, and start options', () => {
  it('maps settings.update (instructions, tools) to updateSession, only for itself or all', async () => {
    const { session, harness } = await start();
    const tool = { name: 'lookup', parameters: { type: 'object' as const } };
    harness.send(makeFrame('settings.update', { settings: { instructions: 'Be brief.', tools: [tool] } }));
    harness.send(makeFrame('settings.update', { target: 'someone-else', settings: { instructions: 'ignored' } }));
    harness.send(makeFrame('settings.update', { settings: { voice: 'not mine' } }));
    await flushMicrotasks();
    expect(session.callsOf('updateSession')).toEqual([[{ instructions: 'Be brief.', tools: [tool] }]]);
    expect(harness.framesOf('settings.update')).toHaveLength(3); // they pass on for other processors
    harness.dispose();
  });

  it('maps llm.messages (append) to text the model keeps without answering; replace seeds a fresh session', async () => {
    const { engine, session, harness } = await start();
    harness.send(
      makeFrame('llm.messages', {
        mode: 'append',
        messages: [
          { role: 'system', content: 'The caller is a premium customer.' },
          { role: 'user', content: 'My order number is 42.' },
        ],
      }),
    );
    await flushMicrotasks();
    expect(session.callsOf('sendText')).toEqual([
      ['The caller is a premium customer.', { role: 'system', respond: false }],
      ['My order number is 42.', { role: 'user', respond: false }],
    ]);
    harness.send(makeFrame('llm.messages', { mode: 'append', messages: [{ role: 'assistant', content: 'Hello!' }] }));
    await flushMicrotasks();
    expect(harness.framesOf('error', 'upstream')).toMatchObject([{ fatal: false, error: { code: 'unsupported' } }]);
    // A conversation handed over (a service switcher) replaces the session with one seeded from it.
    harness.send(makeFrame('llm.messages', { mode: 'replace', messages: [{ role: 'user', content: 'x' }] }));
    for (let i = 0; i < 5; i++) await flushMicrotasks();
    expect(engine.sessions).toHaveLength(2);
    expect(engine.session.seed).toEqual([{ role: 'user', content: 'x' }]);
    expect(session.closed).toBe(true);
    harness.dispose();
  });

  it('starts the session with the run clock, the registry’s tool definitions and no hooks; G.711 pass-through on request', async () => {
    const engine = new ScriptedS2S({ capabilities: { encodedAudio: ['g711_ulaw'] } });
    const seen: S2SStartOptions[] = [];
    const spy: S2S = { provider: engine.provider, capabilities: engine.capabilities, audioFormat: engine.audioFormat, start: (o) => (seen.push(o ?? {}), engine.start(o)) };
    const clock = new TestScheduler(() => undefined);
    const tool = defineTool({ name: 'lookup', parameters: { type: 'object' }, handler: () => 'ok' });
    const harness = new ProcessorHarness(s2sProcessor({ s2s: spy, tools: [tool], inputEncoding: 'g711_ulaw', hooks: { onTurn: () => undefined } }), { scheduler: clock });
    await harness.start();
    expect(seen[0].scheduler).toBe(clock);
    expect(seen[0].tools).toEqual([{ name: 'lookup', parameters: { type: 'object' } }]);
    expect(seen[0].audioEncoding).toBe('g711_ulaw');
    expect(seen[0].hooks).toBeUndefined();
    harness.dispose();

    const pcmOnly = new ScriptedS2S();
    const seenPcm: S2SStartOptions[] = [];
    const spyPcm: S2S = { provider: pcmOnly.provider, capabilities: pcmOnly.capabilities, audioFormat: pcmOnly.audioFormat, start: (o) => (seenPcm.push(o ?? {}), pcmOnly.start(o)) };
    const other = new ProcessorHarness(s2sProcessor({ s2s: spyPcm, inputEncoding: 'g711_ulaw' }), { scheduler: clock });
    await other.start();
    expect(seenPcm[0].audioEncoding).toBeUndefined();
    other.dispose();
  });
});
