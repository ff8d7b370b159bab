import type { ToolDefinition } from '@voxframe/core';
import { concatSamples, scriptedReplies, silence, speechLike, type RealtimeEmulator, type ScriptContext } from '@voxframe/s2s-openai/testing';
import { engineFor, sendFrames, startEmulator, startSession, until } from './support/harness';

const tools: ToolDefinition[] = [
  { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  { name: 'get_time', parameters: { type: 'object', properties: {} } },
];

describe('tool calls', () => {
  let emulator: RealtimeEmulator;

  beforeEach(async () => {
    emulator = await startEmulator();
  });

  afterEach(async () => {
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  it('round trip: arguments when done, function_call_output, then one response.create', async () => {
    const contexts: ScriptContext[] = [];
    emulator.script = scriptedReplies(
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
      (ctx) => {
        contexts.push(ctx);
        return { say: `It is ${String((JSON.parse(ctx.toolOutputs[0].output) as { temp: number }).temp)} degrees.` };
      },
    );
    const { session, log } = await startSession(engineFor(emulator, {}, { tools }));
    expect(emulator.session.eventsOfType('session.update')[0]).toMatchObject({
      session: { tools: [{ type: 'function', name: 'get_weather', description: 'Weather in a city' }, { type: 'function', name: 'get_time' }], tool_choice: 'auto' },
    });
    session.sendText('What is the weather in Paris?');
    const call = await log.waitFor('tool.call');
    expect(call.name).toBe('get_weather');
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    await log.waitFor('turn.end');
    session.sendToolResult({ callId: call.callId, name: call.name, output: JSON.stringify({ temp: 21 }) });
    await log.waitFor('turn.end', () => true, { from: log.events.findIndex((e) => e.type === 'turn.end') + 1 });
    expect(log.ofType('transcript').filter((t) => t.final).map((t) => t.text)).toEqual(['It is 21 degrees.']);
    const types = emulator.session.received.map((r) => r.type).filter((t) => t.startsWith('conversation') || t.startsWith('response'));
    expect(types).toEqual(['conversation.item.create', 'response.create', 'conversation.item.create', 'response.create']);
    expect(emulator.session.eventsOfType('conversation.item.create')[1]).toMatchObject({ item: { type: 'function_call_output', call_id: call.callId } });
    expect(contexts[0].toolOutputs).toEqual([{ callId: call.callId, output: '{"temp":21}' }]);
    await session.close();
  });

  it('two calls in one response: responds once, after both results', async () => {
    emulator.script = scriptedReplies(
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }, { name: 'get_time', arguments: {} }] },
      (ctx) => ({ say: `Got ${ctx.toolOutputs.length} results.` }),
    );
    const { session, log } = await startSession(engineFor(emulator, {}, { tools }));
    session.sendText('Weather and time in Oslo?');
    await log.waitFor('turn.end');
    const calls = log.ofType('tool.call');
    expect(calls.map((c) => c.name)).toEqual(['get_weather', 'get_time']);
    session.sendToolResult({ callId: calls[1].callId, name: calls[1].name, output: '"12:00"' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emulator.session.eventsOfType('response.create')).toHaveLength(1); // only the text turn's
    session.sendToolResult({ callId: calls[0].callId, name: calls[0].name, output: '{"temp":3}' });
    await until(() => emulator.session.responses.length === 2, 5000, 'second response');
    await log.waitFor('transcript', (t) => t.final && t.text === 'Got 2 results.');
    expect(emulator.session.eventsOfType('response.create')).toHaveLength(2);
    await session.close();
  });

  it('a tool result that arrives while another response is active waits for it (no conflict error)', async () => {
    emulator = await restartWithPacing(emulator);
    emulator.script = scriptedReplies(
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }] },
      { say: 'Meanwhile, let me say something rather long while your tool runs.', audioMs: 1500 },
      (ctx) => ({ say: `Rome: ${ctx.toolOutputs[0]?.output ?? 'nothing'}` }),
    );
    const { session, log } = await startSession(engineFor(emulator, {}, { tools }));
    session.sendText('Weather in Rome?');
    const call = await log.waitFor('tool.call');
    await log.waitFor('turn.end');
    // The user speaks while the tool runs: server VAD starts a new response on its own.
    await sendFrames(session, concatSamples(speechLike(400), silence(700)));
    await until(() => emulator.session.activeResponse !== undefined, 5000, 'server-VAD response');
    session.sendToolResult({ callId: call.callId, name: call.name, output: '"sunny"' });
    await log.waitFor('transcript', (t) => t.final && t.text === 'Rome: "sunny"', { timeoutMs: 8000 });
    expect(emulator.session.errors).toEqual([]);
    expect(emulator.session.eventsOfType('response.create')).toHaveLength(2);
    expect(log.ofType('error')).toEqual([]);
    await session.close();
  });

  it('a tool result after a barge-in (truncated preamble, new user turn) still gets its response', async () => {
    emulator = await restartWithPacing(emulator);
    emulator.script = scriptedReplies(
      { say: 'Let me check the weather in Lima for you.', audioMs: 1500, toolCalls: [{ name: 'get_weather', arguments: { city: 'Lima' } }] },
      { say: 'Sure, go on, I am listening to you.', audioMs: 1500 },
      (ctx) => ({ say: `Lima: ${ctx.toolOutputs[0]?.output ?? 'nothing'}` }),
    );
    const { session, log } = await startSession(engineFor(emulator, {}, { tools }));
    session.sendText('Weather in Lima?');
    const call = await log.waitFor('tool.call');
    await log.waitFor('turn.end');
    // The preamble is still playing locally when the user barges in: truncate it (no response is active).
    session.interrupt({ playedMs: 300 });
    await sendFrames(session, concatSamples(speechLike(400), silence(700)));
    await until(() => emulator.session.activeResponse !== undefined, 5000, 'server-VAD response');
    session.sendToolResult({ callId: call.callId, name: call.name, output: '"misty"' });
    await log.waitFor('transcript', (t) => t.final && t.text === 'Lima: "misty"', { timeoutMs: 8000 });
    const server = emulator.session;
    expect(server.eventsOfType('response.cancel')).toEqual([]);
    expect(server.truncations).toEqual([{ itemId: log.ofType('audio')[0].utteranceId, audioEndMs: 300 }]);
    expect(server.errors).toEqual([]);
    expect(server.responses.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    await session.close();
  });

  it('updates tools mid-session and forces a tool by name', async () => {
    const { session } = await startSession(engineFor(emulator, { tool_choice: 'get_time' }, { tools }));
    expect(emulator.session.eventsOfType('session.update')[0]).toMatchObject({ session: { tool_choice: { type: 'function', name: 'get_time' } } });
    session.updateTools([tools[0]]);
    await until(() => emulator.session.config.tools.length === 1, 5000, 'tools updated');
    expect(emulator.session.config.tools[0]).toMatchObject({ type: 'function', name: 'get_weather' });
    await session.close();
  });
});

/** A fresh emulator streaming 100 ms of audio every 20 ms, so a response stays active long enough to overlap. */
async function restartWithPacing(previous: RealtimeEmulator): Promise<RealtimeEmulator> {
  await previous.close();
  return startEmulator({ deltaIntervalMs: 20 });
}
