import { MissingCallError, ScriptedS2S, UnexpectedCallError, scriptedMethods, type SessionCall } from '@voxframe/core/testing';
import type { S2SEvent } from '@voxframe/core';

describe('ScriptedS2S', () => {
  test('follows its script: expected calls get their replies, leading emits arrive at start', async () => {
    const s2s = new ScriptedS2S({
      audioFormat: { inputSampleRate: 16000 },
      script: [
        { emit: [{ type: 'speech.started' }] },
        { expect: 'sendText', where: (c) => c.method === 'sendText' && c.args[0] === 'hello', reply: [{ type: 'text', text: 'hi!' }] },
        { expect: 'interrupt', reply: (c: SessionCall) => [{ type: 'interrupted', playedMs: c.method === 'interrupt' ? c.args[0]?.playedMs : undefined }] },
      ],
    });
    const session = await s2s.start();
    const events: S2SEvent[] = [];
    session.events.subscribe((e) => events.push(e));
    session.sendAudio(new Int16Array(160));
    session.sendText('hello');
    session.interrupt({ playedMs: 320 });
    session.assertDone();
    expect(events).toEqual([{ type: 'speech.started' }, { type: 'text', text: 'hi!' }, { type: 'interrupted', playedMs: 320 }]);
    expect(session.audioSamplesReceived).toBe(160);
    expect(s2s.audioFormat).toEqual({ inputSampleRate: 16000, outputSampleRate: 24000 });
  });

  test('names unexpected and missing calls', async () => {
    const session = await new ScriptedS2S({ script: [{ expect: 'sendToolResult' }, { expect: 'close' }] }).start();
    expect(() => session.sendText('not now')).toThrow(UnexpectedCallError);
    expect(() => session.assertDone()).toThrow(/unexpected sendText\(\) call; the script expected sendToolResult\(\)/);
    const other = await new ScriptedS2S({ script: [{ expect: 'close' }] }).start();
    expect(() => other.assertDone()).toThrow(MissingCallError);
  });

  test('records every method of the session interface', () => {
    expect([...scriptedMethods].sort()).toEqual(
      ['close', 'commitUserTurn', 'interrupt', 'sendAudio', 'sendText', 'sendToolResult', 'updateSession', 'updateTools'].sort(),
    );
  });

  test('copies audio it receives, so pooled buffers can be reused by the caller', async () => {
    const session = await new ScriptedS2S().start();
    const pooled = new Int16Array([1, 2, 3]);
    session.sendAudio(pooled);
    pooled.fill(0);
    expect(Array.from(session.callsOf('sendAudio')[0][0])).toEqual([1, 2, 3]);
  });

  test('start can fail like a dead provider', async () => {
    await expect(new ScriptedS2S({ startError: new Error('connection refused') }).start()).rejects.toThrow('connection refused');
  });
});
