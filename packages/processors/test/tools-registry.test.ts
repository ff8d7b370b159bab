import { createVirtualClock } from '@voxframe/core/testing';
import {
  defineTool,
  ToolCancelledError,
  ToolDefinitionError,
  ToolRegistry,
  ToolTimeoutError,
  type ToolContext,
  type ToolDef,
} from '../src/tools';

const flushMicrotasks = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

const cityParameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } as const;

function weatherTool(overrides: Partial<ToolDef<{ city: string }>> = {}): ToolDef<{ city: string }> {
  return defineTool<{ city: string }>({
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: cityParameters,
    handler: ({ city }) => ({ city, tempC: 21 }),
    ...overrides,
  });
}

describe('ToolRegistry.execute', () => {
  it('parses the arguments, runs the handler and sends its result as JSON text', async () => {
    const seen: unknown[] = [];
    const registry = new ToolRegistry([
      weatherTool({
        handler: (args, ctx) => {
          seen.push(args, ctx.callId, ctx.signal.aborted);
          return { city: args.city, tempC: 21 };
        },
      }),
    ]);
    const outcome = await registry.execute({ callId: 'c1', name: 'get_weather', arguments: '{"city":"Oslo"}' });
    expect(outcome).toMatchObject({ callId: 'c1', name: 'get_weather', status: 'ok', isError: false, output: '{"city":"Oslo","tempC":21}' });
    expect(seen).toEqual([{ city: 'Oslo' }, 'c1', false]);
  });

  it('sends a string result as it is and undefined as {"ok":true}', async () => {
    const registry = new ToolRegistry([
      defineTool({ name: 'say', parameters: { type: 'object' }, handler: () => 'plain words' }),
      defineTool({ name: 'noop', parameters: { type: 'object' }, handler: () => undefined }),
    ]);
    expect((await registry.execute({ callId: 'a', name: 'say', arguments: '' })).output).toBe('plain words');
    expect((await registry.execute({ callId: 'b', name: 'noop', arguments: '{}' })).output).toBe('{"ok":true}');
  });

  it('answers an unknown tool with a model-visible error result', async () => {
    const registry = new ToolRegistry([weatherTool()]);
    const outcome = await registry.execute({ callId: 'c2', name: 'launch_rocket', arguments: '{}' });
    expect(outcome.status).toBe('unknown_tool');
    expect(outcome.isError).toBe(true);
    const parsed = JSON.parse(outcome.output) as { error: { type: string; message: string } };
    expect(parsed.error.type).toBe('unknown_tool');
    expect(parsed.error.message).toContain("'launch_rocket'");
    expect(parsed.error.message).toContain('get_weather');
  });

  it.each([
    ['not JSON', '{city: Oslo', 'not valid JSON'],
    ['an array', '["Oslo"]', 'an array'],
    ['missing a required key', '{"town":"Oslo"}', 'city'],
  ])('rejects arguments that are %s without running the handler', async (_label, text, message) => {
    const handler = jest.fn();
    const registry = new ToolRegistry([weatherTool({ handler })]);
    const outcome = await registry.execute({ callId: 'c3', name: 'get_weather', arguments: text });
    expect(outcome.status).toBe('invalid_arguments');
    expect(outcome.isError).toBe(true);
    expect(JSON.parse(outcome.output).error.message).toContain(message);
    expect(handler).not.toHaveBeenCalled();
  });

  it("applies the tool's own validate, and reports its throw as invalid arguments", async () => {
    const registry = new ToolRegistry([
      weatherTool({
        validate: (args) => {
          if (typeof args.city !== 'string' || args.city.length === 0) throw new Error('city must be a non-empty string');
          return { city: args.city.toUpperCase() };
        },
        handler: ({ city }) => city,
      }),
    ]);
    expect((await registry.execute({ callId: 'a', name: 'get_weather', arguments: '{"city":"oslo"}' })).output).toBe('OSLO');
    const bad = await registry.execute({ callId: 'b', name: 'get_weather', arguments: '{"city":""}' });
    expect(bad.status).toBe('invalid_arguments');
    expect(bad.output).toContain('city must be a non-empty string');
  });

  it('turns a throw, a rejection and an unserialisable result into failed results', async () => {
    const registry = new ToolRegistry([
      defineTool({ name: 'throws', parameters: { type: 'object' }, handler: () => { throw new Error('db down'); } }),
      defineTool({ name: 'rejects', parameters: { type: 'object' }, handler: () => Promise.reject(new Error('http 503')) }),
      defineTool({ name: 'bigint', parameters: { type: 'object' }, handler: () => ({ n: 10n }) }),
    ]);
    const [thrown, rejected, bigint] = await Promise.all([
      registry.execute({ callId: '1', name: 'throws', arguments: '{}' }),
      registry.execute({ callId: '2', name: 'rejects', arguments: '{}' }),
      registry.execute({ callId: '3', name: 'bigint', arguments: '{}' }),
    ]);
    expect([thrown.status, rejected.status, bigint.status]).toEqual(['failed', 'failed', 'failed']);
    expect(thrown.output).toContain('db down');
    expect(rejected.output).toContain('http 503');
    expect(bigint.output).toContain('JSON');
  });

  it('times a hanging handler out on the scheduler, aborts its signal and returns a timeout result', async () => {
    const clock = createVirtualClock();
    let signal: AbortSignal | undefined;
    const registry = new ToolRegistry([
      defineTool({
        name: 'hang',
        parameters: { type: 'object' },
        timeoutMs: 3000,
        handler: (_args, ctx: ToolContext) => {
          signal = ctx.signal;
          return new Promise<never>(() => undefined);
        },
      }),
    ]);
    let settled = false;
    const pending = registry.execute({ callId: 'h', name: 'hang', arguments: '{}' }, { scheduler: clock });
    void pending.then(() => (settled = true));
    await flushMicrotasks();
    clock.advanceTo(2999);
    await flushMicrotasks();
    expect(settled).toBe(false);
    expect(signal?.aborted).toBe(false);
    clock.advanceTo(3000);
    const outcome = await pending;
    expect(outcome).toMatchObject({ status: 'timeout', isError: true, durationMs: 3000 });
    expect(JSON.parse(outcome.output).error.type).toBe('timeout');
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(ToolTimeoutError);
  });

  it('uses the registry default timeout for tools that set none', async () => {
    const clock = createVirtualClock();
    const registry = new ToolRegistry([defineTool({ name: 'hang', parameters: { type: 'object' }, handler: () => new Promise(() => undefined) })], {
      defaultTimeoutMs: 500,
    });
    const pending = registry.execute({ callId: 'h', name: 'hang', arguments: '{}' }, { scheduler: clock });
    await flushMicrotasks();
    clock.advanceTo(500);
    expect((await pending).status).toBe('timeout');
  });

  it('cancels at once when the caller aborts, aborting the handler signal and discarding its late result', async () => {
    let release: (value: string) => void = () => undefined;
    let signal: AbortSignal | undefined;
    const registry = new ToolRegistry([
      defineTool({
        name: 'slow',
        parameters: { type: 'object' },
        handler: (_args, ctx) => {
          signal = ctx.signal;
          return new Promise<string>((resolve) => (release = resolve));
        },
      }),
    ]);
    const controller = new AbortController();
    const pending = registry.execute({ callId: 's', name: 'slow', arguments: '{}' }, { signal: controller.signal });
    await flushMicrotasks();
    controller.abort('provider');
    const outcome = await pending;
    expect(outcome.status).toBe('cancelled');
    expect(outcome.error).toBeInstanceOf(ToolCancelledError);
    expect((outcome.error as ToolCancelledError).reason).toBe('provider');
    expect(signal?.aborted).toBe(true);
    release('too late');
    await flushMicrotasks();
    expect(outcome.output).not.toContain('too late');
  });

  it('does not start a call whose signal is already aborted', async () => {
    const handler = jest.fn();
    const registry = new ToolRegistry([defineTool({ name: 't', parameters: { type: 'object' }, handler })]);
    const outcome = await registry.execute({ callId: 'x', name: 't', arguments: '{}' }, { signal: AbortSignal.abort('shutdown') });
    expect(outcome.status).toBe('cancelled');
    await flushMicrotasks();
    expect(handler).not.toHaveBeenCalled();
  });

  it('runs calls concurrently: a slow tool does not hold up a fast one', async () => {
    const order: string[] = [];
    let releaseSlow: () => void = () => undefined;
    const registry = new ToolRegistry([
      defineTool({
        name: 'slow',
        parameters: { type: 'object' },
        handler: () => new Promise<string>((resolve) => (releaseSlow = () => resolve('slow'))),
      }),
      defineTool({ name: 'fast', parameters: { type: 'object' }, handler: () => 'fast' }),
    ]);
    const slow = registry.execute({ callId: '1', name: 'slow', arguments: '{}' }).then((o) => order.push(o.output));
    const fast = registry.execute({ callId: '2', name: 'fast', arguments: '{}' }).then((o) => order.push(o.output));
    await fast;
    expect(order).toEqual(['fast']);
    releaseSlow();
    await slow;
    expect(order).toEqual(['fast', 'slow']);
  });

  it('starts the handler on a microtask, after the caller returned', () => {
    const handler = jest.fn(() => 'x');
    const registry = new ToolRegistry([defineTool({ name: 't', parameters: { type: 'object' }, handler })]);
    void registry.execute({ callId: '1', name: 't', arguments: '{}' });
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('ToolRegistry definitions', () => {
  it('lists what the model sees, for createS2S config', () => {
    const registry = new ToolRegistry([weatherTool(), defineTool({ name: 'hang_up', parameters: { type: 'object' }, handler: () => 'bye' })]);
    expect(registry.definitions()).toEqual([
      { name: 'get_weather', description: 'Weather for a city', parameters: cityParameters },
      { name: 'hang_up', parameters: { type: 'object' } },
    ]);
    expect(registry.names()).toEqual(['get_weather', 'hang_up']);
    expect(registry.size).toBe(2);
  });

  it('rejects duplicate names and malformed definitions when registering', () => {
    const registry = new ToolRegistry([weatherTool()]);
    expect(() => registry.register(weatherTool())).toThrow(ToolDefinitionError);
    expect(() => defineTool({ name: 'bad name', parameters: { type: 'object' }, handler: () => 1 })).toThrow(/invalid/);
    expect(() => defineTool({ name: 't', parameters: { type: 'string' } as never, handler: () => 1 })).toThrow(/type 'object'/);
    expect(() => defineTool({ name: 't', parameters: { type: 'object' }, handler: () => 1, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new ToolRegistry([], { defaultTimeoutMs: -1 })).toThrow(/defaultTimeoutMs/);
  });
});
