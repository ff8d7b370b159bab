import { createLogger } from '@voxframe/core';
import { scriptedReplies, silence, speechLike, concatSamples, type RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { TEST_KEY, engineFor, sendFrames, startEmulator, startSession } from './support/harness';

describe('logging', () => {
  let emulator: RealtimeEmulator;

  afterEach(async () => {
    await emulator.close();
  });

  it('never writes the API key or audio payloads to the logs, at trace level, through errors and reconnects', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'trace', destination: { write: (line: string) => lines.push(line) } });
    emulator = await startEmulator({ apiKey: TEST_KEY });
    emulator.script = scriptedReplies({ say: 'Logged answer.', audioMs: 500 });
    const { session, log } = await startSession(engineFor(emulator), { logger });
    await sendFrames(session, concatSamples(speechLike(400), silence(700)));
    await log.waitFor('turn.end');
    emulator.session.sendRaw('garbage');
    emulator.session.send({ type: 'error', event_id: 'e', error: { type: 'invalid_request_error', code: 'invalid_value', message: 'bad', param: null, event_id: null } });
    const next = emulator.nextSession();
    emulator.dropAll();
    await next;
    await log.waitFor('session.rotated');
    await session.close();
    await expect(engineFor(emulator, { api_key: `${TEST_KEY}-wrong` }, {}).start({ logger })).rejects.toMatchObject({ code: 'unauthorized' });
    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    expect(text).toContain('realtime send'); // trace logging was on
    expect(text).not.toContain(TEST_KEY);
    expect(text).not.toMatch(/[A-Za-z0-9+/]{120,}/); // no base64 audio
  });
});
