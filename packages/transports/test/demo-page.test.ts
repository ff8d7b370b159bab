/**
 * The demo's own logic, without a browser or a server process: the agent selection (demo/agents/select.ts) and
 * the page's decisions (demo/public/page-state.js).
 */
import { PipelineRunner, pipeline, silentLogger, type FrameNode } from '@voxframe/core';
import { ServiceSwitcher } from '@voxframe/processors';
import { MemoryTransport } from '@voxframe/transports';
import { selectAgent, type AgentChoice } from '../../../demo/agents/select';
import {
  audioConstraints,
  describeFlush,
  initialStatus,
  latencyCells,
  micErrorAdvice,
  microphoneOptions,
  nextStatus,
  statusView,
  transcriptNote,
  type PageStatus,
} from '../../../demo/public/page-state.js';

describe('agent selection (demo/agents/select.ts)', () => {
  // One row per environment the selector distinguishes. A new agent (Gemini, Nova, a cascade) adds its rows here;
  // the invariants below apply to every row.
  const cases: { readonly name: string; readonly env: NodeJS.ProcessEnv; readonly provider: string; readonly description?: RegExp }[] = [
    { name: 'no keys', env: {}, provider: 'echo' },
    { name: 'an empty OpenAI key', env: { OPENAI_API_KEY: '' }, provider: 'echo' },
    { name: 'an OpenAI key', env: { OPENAI_API_KEY: 'sk-test' }, provider: 'openai', description: /^OpenAI Realtime \(switchable: openai, cascade\)$/ },
    { name: 'an OpenAI key in cascade mode', env: { OPENAI_API_KEY: 'sk-test', VOXFRAME_MODE: 'cascade' }, provider: 'cascade', description: /^Cascade/ },
    { name: 'a Gemini key', env: { GEMINI_API_KEY: 'g-test' }, provider: 'gemini', description: /^Gemini Live$/ },
    { name: 'AWS credentials and a region', env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' }, provider: 'nova', description: /Nova Sonic/ },
    { name: 'an OpenAI key and a base URL', env: { OPENAI_API_KEY: 'sk-test', VOXFRAME_OPENAI_BASE_URL: 'ws://127.0.0.1:9/v1' }, provider: 'openai', description: /ws:\/\/127\.0\.0\.1:9\/v1/ },
  ];

  test.each(cases)('$name -> $provider', ({ env, provider, description }) => {
    const choice = selectAgent(env);
    expect(choice.provider).toBe(provider);
    expect(choice.description.trim().length).toBeGreaterThan(10);
    if (description) expect(choice.description).toMatch(description);
  });

  test.each(cases)('$name: build() gives fresh processors each session, composable into a pipeline', async ({ env }) => {
    const choice: AgentChoice = selectAgent(env);
    const a = await choice.build();
    const b = await choice.build();
    expect(a.length).toBeGreaterThan(0);
    for (const node of a) {
      expect(typeof node.receive).toBe('function');
      expect(typeof node.attach).toBe('function');
      expect(b).not.toContain(node); // a processor instance serves one session only
    }
    expect(() => pipeline(...a)).not.toThrow();
  });

  test('with more than one model configured the agent is switchable mid-call: a switcher over every mode, starting in the chosen one', async () => {
    const choice = selectAgent({ OPENAI_API_KEY: 'sk-test', GEMINI_API_KEY: 'g-test' });
    expect(choice.provider).toBe('openai');
    expect(choice.modes).toEqual(['openai', 'cascade', 'gemini']);
    const nodes = await choice.build();
    const switcher = nodes.find((n): n is ServiceSwitcher => n instanceof ServiceSwitcher);
    expect(switcher?.active).toBe('openai');
    expect(switcher?.children).toHaveLength(3);
    // One model only: nothing to switch to.
    expect(selectAgent({ GEMINI_API_KEY: 'g-test' }).modes).toBeUndefined();
  });

  test('the offline agent (no keys) is the default and tells how to get a real model', () => {
    const choice = selectAgent({});
    expect(choice.hint).toMatch(/OPENAI_API_KEY/);
    expect(selectAgent({ OPENAI_API_KEY: 'sk-test' }).hint).toBeUndefined();
  });

  test('the offline agent runs: started and ended through a memory transport', async () => {
    const nodes: FrameNode[] = await selectAgent({}).build();
    const t = new MemoryTransport({ sampleRate: 16000 });
    const runner = new PipelineRunner(pipeline(t.input(), ...nodes, t.output()), { logger: silentLogger(), endTimeoutMs: 3000 });
    const finished = runner.run();
    t.writeAudio(new Int16Array(16000 / 5));
    await runner.end();
    expect(await finished).toBe('ended');
    const types = t.output().frames.map((f) => f.type);
    expect(types[0]).toBe('start');
    expect(types[types.length - 1]).toBe('end');
  });
});

describe('page logic (demo/public/page-state.js)', () => {
  const run = (events: string[]): PageStatus => events.reduce(nextStatus, initialStatus());

  test('the pill keeps saying "you are speaking" when the bot finishes (or is flushed) during a barge-in', () => {
    const events = ['started', 'audio-start', 'user.started-speaking', 'flush', 'played-final'];
    expect(statusView(run(events))).toEqual({ state: 'user', text: 'you are speaking' });
    expect(statusView(run([...events, 'user.stopped-speaking']))).toEqual({ state: 'listening', text: 'listening' });
  });

  test('the pill follows the bot, then listens; Stop makes it idle whatever came before', () => {
    expect(statusView(run(['started']))).toMatchObject({ text: 'listening' });
    expect(statusView(run(['started', 'audio-start']))).toMatchObject({ state: 'bot', text: 'bot is speaking' });
    expect(statusView(run(['started', 'audio-start', 'played-final']))).toMatchObject({ text: 'listening' });
    expect(statusView(run(['started', 'audio-start', 'user.started-speaking', 'stopped']))).toEqual({ state: 'idle', text: 'idle' });
    expect(statusView(run(['audio-start']))).toMatchObject({ state: 'idle' }); // nothing shows before the session started
    expect(run(['started', 'something-else'])).toEqual(run(['started']));
  });

  test('a flush from the Interrupt button is not called a barge-in', () => {
    expect(describeFlush(true)).toMatch(/Interrupt button/);
    expect(describeFlush(true)).not.toMatch(/barge-in/);
    expect(describeFlush(false)).toMatch(/^barge-in/);
  });

  test('echo mode explains the empty transcript; model agents do not', () => {
    expect(transcriptNote({ provider: 'echo' })).toMatch(/no speech recognition/);
    expect(transcriptNote({ provider: 'openai' })).toBeUndefined();
    expect(transcriptNote(undefined)).toBeUndefined();
  });

  test('microphone failures get guidance by error name; unknown ones none', () => {
    expect(micErrorAdvice({ name: 'NotAllowedError' })).toMatch(/permission was denied.*address bar/);
    expect(micErrorAdvice({ name: 'NotFoundError' })).toMatch(/No microphone/);
    expect(micErrorAdvice({ name: 'NotReadableError' })).toMatch(/in use/);
    expect(micErrorAdvice({ name: 'SecurityError' })).toMatch(/https/);
    expect(micErrorAdvice({ name: 'TypeError' })).toBeUndefined();
    expect(micErrorAdvice(undefined)).toBeUndefined();
  });

  test('the microphone picker lists audio inputs only, numbering unnamed ones; the choice becomes a constraint', () => {
    const devices = [
      { kind: 'audioinput', deviceId: 'a', label: 'USB mic' },
      { kind: 'videoinput', deviceId: 'v', label: 'Camera' },
      { kind: 'audioinput', deviceId: 'b', label: '' },
      { kind: 'audiooutput', deviceId: 'o', label: 'Speakers' },
    ];
    expect(microphoneOptions(devices)).toEqual([
      { deviceId: 'a', label: 'USB mic' },
      { deviceId: 'b', label: 'Microphone 2' },
    ]);
    expect(audioConstraints('b')).toEqual({ deviceId: { exact: 'b' } });
    expect(audioConstraints('')).toEqual({});
  });

  test('a latency row shows the turn number and the three durations', () => {
    expect(latencyCells(3, { totalMs: 812, vadMs: 532, responseMs: 280 })).toEqual(['3', '812 ms', '532 ms', '280 ms']);
  });
});
