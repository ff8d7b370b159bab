/**
 * `extra` of `openai_realtime` is typed (declaration merging into core's `S2SProviderExtras`): a typo fails to
 * compile (`pnpm typecheck` runs over this file), and the runtime check still refuses it for untyped callers.
 */
import { S2SConfigError, createS2S, type S2SConfig } from '@voxframe/core';
import '@voxframe/s2s-openai';

describe('typed provider settings', () => {
  it('a typo in extra fails to compile and is refused at run time', () => {
    const make = (): unknown =>
      createS2S('openai_realtime', {
        // @ts-expect-error -- 'api_kye' is not a setting of openai_realtime
        extra: { api_kye: 'sk-test' },
      });
    expect(make).toThrow(S2SConfigError);
  });

  it('a wrongly typed value fails to compile and is refused at run time', () => {
    const make = (): unknown =>
      createS2S('openai_realtime', {
        // @ts-expect-error -- turn_detection takes 'server_vad' | 'semantic_vad' | 'none'
        extra: { api_key: 'sk-test', turn_detection: 'servervad' },
      });
    expect(make).toThrow(/turn_detection/);
  });

  it('valid settings compile; an untyped config (S2SConfig) still compiles and is checked at run time', () => {
    expect(() => createS2S('openai_realtime', { extra: { api_key: 'sk-test', keepalive_interval_ms: 0, connect_timeout_ms: 5000 } })).not.toThrow();
    const untyped: S2SConfig = { extra: { api_key: 'sk-test', no_such_key: 1 } };
    expect(() => createS2S('openai_realtime', untyped)).toThrow(/no_such_key/);
  });
});
