import { makeFrame } from '@voxframe/core';
import { attachVoiceServer, type WebSocketEndpoint, type WebSocketTransport, type VoiceServerOptions } from '@voxframe/transports';
import { RecordedRun, roundTrip, startServer, until, type TestServer } from './helpers/session';
import { TestVoiceClient } from './helpers/voice-client';

interface Session {
  readonly transport: WebSocketTransport;
  readonly run: RecordedRun;
}

let server: TestServer;
let endpoint: WebSocketEndpoint | undefined;
let sessions: Session[];
let clients: TestVoiceClient[];

function mount(options: Partial<VoiceServerOptions> = {}): void {
  endpoint = attachVoiceServer(server.server, {
    path: '/voice',
    maxPayloadBytes: 8192,
    helloTimeoutMs: 1000,
    agent: { provider: 'test' },
    ...options,
    onSession: (transport) => {
      sessions.push({ transport, run: new RecordedRun([transport.input(), transport.output()]) });
    },
  });
}

function client(headers: Record<string, string> = {}, path = '/voice', autoPong = true): TestVoiceClient {
  const c = new TestVoiceClient(server.url(path), headers, { autoPong });
  clients.push(c);
  return c;
}

async function connected(autoPong = true): Promise<{ client: TestVoiceClient; session: Session }> {
  const before = sessions.length;
  const c = client({}, '/voice', autoPong);
  await c.hello(16000);
  await until(() => sessions.length > before, 3000, 'session');
  const session = sessions[sessions.length - 1];
  await session.run.waitFor((f) => f.type === 'start');
  return { client: c, session };
}

function ramp(n: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 97) % 30000 - 15000;
  return out;
}

beforeEach(async () => {
  sessions = [];
  clients = [];
  server = await startServer();
});

afterEach(async () => {
  for (const c of clients) c.socket.terminate();
  for (const s of sessions) await s.run.runner.cancel('test over');
  await endpoint?.close();
  endpoint = undefined;
  await server.close();
});

describe('connection admission', () => {
  test('the authenticate hook refuses with 401, accepts when it resolves true, and refuses when it throws', async () => {
    mount({ authenticate: async (req) => {
      if (req.headers['x-token'] === 'boom') throw new Error('auth backend down');
      return req.headers['x-token'] === 'secret';
    } });
    expect(await client({ 'x-token': 'wrong' }).refused).toBe(401);
    expect(await client({ 'x-token': 'boom' }).refused).toBe(401);
    const ok = client({ 'x-token': 'secret' });
    expect(await ok.refused).toBeUndefined();
    expect((await ok.hello()).type).toBe('ready');
  });

  test('origins outside allowedOrigins get 403; listed origins and origin-less clients connect', async () => {
    mount({ allowedOrigins: ['https://app.example.com'] });
    expect(await client({ origin: 'https://evil.example.com' }).refused).toBe(403);
    expect(await client({ origin: 'https://APP.example.com/' }).refused).toBeUndefined();
    expect(await client().refused).toBeUndefined();
  });

  test('connections beyond maxConnections get 503, other paths 404', async () => {
    mount({ maxConnections: 1 });
    const first = client();
    await first.opened;
    expect(await client().refused).toBe(503);
    expect(await client({}, '/nope').refused).toBe(404);
  });

  test('a failing onSession closes that connection with 1011; closing the endpoint closes live sessions with 1001', async () => {
    let fail = true;
    endpoint = attachVoiceServer(server.server, {
      path: '/voice',
      onSession: (transport) => {
        if (fail) throw new Error('no agent available');
        sessions.push({ transport, run: new RecordedRun([transport.input(), transport.output()]) });
      },
    });
    const refused = client();
    await refused.opened;
    expect((await refused.closed).code).toBe(1011);
    fail = false;
    const live = client();
    await live.hello();
    await endpoint.close();
    endpoint = undefined;
    expect((await live.closed).code).toBe(1001);
  });

  test('a client that never says hello is closed with 1008', async () => {
    mount({ helloTimeoutMs: 100 });
    const c = client();
    await c.opened;
    expect((await c.closed).code).toBe(1008);
    expect(c.json.find((m) => m.type === 'error')).toMatchObject({ code: 'hello_timeout' });
  });
});

describe('audio and control', () => {
  beforeEach(() => mount());

  test('hello is answered with ready, and binary PCM16 from the client becomes audio.input at the announced rate', async () => {
    const { client: c, session } = await connected();
    expect(c.json[0]).toMatchObject({ type: 'ready', version: 1, inputSampleRate: 16000, outputSampleRate: 24000, agent: { provider: 'test' } });
    const pcm = ramp(320);
    c.sendRaw(Buffer.from(pcm.buffer), true);
    c.sendRaw(Buffer.from(pcm.buffer), true);
    await until(() => session.run.of('audio.input').length === 2, 3000, 'audio');
    const [a, b] = session.run.of('audio.input');
    expect(a).toMatchObject({ sampleRate: 16000, channels: 1, ptsMs: 0 });
    expect(Array.from(a.samples)).toEqual(Array.from(pcm));
    expect(b.ptsMs).toBe(20);
  });

  test('audio.output goes to the client as binary PCM16, announced by audio.start per utterance', async () => {
    const { client: c, session } = await connected();
    const pcm = ramp(480);
    session.run.runner.push(makeFrame('audio.output', { samples: pcm, sampleRate: 24000, channels: 1, utteranceId: 'u1' }));
    session.run.runner.push(makeFrame('audio.output', { samples: pcm, sampleRate: 24000, channels: 1, utteranceId: 'u1' }));
    session.run.runner.push(makeFrame('audio.output', { samples: pcm, sampleRate: 24000, channels: 1, utteranceId: 'u2' }));
    await until(() => c.audio.length === 3, 3000, 'audio at the client');
    expect(c.json.filter((m) => m.type === 'audio.start')).toEqual([
      { type: 'audio.start', utteranceId: 'u1', sampleRate: 24000 },
      { type: 'audio.start', utteranceId: 'u2', sampleRate: 24000 },
    ]);
    expect(new Int16Array(new Uint8Array(c.audio[0]).buffer)).toEqual(pcm);
  });

  test('audio at another rate than the client plays is resampled to the rate announced in hello', async () => {
    const before = sessions.length;
    const c = client();
    const ready = await c.hello(16000, 16000);
    expect(ready).toMatchObject({ outputSampleRate: 16000 });
    await until(() => sessions.length > before, 3000, 'session');
    const { run } = sessions[sessions.length - 1];
    await run.waitFor((f) => f.type === 'start');
    for (let i = 0; i < 5; i++) run.runner.push(makeFrame('audio.output', { samples: ramp(480), sampleRate: 24000, channels: 1, utteranceId: 'r' }));
    await until(() => c.audio.length === 5, 3000, 'audio');
    expect(c.json.find((m) => m.type === 'audio.start')).toMatchObject({ sampleRate: 16000 });
    // 20 ms at 24 kHz in -> exactly 20 ms at 16 kHz out, per frame.
    expect(c.audio.map((b) => b.length / 2)).toEqual([320, 320, 320, 320, 320]);
  });

  test('an interruption makes the server tell the client to flush at once', async () => {
    const { client: c, session } = await connected();
    session.run.runner.push(makeFrame('audio.output', { samples: ramp(480), sampleRate: 24000, channels: 1 }));
    session.run.runner.push(makeFrame('interruption.start', { reason: 'user-speech' }));
    const flush = await c.waitFor((m) => m.type === 'flush');
    expect(flush).toEqual({ type: 'flush', reason: 'interruption' });
  });

  test('played acknowledgements become playback.progress frames travelling upstream', async () => {
    const { client: c, session } = await connected();
    c.send({ type: 'played', utteranceId: 'u7', playedMs: 340, final: false });
    c.send({ type: 'played', utteranceId: 'u7', playedMs: 900, final: true });
    await until(() => session.run.of('playback.progress', 'upstream').length === 2, 3000, 'progress');
    expect(session.run.of('playback.progress', 'upstream')).toEqual([
      expect.objectContaining({ utteranceId: 'u7', playedMs: 340, final: false }),
      expect.objectContaining({ utteranceId: 'u7', playedMs: 900, final: true }),
    ]);
  });

  test('transcripts, text and speaking events are forwarded to the page', async () => {
    const { client: c, session } = await connected();
    session.run.runner.push(makeFrame('transcript', { role: 'user', text: 'hello there', final: true }));
    session.run.runner.push(makeFrame('user.started-speaking', {}));
    await c.waitFor((m) => m.type === 'transcript');
    await c.waitFor((m) => m.type === 'event' && m.name === 'user.started-speaking');
    expect(c.json.find((m) => m.type === 'transcript')).toEqual({ type: 'transcript', role: 'user', text: 'hello there', final: true });
  });

  test('typed text and the interrupt button become a text frame and an interruption request', async () => {
    const { client: c, session } = await connected();
    c.send({ type: 'text', text: 'what time is it' });
    c.send({ type: 'interrupt' });
    await session.run.waitFor((f) => f.type === 'text');
    // The runner turns the request into an interruption of the whole pipeline, which reaches the client as a flush.
    await c.waitFor((m) => m.type === 'flush');
    expect(session.run.of('text')[0]).toMatchObject({ text: 'what time is it', role: 'user' });
  });

  test('a switch message from the page becomes a service.switch frame; a bad target gets a typed error back', async () => {
    const { client: c, session } = await connected();
    c.send({ type: 'switch', target: 'gemini' });
    const frame = await session.run.waitFor((f) => f.type === 'service.switch');
    expect(frame).toMatchObject({ target: 'gemini', reason: 'client' });
    c.send({ type: 'switch', target: '<script>' });
    const error = await c.waitFor((m) => m.type === 'error');
    expect(error).toMatchObject({ type: 'error', code: 'transport_protocol', fatal: false });
    expect(session.run.of('service.switch')).toHaveLength(1);
  });

  test('bye ends the pipeline with an end frame', async () => {
    const { client: c, session } = await connected();
    c.send({ type: 'bye' });
    const end = await session.run.waitFor((f) => f.type === 'end');
    expect(end).toMatchObject({ reason: 'client said bye' });
  });
});

describe('bad input from the client', () => {
  beforeEach(() => mount());

  test('garbage JSON, unknown types, invalid fields and audio before hello give typed errors; the session goes on', async () => {
    const c = client();
    await c.opened;
    c.sendRaw(Buffer.from([1, 2, 3, 4]), true);
    await c.waitFor((m) => m.type === 'error');
    await c.hello();
    await until(() => sessions.length === 1);
    const { run } = sessions[0];
    c.sendRaw('{oops');
    c.send({ type: 'teleport' });
    c.send({ type: 'played', utteranceId: 'x', playedMs: -5 });
    // Four: the audio before hello (reported once the session's input existed) and the three bad messages.
    await until(() => run.of('error', 'upstream').length === 4, 3000, 'errors');
    expect(run.of('error', 'upstream').map((e) => [e.error.code, e.fatal])).toEqual(Array(4).fill(['transport_protocol', false]));
    await roundTrip(c.socket); // the server's error answers were sent before its pong
    expect(c.json.filter((m) => m.type === 'error')).toHaveLength(4);
    c.sendRaw(Buffer.from(ramp(320).buffer), true);
    await until(() => run.of('audio.input').length === 1, 3000, 'audio after garbage');
  });

  test('an oversize message closes the connection with 1009 and a fatal payload_too_large error', async () => {
    const { client: c, session } = await connected();
    c.sendRaw(Buffer.alloc(10_000), true);
    expect((await c.closed).code).toBe(1009);
    const error = await session.run.waitFor((f) => f.type === 'error' && f.fatal);
    expect(error).toMatchObject({ error: { code: 'payload_too_large', details: { limitBytes: 8192 } } });
    expect(error.type === 'error' && error.error.message).toMatch(/exceeded 8192 bytes/);
  });

  test('keepalive: a half-open browser (no pong, no message) is cut after deadAfterMs and its pipeline ends', async () => {
    await endpoint?.close();
    mount({ pingIntervalMs: 20, deadAfterMs: 150 });
    const { client: c, session } = await connected(false);
    const end = await session.run.waitFor((f) => f.type === 'end', 3000, 'end');
    expect(end).toMatchObject({ reason: 'connection lost (code 1006)' });
    expect(session.run.of('error', 'upstream').map((e) => e.error.code)).toContain('connection_closed');
    expect((await c.closed).code).toBe(1006);
  });

  test('keepalive: a silent browser that answers pings is kept', async () => {
    await endpoint?.close();
    mount({ pingIntervalMs: 20, deadAfterMs: 150 });
    const { client: c, session } = await connected();
    let pings = 0;
    c.socket.on('ping', () => (pings += 1));
    await until(() => pings >= 20, 5000, '20 pings');
    expect(session.run.of('end')).toHaveLength(0);
    expect(session.transport.open).toBe(true);
  });

  test('an abrupt disconnect ends that session; the server keeps serving new ones', async () => {
    const a = await connected();
    a.client.socket.terminate();
    await a.session.run.waitFor((f) => f.type === 'end');
    const b = await connected();
    b.client.sendRaw(Buffer.from(ramp(320).buffer), true);
    await until(() => b.session.run.of('audio.input').length === 1, 3000, 'second session audio');
  });

  test('a client flooding messages beyond the rate limit gets an error and is eventually disconnected', async () => {
    await endpoint?.close();
    endpoint = undefined;
    mount({ maxMessagesPerSecond: 10 });
    const { client: c } = await connected();
    for (let i = 0; i < 200; i++) c.send({ type: 'played', utteranceId: 'u', playedMs: i });
    expect((await c.closed).code).toBe(1008);
    expect(c.json.some((m) => m.type === 'error' && String(m.message).includes('messages/s'))).toBe(true);
  });
});
