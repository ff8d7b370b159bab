import { makeFrame, type S2SToolResult, type ToolCallInfo } from '@voxframe/core';
import { ProcessorHarness, ScriptedS2S, createVirtualClock } from '@voxframe/core/testing';
import { s2sProcessor, type S2SProcessorOptions } from '../src/s2s';
import { defineTool, ToolRegistry, type ToolDef } from '../src/tools';

const flushMicrotasks = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

async function start(options: Omit<S2SProcessorOptions, 's2s' | 'session'>) {
  const clock = createVirtualClock();
  const engine = new ScriptedS2S();
  const processor = s2sProcessor({ s2s: engine, ...options });
  const harness = new ProcessorHarness(processor, { scheduler: clock });
  await harness.start();
  const results = (): S2SToolResult[] => engine.session.callsOf('sendToolResult').map(([r]) => r);
  return { engine, session: engine.session, harness, clock, results };
}

const weather = defineTool<{ city: string }>({
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  handler: ({ city }) => ({ city, tempC: 18 }),
});

function hanging(name: string, extra: Partial<ToolDef> = {}): { tool: ToolDef; signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  return {
    signals,
    tool: defineTool({
      name,
      parameters: { type: 'object' },
      handler: (_args, ctx) => {
        signals.push(ctx.signal);
        return new Promise<never>(() => undefined);
      },
      ...extra,
    }),
  };
}

describe('s2sProcessor tools', () => {
  it('runs a tool call: tool.call frame, onToolCall hook, handler, result to the model and a tool.result frame', async () => {
    const calls: ToolCallInfo[] = [];
    const { session, harness, results } = await start({ tools: [weather], hooks: { onToolCall: (c) => void calls.push(c) } });
    session.emit({ type: 'tool.call', callId: 'call_1', name: 'get_weather', arguments: '{"city":"Lima"}' });
    expect(harness.framesOf('tool.call')).toMatchObject([{ callId: 'call_1', name: 'get_weather', arguments: '{"city":"Lima"}' }]);
    expect(calls).toEqual([{ callId: 'call_1', name: 'get_weather', arguments: '{"city":"Lima"}' }]);
    await flushMicrotasks();
    expect(results()).toEqual([{ callId: 'call_1', name: 'get_weather', output: '{"city":"Lima","tempC":18}', isError: false }]);
    const [result] = harness.framesOf('tool.result');
    expect(result).toMatchObject({ callId: 'call_1', output: '{"city":"Lima","tempC":18}', isError: false, uninterruptible: true });
    harness.dispose();
  });

  it('times out a hanging tool and gives the model an error result, while audio keeps flowing', async () => {
    const { tool, signals } = hanging('slow_lookup', { timeoutMs: 2000 });
    const { session, harness, clock, results } = await start({ tools: new ToolRegistry([tool]) });
    session.emit({ type: 'tool.call', callId: 'c1', name: 'slow_lookup', arguments: '{}' });
    await flushMicrotasks();
    // The audio path does not wait for the tool.
    harness.send(makeFrame('audio.input', { samples: new Int16Array(480), sampleRate: 24000, channels: 1 }));
    session.emit({ type: 'audio', samples: new Int16Array(480), sampleRate: 24000, utteranceId: 'i1' });
    expect(session.audioSamplesReceived).toBe(480);
    expect(harness.framesOf('audio.output')).toHaveLength(1);
    clock.advanceTo(1999);
    await flushMicrotasks();
    expect(results()).toEqual([]);
    clock.advanceTo(2000);
    await flushMicrotasks();
    const [result] = results();
    expect(result).toMatchObject({ callId: 'c1', name: 'slow_lookup', isError: true });
    expect(JSON.parse(result.output).error.type).toBe('timeout');
    expect(signals[0].aborted).toBe(true);
    harness.dispose();
  });

  it('answers an unknown tool with an error result the model can read', async () => {
    const { session, harness, results } = await start({ tools: [weather] });
    session.emit({ type: 'tool.call', callId: 'c9', name: 'transfer_funds', arguments: '{}' });
    await flushMicrotasks();
    const [result] = results();
    expect(result.isError).toBe(true);
    expect(JSON.parse(result.output).error).toMatchObject({ type: 'unknown_tool' });
    expect(harness.framesOf('tool.result')[0].isError).toBe(true);
    harness.dispose();
  });

  it('aborts the handler when the provider cancels the call, and sends no result for it', async () => {
    const { tool, signals } = hanging('search');
    const { session, harness, results } = await start({ tools: [tool] });
    session.emit({ type: 'tool.call', callId: 'c2', name: 'search', arguments: '{}' });
    await flushMicrotasks();
    expect(signals[0].aborted).toBe(false);
    session.emit({ type: 'tool.cancelled', callIds: ['c2'] });
    expect(signals[0].aborted).toBe(true);
    await flushMicrotasks();
    expect(results()).toEqual([]);
    expect(harness.framesOf('tool.result')).toMatchObject([{ callId: 'c2', isError: true }]);
    harness.dispose();
  });

  it('on barge-in, aborts only tools marked cancelOnInterruption and tells the model without asking for a reply', async () => {
    const cancellable = hanging('fetch_news', { cancelOnInterruption: true });
    const kept = hanging('book_table');
    const { session, harness, results } = await start({ tools: [cancellable.tool, kept.tool] });
    session.emit(
      { type: 'tool.call', callId: 'n1', name: 'fetch_news', arguments: '{}' },
      { type: 'tool.call', callId: 'b1', name: 'book_table', arguments: '{}' },
    );
    await flushMicrotasks();
    harness.interrupt();
    await flushMicrotasks();
    expect(cancellable.signals[0].aborted).toBe(true);
    expect(kept.signals[0].aborted).toBe(false);
    const [result] = results();
    expect(result).toMatchObject({ callId: 'n1', isError: true, respond: false });
    expect(JSON.parse(result.output).error.type).toBe('cancelled');
    harness.dispose();
  });

  it('leaves unknown tools to the application with unknownTools: external, forwarding its tool.result frame', async () => {
    const { session, harness, results } = await start({ unknownTools: 'external' });
    session.emit({ type: 'tool.call', callId: 'x1', name: 'crm_lookup', arguments: '{"id":7}' });
    await flushMicrotasks();
    expect(results()).toEqual([]);
    harness.sendUpstream(makeFrame('tool.result', { callId: 'x1', name: 'crm_lookup', output: '{"name":"Ada"}', isError: false }));
    expect(results()).toEqual([{ callId: 'x1', name: 'crm_lookup', output: '{"name":"Ada"}', isError: false }]);
    harness.dispose();
  });

  it('aborts calls still running when the pipeline ends', async () => {
    const { tool, signals } = hanging('long_job');
    const { session, harness, results } = await start({ tools: [tool] });
    session.emit({ type: 'tool.call', callId: 'l1', name: 'long_job', arguments: '{}' });
    await flushMicrotasks();
    await harness.end();
    expect(signals[0].aborted).toBe(true);
    await flushMicrotasks();
    expect(results()).toEqual([]);
    harness.dispose();
  });
});
