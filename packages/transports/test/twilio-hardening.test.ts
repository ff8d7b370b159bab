/**
 * Telephony hardening, through the Twilio transport with a fake Twilio peer over real sockets on 127.0.0.1: chunk
 * numbers that jump, frames of another stream, audio in the same instant as `start`, one log line per protocol
 * error, the configured payload limit in the error, silence after `stop`, and keepalive against dead peers.
 */
import { Writable } from 'node:stream';
import { mulaw } from 'alawmulaw';
import { createLogger, makeFrame, type Logger } from '@voxframe/core';
import { outputPacer } from '@voxframe/processors';
import { attachTwilioServer, twilioSignature, type TwilioServerOptions, type TwilioTransport, type WebSocketEndpoint } from '@voxframe/transports';
import { FakeTwilio, type FakeTwilioOptions } from './helpers/fake-twilio';
import { createVirtualClock } from '@voxframe/core/testing';
import { RecordedRun, roundTrip, startServer, until, type TestServer } from './helpers/session';

interface Session {
  readonly transport: TwilioTransport;
  run?: RecordedRun;
}

let server: TestServer;
let endpoint: WebSocketEndpoint | undefined;
let sessions: Session[];
let peers: FakeTwilio[];

/** A 20 ms mu-law frame whose samples encode `n` (so lost or reordered frames are visible). */
function frame(n: number): Uint8Array {
  const pcm = new Int16Array(160);
  for (let i = 0; i < 160; i++) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * (300 + 10 * n) * i) / 8000));
  return mulaw.encode(pcm);
}

function decoded(frames: readonly Uint8Array[]): number[] {
  return frames.flatMap((f) => Array.from(mulaw.decode(f)));
}

/** Captures log lines of a real pino logger (JSON, one per line). */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

type Build = (transport: TwilioTransport) => Promise<RecordedRun> | RecordedRun;

function mount(options: Partial<TwilioServerOptions> = {}, build: Build = (t) => new RecordedRun([t.input(), t.output()])): void {
  endpoint = attachTwilioServer(server.server, {
    maxPayloadBytes: 16_384,
    markIntervalMs: 100,
    ...options,
    onSession: async (transport) => {
      const session: Session = { transport };
      sessions.push(session);
      session.run = await build(transport);
    },
  });
}

function peer(options: Partial<FakeTwilioOptions> = {}): FakeTwilio {
  const p = new FakeTwilio({ url: server.url('/twilio'), ...options });
  peers.push(p);
  return p;
}

async function connect(options: Partial<FakeTwilioOptions> = {}): Promise<{ peer: FakeTwilio; session: Session; run: RecordedRun }> {
  const before = sessions.length;
  const p = peer(options);
  await p.begin();
  await until(() => sessions.length > before && sessions[sessions.length - 1].run !== undefined, 3000, 'the session');
  const session = sessions[sessions.length - 1];
  const run = session.run as RecordedRun;
  await run.waitFor((f) => f.type === 'start', 3000, 'start frame');
  return { peer: p, session, run };
}

beforeEach(async () => {
  sessions = [];
  peers = [];
  server = await startServer();
});

afterEach(async () => {
  for (const p of peers) p.terminate();
  for (const s of sessions) await s.run?.runner.cancel('test over');
  await endpoint?.close();
  endpoint = undefined;
  await server.close();
});

describe('chunk sequence', () => {
  test('a chunk number that jumps (999998) resynchronises: every later frame is heard, the jump is reported', async () => {
    mount();
    const { peer: p, session, run } = await connect();
    const sent: Uint8Array[] = [];
    const chunks = [1, 2, 3, 4, 5, 999_998, 6, 7, 8, 9, 10];
    chunks.forEach((chunk, i) => {
      sent.push(frame(i));
      p.sendMedia(sent[i], { chunk, timestamp: i * 20 });
    });
    await until(() => run.of('audio.input').length === chunks.length, 3000, 'every frame');
    expect(decoded(sent)).toEqual(run.of('audio.input').flatMap((f) => Array.from(f.samples)));
    const errors = run.of('error', 'upstream');
    expect(errors.map((e) => e.error.code)).toEqual(['media_sequence', 'media_sequence']);
    expect(errors.every((e) => !e.fatal)).toBe(true);
    expect(errors[0].error.message).toMatch(/jumped from 5 to 999998; resynchronised/);
    expect(session.transport.input().sequenceStats).toMatchObject({ accepted: 11, late: 0, resyncs: 2 });
  });

  test('late and duplicate chunks are dropped, counted and reported with a typed error', async () => {
    mount();
    const { peer: p, session, run } = await connect();
    [1, 2, 3, 2, 3, 4].forEach((chunk, i) => p.sendMedia(frame(i), { chunk, timestamp: chunk * 20 }));
    p.sendMedia(frame(9), { chunk: 5, timestamp: 100 });
    await until(() => run.of('audio.input').length === 5, 3000, 'in-order frames');
    expect(run.of('audio.input').map((f) => f.ptsMs)).toEqual([20, 40, 60, 80, 100]);
    expect(session.transport.input().sequenceStats).toMatchObject({ accepted: 5, late: 2, resyncs: 0 });
    const errors = run.of('error', 'upstream');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ fatal: false, error: { code: 'media_sequence' } });
  });

  test("frames of another stream get a typed error; another stream's stop does not end the call", async () => {
    mount();
    const { peer: p, run } = await connect();
    p.sendMedia(frame(1), { streamSid: 'MZ-another-stream' });
    p.sendStop('MZ-another-stream');
    p.sendMedia(frame(2));
    await until(() => run.of('audio.input').length === 1, 3000, 'the own frame');
    expect(Array.from(run.of('audio.input')[0].samples)).toEqual(decoded([frame(2)]));
    const errors = run.of('error', 'upstream');
    expect(errors.map((e) => e.error.code)).toEqual(['foreign_stream', 'foreign_stream']);
    expect(errors[0].error.message).toMatch(/another-stream/);
    expect(run.of('end')).toHaveLength(0);
    p.sendStop();
    await run.waitFor((f) => f.type === 'end', 3000, 'end on the own stop');
  });
});

describe('nothing the caller says is lost', () => {
  test('audio sent in the same instant as start arrives complete (exact sample count)', async () => {
    mount();
    const p = peer();
    await p.opened;
    const sent = Array.from({ length: 50 }, (_, i) => frame(i));
    // One synchronous burst: connected, start and 50 media messages reach the server in the same read.
    p.sendStart();
    for (const f of sent) p.sendMedia(f);
    p.sendStop();
    await until(() => sessions[0]?.run !== undefined, 3000, 'the session');
    const run = sessions[0].run as RecordedRun;
    await run.waitFor((f) => f.type === 'end', 3000, 'end');
    const audio = run.of('audio.input');
    expect(audio.reduce((n, f) => n + f.samples.length, 0)).toBe(50 * 160);
    expect(audio.flatMap((f) => Array.from(f.samples))).toEqual(decoded(sent));
    expect(run.downstream.map((f) => f.type).filter((t) => t !== 'audio.input')).toEqual(['start', 'end']);
  });

  test('audio that arrives while onSession still builds the pipeline is held and delivered in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    mount({}, async (t) => {
      await gate; // e.g. connecting to the speech model
      return new RecordedRun([t.input(), t.output()]);
    });
    const p = peer();
    await p.begin();
    const sent = Array.from({ length: 25 }, (_, i) => frame(i));
    for (const f of sent) p.sendMedia(f);
    await until(() => sessions[0]?.transport.input().earlyFrames === 25, 3000, '25 held frames');
    release();
    await until(() => sessions[0].run !== undefined, 3000, 'the pipeline');
    const run = sessions[0].run as RecordedRun;
    p.sendMedia(frame(25));
    await until(() => run.of('audio.input').length === 26, 3000, 'all frames');
    expect(run.of('audio.input').flatMap((f) => Array.from(f.samples))).toEqual(decoded([...sent, frame(25)]));
  });
});

test('a protocol error is logged once (one warning, the stack trace only at debug level)', async () => {
  const { logger, lines } = capturingLogger();
  mount({ logger }, (t) => new RecordedRun([t.input(), t.output()], () => 'continue', logger));
  const { peer: p, run } = await connect();
  p.sendRaw('{not json');
  p.sendMedia(frame(1));
  await until(() => run.of('audio.input').length === 1, 3000, 'audio after the error');
  const warnings = lines.filter((l) => (l.level as number) >= 40);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ code: 'transport_protocol', msg: expect.stringMatching(/not JSON/) });
  expect(JSON.stringify(warnings[0])).not.toMatch(/"stack"/);
  expect(lines.some((l) => l.level === 20 && JSON.stringify(l).includes('"stack"'))).toBe(true);
});

test('the oversize-message error quotes the configured limit', async () => {
  mount({ maxPayloadBytes: 16_384 });
  const { peer: p, run } = await connect();
  p.sendRaw('x'.repeat(20_000));
  expect((await p.closed).code).toBe(1009);
  const error = await run.waitFor((f) => f.type === 'error' && f.fatal, 3000, 'fatal error');
  expect(error).toMatchObject({ error: { code: 'payload_too_large', details: { limitBytes: 16_384 } } });
  expect(error.type === 'error' && error.error.message).toMatch(/exceeded 16384 bytes/);
});

test('after stop nothing more is sent, even while the socket stays open and the pacer still holds audio', async () => {
  const clock = createVirtualClock();
  mount({}, (t) => new RecordedRun([t.input(), outputPacer({ chunkMs: 20 }), t.output()], () => 'continue', undefined, clock));
  const { peer: p, session, run } = await connect();
  const pcm = new Int16Array(24_000 * 2).map((_, i) => Math.round(5000 * Math.sin(i / 7)));
  for (let i = 0; i < 20; i++) {
    run.runner.push(makeFrame('audio.output', { samples: pcm.subarray(i * 2400, (i + 1) * 2400), sampleRate: 24_000, channels: 1, utteranceId: 'item_s' }));
  }
  for (let i = 0; i < 10; i++) clock.advanceBy(20);
  await roundTrip(p.socket);
  const atStop = p.media.length;
  expect(atStop).toBeGreaterThanOrEqual(10);
  p.sendStop();
  await until(() => session.transport.stopped, 3000, 'the stop to arrive');
  // Run clock until the end has come through (the pacer drains what it holds, the graceful end): none of it may go
  // out. The end reaches the pacer asynchronously, so the clock moves on until it is through (bounded: 6 s of it).
  for (let i = 0; i < 300 && run.of('end').length === 0; i++) {
    clock.advanceBy(20);
    if (i % 10 === 0) await roundTrip(p.socket);
  }
  await roundTrip(p.socket);
  expect(run.of('end')).toHaveLength(1);
  expect(p.media.length).toBe(atStop);
  expect(p.marksSent.length).toBeGreaterThan(0);
  expect(p.socket.readyState).toBe(p.socket.OPEN);
});

describe('keepalive', () => {
  test('a half-open peer (no pong, no message) is cut after deadAfterMs and its pipeline ends', async () => {
    mount({ pingIntervalMs: 20, deadAfterMs: 150 });
    const { peer: p, run } = await connect({ autoPong: false });
    const end = await run.waitFor((f) => f.type === 'end', 3000, 'end');
    expect(end).toMatchObject({ reason: expect.stringMatching(/connection closed \(code 1006\)/) });
    expect(run.of('error', 'upstream').map((e) => e.error.code)).toContain('connection_closed');
    expect((await p.closed).code).toBe(1006);
  });

  test('a live peer that answers pings is kept, however long it stays silent', async () => {
    mount({ pingIntervalMs: 20, deadAfterMs: 150 });
    const { peer: p, session, run } = await connect();
    let pings = 0;
    p.socket.on('ping', () => (pings += 1));
    // 20 pings at 20 ms: well past deadAfterMs (150 ms) of silence from the peer's side.
    await until(() => pings >= 20, 5000, '20 pings');
    expect(run.of('end')).toHaveLength(0);
    expect(session.transport.open).toBe(true);
    expect(session.transport.pingsSent).toBeGreaterThanOrEqual(20);
  });
});

test('with an auth token, upgrades need a valid X-Twilio-Signature over the wss:// URL (401 otherwise)', async () => {
  mount({ authToken: 'test-token', publicUrl: 'wss://agent.example.com' });
  const signed = twilioSignature('test-token', 'wss://agent.example.com/twilio');
  await expect(peer().opened).rejects.toThrow(/refused with 401/);
  await expect(peer({ headers: { 'X-Twilio-Signature': 'AAAA' } }).opened).rejects.toThrow(/refused with 401/);
  const { run } = await connect({ headers: { 'X-Twilio-Signature': signed } });
  expect(run.of('start')).toHaveLength(1);
  expect(sessions).toHaveLength(1);
});
