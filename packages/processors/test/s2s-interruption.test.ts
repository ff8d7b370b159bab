import { makeFrame, pipeline, type Frame, type InterruptOptions, type OutputAudioFrame, type TurnInfo } from '@voxframe/core';
import { ProcessorHarness, ScriptedS2S, type ScriptedS2SOptions, createVirtualClock } from '@voxframe/core/testing';
import { outputPacer } from '../src/pacer';
import { s2sProcessor, type S2SProcessor, type S2SProcessorOptions } from '../src/s2s';
import { defineTool } from '../src/tools';

const flushMicrotasks = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** s2sProcessor -> outputPacer in one pipeline on a virtual clock: what an output transport would receive. */
async function startAgent(options: Omit<S2SProcessorOptions, 's2s' | 'session'> = {}, scripted: ScriptedS2SOptions = {}) {
  const clock = createVirtualClock();
  const engine = new ScriptedS2S(scripted);
  const s2s = s2sProcessor({ s2s: engine, ...options });
  const agent = pipeline(s2s, outputPacer());
  const out: { atMs: number; frame: Frame }[] = [];
  agent.downstream.subscribe((frame) => out.push({ atMs: clock.now(), frame }));
  const harness = new ProcessorHarness(agent, { scheduler: clock });
  await harness.start();
  const session = engine.session;
  const played = () => out.filter((o) => o.frame.type === 'audio.output') as { atMs: number; frame: OutputAudioFrame }[];
  const interrupts = () => session.callsOf('interrupt').map(([o]) => o as InterruptOptions);
  /** Provider sends `ms` of 24 kHz audio for `utteranceId`, in 100 ms pieces (faster than real time, as they do). */
  const speak = (utteranceId: string, ms: number) => {
    for (let t = 0; t < ms; t += 100) session.emit({ type: 'audio', samples: new Int16Array(2400).fill(1000), sampleRate: 24000, utteranceId });
  };
  return { clock, engine, session, s2s: s2s as S2SProcessor, harness, out, played, interrupts, speak };
}

const releasedMs = (frames: readonly { frame: OutputAudioFrame }[]) =>
  frames.reduce((ms, f) => ms + (f.frame.samples.length / f.frame.sampleRate) * 1000, 0);

describe('barge-in end to end: s2sProcessor -> outputPacer', () => {
  it('drops queued output at once and truncates the model at what the pacer says was heard', async () => {
    const { clock, session, s2s, harness, played, interrupts, speak } = await startAgent();
    session.emit({ type: 'response.started', responseId: 'r1' });
    speak('item_1', 2000);
    clock.advanceTo(250);
    const releasedBefore = releasedMs(played());
    harness.interrupt();
    // Within the same tick: the provider was told how much the user heard.
    const [options] = interrupts();
    expect(options.utteranceId).toBe('item_1');
    // Released minus the 60 ms lead still at the far end, within one chunk.
    expect(Math.abs((options.playedMs as number) - (releasedBefore - 60))).toBeLessThanOrEqual(20);
    expect(options.playedMs).toBe(250);
    // Nothing more reaches the transport, even as the provider keeps sending the interrupted utterance.
    const count = played().length;
    speak('item_1', 500);
    clock.advanceTo(3000);
    expect(played()).toHaveLength(count);
    expect(s2s.droppedStaleAudioEvents).toBe(5);
    harness.dispose();
  });

  it('reports the assistant turn cut to what was heard, and the hooks fire in order', async () => {
    const order: string[] = [];
    const turns: TurnInfo[] = [];
    const hooks = {
      onTurn: (t: TurnInfo) => {
        order.push(`onTurn:${t.role}`);
        turns.push(t);
      },
      onInterrupt: () => void order.push('onInterrupt'),
      onToolCall: () => void order.push('onToolCall'),
      onError: () => void order.push('onError'),
    };
    const lookup = defineTool({ name: 'lookup', parameters: { type: 'object' }, handler: () => 'ok' });
    const { clock, session, harness, speak } = await startAgent({ hooks, tools: [lookup] });
    session.emit({ type: 'transcript', role: 'user', text: 'tell me a story', final: true });
    session.emit({ type: 'response.started', responseId: 'r1' });
    speak('item_1', 1000);
    session.emit({ type: 'transcript', role: 'assistant', text: 'one two three four five six seven eight nine ten', final: false, utteranceId: 'item_1' });
    clock.advanceTo(500);
    harness.interrupt();
    // The provider ends the interrupted response; late transcript text of the unheard part is ignored.
    session.emit({ type: 'transcript', role: 'assistant', text: ' eleven twelve', final: false, utteranceId: 'item_1' });
    session.emit({ type: 'turn.end', responseId: 'r1', status: 'cancelled' });
    session.emit({ type: 'tool.call', callId: 'c1', name: 'lookup', arguments: '{}' });
    session.fail('transient', true);
    await flushMicrotasks();
    expect(order).toEqual(['onTurn:user', 'onInterrupt', 'onTurn:assistant', 'onToolCall', 'onError']);
    // 500 of 1000 ms heard: the first half of the transcript, cut back to a whole word.
    expect(turns[1]).toEqual({ role: 'assistant', text: 'one two three four five', status: 'interrupted', responseId: 'r1' });
    expect(harness.framesOf('turn.end')).toMatchObject([{ role: 'assistant', status: 'interrupted' }]);
    harness.dispose();
  });

  it('waits for playback before reporting a turn the provider finished early, and cuts it if the user barges in', async () => {
    const turns: TurnInfo[] = [];
    const { clock, session, harness, speak, interrupts } = await startAgent({ hooks: { onTurn: (t) => void turns.push(t) } });
    session.emit({ type: 'response.started', responseId: 'r1' });
    speak('item_1', 1000);
    session.emit({ type: 'transcript', role: 'assistant', text: 'alpha beta gamma delta', final: true, utteranceId: 'item_1' });
    session.emit({ type: 'turn.end', responseId: 'r1', status: 'completed' });
    await flushMicrotasks();
    // Generated in full, but nobody heard it yet.
    expect(turns).toEqual([]);
    clock.advanceTo(500);
    harness.interrupt();
    await flushMicrotasks();
    // The response was over at the provider, yet the user only heard half: the model is still truncated.
    expect(interrupts()).toEqual([{ playedMs: 500, utteranceId: 'item_1' }]);
    expect(turns).toEqual([{ role: 'assistant', text: 'alpha beta', status: 'interrupted', responseId: 'r1' }]);
    harness.dispose();
  });

  it('reports a turn heard in full once its audio finished playing', async () => {
    const turns: TurnInfo[] = [];
    const { clock, session, harness, speak } = await startAgent({ hooks: { onTurn: (t) => void turns.push(t) } });
    session.emit({ type: 'response.started', responseId: 'r1' });
    speak('item_1', 400);
    session.emit({ type: 'transcript', role: 'assistant', text: 'all of it', final: true, utteranceId: 'item_1' });
    session.emit({ type: 'turn.end', responseId: 'r1', status: 'completed' });
    clock.advanceTo(399);
    await flushMicrotasks();
    expect(turns).toEqual([]);
    clock.advanceTo(400);
    await flushMicrotasks();
    expect(turns).toEqual([{ role: 'assistant', text: 'all of it', status: 'completed', responseId: 'r1' }]);
    harness.dispose();
  });

  it('barges in on the provider’s server VAD while the bot speaks, and does not interrupt twice when a local VAD follows', async () => {
    const { clock, session, harness, played, interrupts, speak, out } = await startAgent();
    session.emit({ type: 'response.started', responseId: 'r1' });
    speak('item_1', 1000);
    clock.advanceTo(300);
    const count = played().length;
    session.emit({ type: 'speech.started' });
    expect(interrupts()).toEqual([{ playedMs: 300, utteranceId: 'item_1' }]);
    expect(out.map((o) => o.frame.type)).toContain('interruption.start');
    expect(out.map((o) => o.frame.type)).toContain('user.started-speaking');
    // The local VAD's interruption arrives a moment later: already handled.
    clock.advanceTo(350);
    harness.interrupt();
    expect(interrupts()).toHaveLength(1);
    clock.advanceTo(2000);
    expect(played()).toHaveLength(count);
    harness.dispose();
  });

  it('does not barge in on server VAD when the bot is silent or interruptions are off', async () => {
    const idle = await startAgent();
    idle.session.emit({ type: 'speech.started' });
    expect(idle.interrupts()).toEqual([]);
    expect(idle.out.map((o) => o.frame.type)).not.toContain('interruption.start');
    idle.harness.dispose();

    const clock = createVirtualClock();
    const engine = new ScriptedS2S();
    const agent = pipeline(s2sProcessor({ s2s: engine }), outputPacer());
    const harness = new ProcessorHarness(agent, { scheduler: clock });
    await harness.start({ allowInterruptions: false });
    engine.session.emit({ type: 'audio', samples: new Int16Array(4800), sampleRate: 24000, utteranceId: 'i1' });
    clock.advanceTo(50);
    engine.session.emit({ type: 'speech.started' });
    expect(engine.session.callsOf('interrupt')).toEqual([]);
    harness.dispose();
  });

  it('does not interrupt the session when nothing is playing or being generated', async () => {
    const { harness, interrupts } = await startAgent();
    harness.interrupt();
    expect(interrupts()).toEqual([]);
    harness.dispose();
  });

  it('resumes normally with the next response after an interruption', async () => {
    const { clock, session, harness, played, speak } = await startAgent();
    session.emit({ type: 'response.started', responseId: 'r1' });
    speak('item_1', 1000);
    clock.advanceTo(100);
    harness.interrupt();
    session.emit({ type: 'turn.end', responseId: 'r1', status: 'cancelled' });
    session.emit({ type: 'response.started', responseId: 'r2' });
    speak('item_2', 200);
    clock.advanceTo(1000);
    expect(played().filter((p) => p.frame.utteranceId === 'item_2')).toHaveLength(10);
    harness.dispose();
  });

  it('sends the interruption with no playedMs when there is no playback clock downstream', async () => {
    const engine = new ScriptedS2S();
    const harness = new ProcessorHarness(s2sProcessor({ s2s: engine }));
    await harness.start();
    engine.session.emit({ type: 'response.started' }, { type: 'audio', samples: new Int16Array(480), sampleRate: 24000, utteranceId: 'i1' });
    harness.interrupt();
    expect(engine.session.callsOf('interrupt')).toEqual([[{ utteranceId: 'i1' }]]);
    harness.dispose();
  });

  it('lets a user.started-speaking pass and keeps the pacer’s speaking reports flowing upstream', async () => {
    const { clock, harness, speak } = await startAgent();
    speak('item_1', 100);
    clock.advanceTo(200);
    harness.send(makeFrame('user.started-speaking', {}));
    expect(harness.framesOf('user.started-speaking')).toHaveLength(1);
    expect(harness.framesOf('bot.started-speaking', 'upstream')).toHaveLength(1);
    expect(harness.framesOf('bot.stopped-speaking', 'upstream')).toHaveLength(1);
    harness.dispose();
  });
});

describe('barge-in names what was heard (one truth for frames, hooks and the model)', () => {
  it('names the utterance the pacer is playing and its played time; utterances queued behind it are unplayed', async () => {
    const { clock, session, harness, speak, interrupts } = await startAgent();
    session.emit({ type: 'response.started', responseId: 'r1' });
    speak('item_1', 1000); // a preamble ...
    speak('item_2', 500); // ... and the follow-up, already queued behind it
    clock.advanceTo(500);
    harness.interrupt();
    expect(interrupts()).toEqual([{ utteranceId: 'item_1', playedMs: 500, unplayedUtteranceIds: ['item_2'] }]);
    harness.dispose();
  });

  it('a reply generated in full before the barge-in ends with one turn.end (interrupted) after the flush and the heard text', async () => {
    const turns: TurnInfo[] = [];
    const { clock, session, harness, speak, out } = await startAgent({ hooks: { onTurn: (t) => void turns.push(t) } });
    session.emit({ type: 'response.started', responseId: 'r1' });
    speak('item_1', 1000);
    session.emit({ type: 'transcript', role: 'assistant', text: 'alpha beta gamma delta', final: true, utteranceId: 'item_1' });
    session.emit({ type: 'turn.end', responseId: 'r1', status: 'completed' });
    clock.advanceTo(500);
    harness.interrupt();
    await flushMicrotasks();
    const types = out.map((o) => o.frame.type);
    const ends = out.filter((o) => o.frame.type === 'turn.end').map((o) => o.frame);
    expect(ends).toMatchObject([{ role: 'assistant', status: 'interrupted', utteranceId: 'item_1' }]);
    expect(types.indexOf('turn.end')).toBeGreaterThan(types.indexOf('interruption.start'));
    const finals = out.filter((o) => o.frame.type === 'transcript' && (o.frame as { final: boolean }).final).map((o) => o.frame);
    expect(finals.pop()).toMatchObject({ role: 'assistant', text: 'alpha beta', final: true, itemId: 'item_1' });
    expect(out.filter((o) => o.frame.type === 'response.ended').map((o) => o.frame)).toMatchObject([{ status: 'interrupted', responseId: 'r1' }]);
    // Frames and hook agree.
    expect(turns).toEqual([{ role: 'assistant', text: 'alpha beta', status: 'interrupted', responseId: 'r1' }]);
    harness.dispose();
  });

  it('a reply cut while generating gets a final transcript of the heard text before its turn.end', async () => {
    const { clock, session, harness, speak, out } = await startAgent();
    session.emit({ type: 'response.started', responseId: 'r1' });
    speak('item_1', 1000);
    session.emit({ type: 'transcript', role: 'assistant', text: 'one two three four five six seven eight nine ten', final: false, utteranceId: 'item_1' });
    clock.advanceTo(500);
    harness.interrupt();
    session.emit({ type: 'turn.end', responseId: 'r1', status: 'cancelled' });
    clock.advanceTo(600);
    const tail = out.filter((o) => o.frame.type === 'transcript' || o.frame.type === 'turn.end').map((o) => o.frame);
    expect(tail.slice(-2)).toMatchObject([
      { type: 'transcript', role: 'assistant', text: 'one two three four five', final: true, itemId: 'item_1' },
      { type: 'turn.end', status: 'interrupted' },
    ]);
    harness.dispose();
  });

  it('server VAD hearing the user before the first audio of a response leaves it to the provider (no barge-in)', async () => {
    const { session, interrupts, out, harness } = await startAgent();
    session.emit({ type: 'response.started', responseId: 'r1' });
    session.emit({ type: 'speech.started' });
    expect(interrupts()).toEqual([]);
    expect(out.map((o) => o.frame.type)).not.toContain('interruption.start');
    harness.dispose();
  });
});
