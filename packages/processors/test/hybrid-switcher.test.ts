import { FrameProcessor, S2SError, makeFrame, type Frame, type FrameDirection, type LlmMessage, type StartFrame } from '@voxframe/core';
import { ProcessorHarness, ScriptedS2S } from '@voxframe/core/testing';
import { ServiceSwitchFrame, ServiceSwitchedFrame, s2sProcessor, serviceSwitcher } from '../src';

/** A stand-in model: answers user text with `<name>: <text>`, counts audio, records what it was seeded with. */
class Bot extends FrameProcessor {
  starts = 0;
  audioSamples = 0;
  seeds: (readonly LlmMessage[])[] = [];
  interruptions = 0;
  ends = 0;
  readonly said: string[] = [];
  constructor(readonly botName: string) {
    super({ name: botName });
  }
  protected override onStart(frame: StartFrame): void {
    void frame;
    this.starts += 1;
  }
  protected override onEnd(): void {
    this.ends += 1;
  }
  protected override onInterruption(): void {
    this.interruptions += 1;
  }
  protected override process(frame: Frame, direction: FrameDirection): void {
    if (frame.type === 'text' && frame.role === 'user') {
      this.said.push(frame.text);
      this.push(makeFrame('text', { text: `${this.botName}: ${frame.text}`, role: 'assistant' }));
      return;
    }
    if (frame.type === 'audio.input') {
      this.audioSamples += frame.samples.length;
      return;
    }
    if (frame.type === 'llm.messages') {
      this.seeds.push(frame.messages);
      return;
    }
    this.push(frame, direction);
  }
  heard(text: string): void {
    this.push(makeFrame('transcript', { role: 'user', text, final: true }));
  }
  die(): void {
    this.pushError(new S2SError(this.botName, 'connection_lost', 'gone for good', { recoverable: false }), true);
  }
}

const audio = (n: number) => makeFrame('audio.input', { samples: new Int16Array(n).fill(100), sampleRate: 16000, channels: 1 });
const userText = (text: string) => makeFrame('text', { text, role: 'user' });
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};
const assistantTexts = (harness: ProcessorHarness) => harness.framesOf('text').filter((f) => f.role === 'assistant').map((f) => f.text);

describe('serviceSwitcher', () => {
  it('sends frames to the active branch only, starts a standby branch when it is first used, and hands it the conversation', async () => {
    const a = new Bot('a');
    const b = new Bot('b');
    const history: LlmMessage[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'a: hi' },
    ];
    const switcher = serviceSwitcher([
      { name: 'a', node: a, conversation: () => history },
      { name: 'b', node: b },
    ]);
    const harness = new ProcessorHarness(switcher);
    await harness.start();
    expect([a.starts, b.starts]).toEqual([1, 0]);
    harness.send(userText('hi'), audio(320));
    await settle();
    expect(assistantTexts(harness)).toEqual(['a: hi']);
    expect([a.audioSamples, b.audioSamples]).toEqual([320, 0]);

    harness.sendUpstream(ServiceSwitchFrame.create({ target: 'b' }));
    harness.send(userText('and now?'));
    await settle();
    expect(switcher.active).toBe('b');
    expect(b.starts).toBe(1);
    expect(b.seeds).toEqual([history]);
    expect(a.interruptions).toBe(1); // whatever a was saying stops
    expect(b.audioSamples).toBe(0); // a manual switch replays nothing: a heard it all
    expect(assistantTexts(harness)).toEqual(['a: hi', 'b: and now?']);
    expect(harness.downstream.filter((f) => ServiceSwitchedFrame.is(f)).map((f) => [f.from, f.to, f.reason, f.failover])).toEqual([
      ['a', 'b', 'manual', false],
    ]);

    // And back: a is still started, so it is not started twice.
    switcher.switchTo('a');
    harness.send(userText('back'));
    await settle();
    expect(a.starts).toBe(1);
    expect(assistantTexts(harness)).toEqual(['a: hi', 'b: and now?', 'a: back']);
    await harness.end();
    expect([a.ends, b.ends]).toEqual([1, 1]);
    expect(harness.downstream.filter((f) => f.type === 'end')).toHaveLength(1);
    harness.dispose();
  });

  it('fails over on a fatal error: the error goes on as non-fatal, the backup gets the user’s unheard audio', async () => {
    const a = new Bot('a');
    const b = new Bot('b');
    const switcher = serviceSwitcher([
      { name: 'a', node: a },
      { name: 'b', node: b },
    ]);
    const harness = new ProcessorHarness(switcher);
    await harness.start();
    harness.send(audio(1600));
    // a heard the user up to here (its final transcript came out) ...
    a.heard('hello');
    // ... then the user goes on, and a dies before showing it heard any of this.
    harness.send(audio(320), audio(320));
    await settle();
    a.die();
    await settle();
    expect(switcher.active).toBe('b');
    expect(b.audioSamples).toBe(640);
    const errors = harness.framesOf('error', 'upstream');
    expect(errors.map((e) => [e.error.code, e.fatal])).toEqual([['connection_lost', false]]);
    const switched = harness.downstream.filter((f) => ServiceSwitchedFrame.is(f));
    expect(switched).toEqual([expect.objectContaining({ from: 'a', to: 'b', failover: true, replayedMs: 40 })]);
    harness.send(userText('still there?'));
    await settle();
    expect(assistantTexts(harness)).toEqual(['b: still there?']);
    harness.dispose();
  });

  it('lets the error stay fatal when no branch is left, and rejects an unknown target with a typed error', async () => {
    const a = new Bot('a');
    const harness = new ProcessorHarness(serviceSwitcher([{ name: 'a', node: a }]));
    await harness.start();
    harness.sendUpstream(ServiceSwitchFrame.create({ target: 'nope' }));
    a.die();
    await settle();
    expect(harness.framesOf('error', 'upstream').map((e) => [e.error.code, e.fatal])).toEqual([
      ['usage', false],
      ['connection_lost', true],
    ]);
    harness.dispose();
  });

  it('fails over from a dying S2S provider to a cascade-shaped branch seeded with the S2S conversation', async () => {
    const engine = new ScriptedS2S({ provider: 'primary' });
    const s2s = s2sProcessor({ s2s: engine });
    const cascade = new Bot('cascade');
    const switcher = serviceSwitcher([
      { name: 's2s', node: s2s, conversation: () => s2s.session?.conversation ?? [] },
      { name: 'cascade', node: cascade },
    ]);
    const harness = new ProcessorHarness(switcher);
    await harness.start();
    const said: LlmMessage[] = [
      { role: 'user', content: 'book a table' },
      { role: 'assistant', content: 'For how many?' },
    ];
    engine.session.remember(...said);
    harness.send(audio(320));
    await settle();
    engine.session.fail('the connection was lost and 3 reconnect attempt(s) failed.', false, 'connection_lost');
    await settle();
    expect(switcher.active).toBe('cascade');
    expect(cascade.seeds).toEqual([said]);
    expect(cascade.audioSamples).toBe(320);
    expect(harness.framesOf('error', 'upstream').every((e) => !e.fatal)).toBe(true);
    expect(harness.downstream.filter((f) => f.type === 'end')).toEqual([]);
    harness.dispose();
  });

  it('an S2S branch handed a conversation (llm.messages replace) re-seeds its session with it; audio meanwhile goes to the seeded session', async () => {
    const engine = new ScriptedS2S({ provider: 'backup', ignore: ['sendAudio'] });
    const s2s = s2sProcessor({ s2s: engine });
    const harness = new ProcessorHarness(s2s);
    await harness.start();
    expect(engine.sessions).toHaveLength(1);
    const said: LlmMessage[] = [
      { role: 'user', content: 'book a table' },
      { role: 'assistant', content: 'For how many?' },
    ];
    harness.send(makeFrame('llm.messages', { messages: said, mode: 'replace' }));
    harness.send(makeFrame('audio.input', { samples: new Int16Array(480).fill(100), sampleRate: 24000, channels: 1 }));
    await settle();
    expect(engine.sessions).toHaveLength(2);
    expect(engine.sessions[1].seed).toEqual(said);
    expect(engine.sessions[0].closed).toBe(true);
    const audioCalls = (session: (typeof engine.sessions)[number]) => session.calls.filter((c) => c.method === 'sendAudio').length;
    expect(audioCalls(engine.sessions[0])).toBe(0);
    expect(audioCalls(engine.sessions[1])).toBeGreaterThan(0);
    expect(s2s.session).toBe(engine.sessions[1]);
    // Events of the fresh session reach the pipeline.
    engine.session.emit({ type: 'text', text: 'Four people?' });
    await settle();
    expect(harness.framesOf('text').some((f) => f.role === 'assistant' && f.text.includes('Four people?'))).toBe(true);
    harness.dispose();
  });
});
