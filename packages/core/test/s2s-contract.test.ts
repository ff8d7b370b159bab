import {
  HookError,
  MissingApiKeyError,
  S2SConfigError,
  UnknownProviderError,
  composeHooks,
  createS2S,
  invokeHook,
  listS2S,
  observableToAsyncIterator,
  registerS2S,
  resolveApiKey,
  unregisterS2S,
  type Hooks,
  type S2SEvent,
} from '@voxframe/core';
import { ScriptedS2S } from '@voxframe/core/testing';
import { Subject } from 'rxjs';

describe('the S2S registry', () => {
  afterEach(() => {
    unregisterS2S('test_provider');
  });

  test('creates a registered provider by name and lists it', () => {
    registerS2S('test_provider', () => new ScriptedS2S({ provider: 'test_provider' }));
    expect(listS2S()).toContain('test_provider');
    expect(createS2S('test_provider', { voice: 'alloy' }).provider).toBe('test_provider');
  });

  test('rejects an unknown name with a typed error that lists what is registered', () => {
    registerS2S('test_provider', () => new ScriptedS2S());
    const attempt = () => createS2S('openai_realtimee', {});
    expect(attempt).toThrow(UnknownProviderError);
    expect(attempt).toThrow(/test_provider/);
    expect(attempt).toThrow(/Import the provider package/);
  });

  test('rejects bad config with typed errors naming the field', () => {
    registerS2S('test_provider', () => new ScriptedS2S());
    const cases: [unknown, RegExp][] = [
      [{ voice: 42 }, /config\.voice must be a string/],
      [{ model: '' }, /config\.model must not be empty/],
      [{ temperature: Number.NaN }, /temperature must be a finite number/],
      [{ tools: [{ name: 'has space', parameters: { type: 'object' } }] }, /tools\[0\]\.name/],
      [{ tools: [{ name: 'a', parameters: { type: 'object' } }, { name: 'a', parameters: { type: 'object' } }] }, /used twice/],
      [{ tools: [{ name: 'a', parameters: { type: 'string' } }] }, /type 'object'/],
      [{ extra: [] }, /config\.extra must be an object/],
      [null, /config must be an object/],
    ];
    for (const [config, message] of cases) {
      const attempt = () => createS2S('test_provider', config as never);
      expect(attempt).toThrow(S2SConfigError);
      expect(attempt).toThrow(message);
    }
  });

  test('refuses to register a name twice unless asked to override', () => {
    registerS2S('test_provider', () => new ScriptedS2S());
    expect(() => registerS2S('test_provider', () => new ScriptedS2S())).toThrow(/already registered/);
    registerS2S('test_provider', () => new ScriptedS2S({ provider: 'replacement' }), { override: true });
    expect(createS2S('test_provider').provider).toBe('replacement');
  });

  test('resolveApiKey takes extra.api_key, then the environment, else throws MissingApiKeyError', () => {
    const options = { provider: 'openai_realtime', envVar: 'OPENAI_API_KEY', env: {} };
    expect(resolveApiKey({ extra: { api_key: 'sk-1' } }, options)).toBe('sk-1');
    expect(resolveApiKey({}, { ...options, env: { OPENAI_API_KEY: 'sk-env' } })).toBe('sk-env');
    const missing = () => resolveApiKey({}, options);
    expect(missing).toThrow(MissingApiKeyError);
    expect(missing).toThrow(/Set OPENAI_API_KEY in the environment or pass extra\.api_key/);
    try {
      missing();
    } catch (error) {
      expect((error as MissingApiKeyError).code).toBe('missing_api_key');
    }
  });
});

describe('hooks', () => {
  test('composeHooks calls each hook in order, awaiting each', async () => {
    const calls: string[] = [];
    const slow: Hooks = {
      onTurn: async (turn) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        calls.push(`first:${turn.text}`);
      },
    };
    const fast: Hooks = { onTurn: (turn) => void calls.push(`second:${turn.text}`) };
    await composeHooks(slow, undefined, fast).onTurn({ role: 'user', text: 'hi', status: 'completed' });
    expect(calls).toEqual(['first:hi', 'second:hi']);
  });

  test('a throwing hook does not stop the others; the failure surfaces as a HookError', async () => {
    const calls: string[] = [];
    const composed = composeHooks(
      {
        onError: () => {
          throw new Error('hook bug');
        },
      },
      { onError: (e) => void calls.push(e.code) },
    );
    await expect(composed.onError(new S2SConfigError('p', 'x'))).rejects.toBeInstanceOf(HookError);
    expect(calls).toEqual(['invalid_config']);
  });

  test('invokeHook reports failures to the caller instead of throwing', async () => {
    const failures: HookError[] = [];
    await invokeHook({ onToolCall: () => Promise.reject(new Error('nope')) }, 'onToolCall', { callId: 'c', name: 'n', arguments: '{}' }, (e) =>
      failures.push(e),
    );
    expect(failures.map((f) => f.message)).toEqual(['Hook onToolCall threw: nope']);
    await invokeHook(undefined, 'onTurn', { role: 'user', text: '', status: 'completed' }, (e) => failures.push(e));
    expect(failures).toHaveLength(1);
  });
});

describe('session events as an async iterator', () => {
  test('yields events in order, buffers while the consumer is busy, ends on complete', async () => {
    const events = new Subject<S2SEvent>();
    const iterator = observableToAsyncIterator(events);
    const pending = iterator.next(); // subscribes
    events.next({ type: 'speech.started' });
    events.next({ type: 'speech.stopped' });
    expect(await pending).toEqual({ value: { type: 'speech.started' }, done: false });
    expect(await iterator.next()).toEqual({ value: { type: 'speech.stopped' }, done: false });
    const waiting = iterator.next();
    events.next({ type: 'closed', reason: 'bye' });
    expect(await waiting).toEqual({ value: { type: 'closed', reason: 'bye' }, done: false });
    events.complete();
    expect((await iterator.next()).done).toBe(true);
  });

  test('a scripted session supports for-await', async () => {
    const session = await new ScriptedS2S().start();
    const seen: string[] = [];
    const loop = (async () => {
      for await (const event of session) seen.push(event.type);
    })();
    session.emit({ type: 'response.started' }, { type: 'turn.end', status: 'completed' });
    await session.close();
    await loop;
    expect(seen).toEqual(['response.started', 'turn.end', 'closed']);
  });
});
