/** The key (which travels in the URL) and audio never reach a log line, at trace level, through errors and reconnects. */
import { createLogger } from '@voxframe/core';
import { concatSamples, frames, silence, speechLike, type GeminiLiveEmulator } from '@voxframe/s2s-gemini/testing';
import { EventLog, TEST_KEY, engineFor, startEmulator } from './support/harness';

describe('logging', () => {
  let emulator: GeminiLiveEmulator;

  afterEach(async () => {
    await emulator.close();
  });

  it('never writes the API key or audio payloads to the logs', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'trace', destination: { write: (line: string) => lines.push(line) } });
    emulator = await startEmulator({ transcribe: () => 'hello' });
    const session = await engineFor(emulator).start({ logger });
    const log = new EventLog(session);
    for (const frame of frames(concatSamples(speechLike(400), silence(700)))) session.sendAudio(frame);
    await log.waitFor('turn.end');
    emulator.connection.closeWith(1011, 'Internal error occurred.');
    await log.waitFor('session.rotated');
    await session.close();
    await expect(engineFor(emulator, { api_key: `${TEST_KEY}-wrong` }).start({ logger })).rejects.toMatchObject({ closeCode: 1007 });
    await expect(engineFor(emulator, { base_url: 'http://127.0.0.1:9' }).start({ logger })).rejects.toMatchObject({ code: 'connection_failed' });
    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    expect(text).toContain('gemini live');
    expect(text).not.toContain(TEST_KEY);
    expect(text).not.toMatch(/[A-Za-z0-9+/]{120,}/); // no base64 audio
  });
});
