/**
 * ElevenLabs failures mapped to typed errors with the right `recoverable`: a refused key, a refused handshake, the
 * service's error messages before it closes (context limit, quota), a dropped connection, and a missing key.
 */
import { createElevenLabsTts, ElevenLabsTtsError } from '@voxframe/elevenlabs';
import { ElevenLabsEmulator } from '@voxframe/elevenlabs/testing';
import { next, record } from './support';

describe('ElevenLabs TTS errors', () => {
  let emulator: ElevenLabsEmulator;
  beforeEach(async () => {
    emulator = await ElevenLabsEmulator.start({ apiKey: 'el-right' });
  });
  afterEach(async () => {
    await emulator.close();
  });
  const tts = (apiKey = 'el-right') => createElevenLabsTts({ apiKey, baseUrl: emulator.url });

  it('a refused key rejects connect() and synthesize() with fatal invalid_api_key naming the env var', async () => {
    const error = await tts('el-wrong').connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsTtsError);
    expect(error).toMatchObject({ code: 'invalid_api_key', recoverable: false, status: 401 });
    expect((error as Error).message).toMatch(/ELEVENLABS_API_KEY/);
    expect((error as Error).message).not.toContain('el-wrong');
    const iterate = async (): Promise<void> => {
      for await (const chunk of tts('el-wrong').synthesize('Hi', { signal: new AbortController().signal })) void chunk;
    };
    await expect(iterate()).rejects.toMatchObject({ code: 'invalid_api_key' });
  });

  it('no key at all throws missing_api_key at construction', () => {
    const saved = process.env.ELEVENLABS_API_KEY;
    delete process.env.ELEVENLABS_API_KEY;
    try {
      expect(() => createElevenLabsTts({ baseUrl: emulator.url })).toThrow(expect.objectContaining({ code: 'missing_api_key', recoverable: false }));
    } finally {
      if (saved !== undefined) process.env.ELEVENLABS_API_KEY = saved;
    }
  });

  it('a 503 at the handshake is a recoverable server_error', async () => {
    emulator.refuseNext(1, 503);
    await expect(tts().connect()).rejects.toMatchObject({ code: 'server_error', recoverable: true, status: 503 });
  });

  it('a sixth open context gets the service error and close 1008: fatal too_many_contexts, then closed', async () => {
    const stream = await tts().connect();
    const events = record(stream);
    for (let i = 1; i <= 6; i++) stream.sendText(`c${i}`, 'Hello.');
    await next(stream, events, (e) => e.type === 'closed');
    const first = events.find((e) => e.type === 'error');
    expect(first).toMatchObject({ type: 'error', recoverable: false, error: { code: 'too_many_contexts', status: 1008 } });
    await stream.close();
  });

  it('a quota error message is fatal quota_exceeded', async () => {
    const stream = await tts().connect();
    const events = record(stream);
    emulator.current!.failWith('quota_exceeded', 'This request exceeds your quota of 10000.', 1008);
    await next(stream, events, (e) => e.type === 'closed');
    expect(events.find((e) => e.type === 'error')).toMatchObject({ recoverable: false, error: { code: 'quota_exceeded' } });
  });

  it('a dropped connection errors each open context and closes the stream', async () => {
    const stream = await tts().connect();
    const events = record(stream);
    stream.sendText('u1', 'Hello there.');
    await next(stream, events, (e) => e.type === 'done' || e.type === 'audio');
    emulator.current!.drop();
    await next(stream, events, (e) => e.type === 'closed');
    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toContainEqual(expect.objectContaining({ contextId: 'u1', recoverable: false, error: expect.objectContaining({ code: 'connection_lost' }) }));
    await stream.close(); // safe after the service closed
  });
});
