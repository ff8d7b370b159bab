import { mulaw } from 'alawmulaw';
import { makeFrame, type Frame } from '@voxframe/core';
import { outputPacer } from '@voxframe/processors';
import { attachTwilioServer, type TwilioTransport, type WebSocketEndpoint } from '@voxframe/transports';
import { FakeTwilio } from './helpers/fake-twilio';
import { createVirtualClock, type VirtualClock } from '@voxframe/core/testing';
import { RecordedRun, roundTrip, startServer, until, type TestServer } from './helpers/session';

interface Session {
  readonly transport: TwilioTransport;
  readonly run: RecordedRun;
}

let server: TestServer;
let endpoint: WebSocketEndpoint;
let sessions: Session[];
let peers: FakeTwilio[];
/** Put the output pacer before the output (as a real agent does) for the next sessions. */
let paced = false;
/** Run the next sessions on this virtual clock (the pacer's timers then move only when the test advances it). */
let clock: VirtualClock | undefined;

function tone(samples: number, rate: number, hz = 440, amplitude = 8000, phase = 0): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * (i + phase)) / rate));
  return out;
}

async function connect(customParameters: Record<string, string> = {}): Promise<{ peer: FakeTwilio; session: Session }> {
  const before = sessions.length;
  const peer = new FakeTwilio({ url: server.url('/twilio'), customParameters });
  peers.push(peer);
  await peer.begin();
  await until(() => sessions.length > before, 3000, 'the session');
  const session = sessions[sessions.length - 1];
  await session.transport.started;
  await session.run.waitFor((f) => f.type === 'start', 3000, 'start frame');
  return { peer, session };
}

beforeEach(async () => {
  paced = false;
  clock = undefined;
  sessions = [];
  peers = [];
  server = await startServer();
  endpoint = attachTwilioServer(server.server, {
    maxPayloadBytes: 16_384,
    markIntervalMs: 100,
    onSession: (transport) => {
      const middle = paced ? [outputPacer({ chunkMs: 20 })] : [];
      sessions.push({ transport, run: new RecordedRun([transport.input(), ...middle, transport.output()], () => 'continue', undefined, clock) });
    },
  });
});

afterEach(async () => {
  for (const peer of peers) peer.terminate();
  for (const s of sessions) await s.run.runner.cancel('test over');
  await endpoint.close();
  await server.close();
});

test('caller mu-law audio arrives as PCM16 8 kHz audio.input frames, decoded bit-exact', async () => {
  const { peer, session } = await connect();
  const pcm = tone(160, 8000);
  const encoded = mulaw.encode(pcm);
  peer.sendMedia(encoded);
  peer.sendMedia(encoded);
  await until(() => session.run.of('audio.input').length === 2, 3000, 'two audio frames');
  const [first, second] = session.run.of('audio.input');
  expect(first.sampleRate).toBe(8000);
  expect(first.channels).toBe(1);
  expect(Array.from(first.samples)).toEqual(Array.from(mulaw.decode(encoded)));
  expect(second.ptsMs).toBe(20);
});

test('custom parameters and stream ids from start are exposed on the transport', async () => {
  const { peer, session } = await connect({ tenant: 'acme', callerId: '+15551234567' });
  expect(session.transport.customParameters).toEqual({ tenant: 'acme', callerId: '+15551234567' });
  expect(session.transport.start).toMatchObject({ streamId: peer.streamSid, callId: 'CA0123', codec: 'PCMU', sampleRate: 8000 });
});

test('dtmf key presses become dtmf frames and stop ends the pipeline with an end frame', async () => {
  const { peer, session } = await connect();
  peer.sendDtmf('5');
  peer.sendDtmf('#');
  await until(() => session.run.of('dtmf').length === 2, 3000, 'dtmf frames');
  expect(session.run.of('dtmf').map((f) => f.digit)).toEqual(['5', '#']);
  peer.sendStop();
  const end = await session.run.waitFor((f) => f.type === 'end', 3000, 'end frame');
  expect(end).toMatchObject({ type: 'end', reason: 'call ended' });
});

test('audio.output is sent as mu-law media with the streamSid, followed by marks that come back as playback.progress', async () => {
  const { peer, session } = await connect();
  peer.startPlayback(5);
  const pcm = tone(160 * 15, 8000); // 300 ms in 20 ms frames
  for (let i = 0; i < 15; i++) {
    session.run.runner.push(makeFrame('audio.output', { samples: pcm.subarray(i * 160, (i + 1) * 160), sampleRate: 8000, channels: 1, utteranceId: 'item_1' }));
  }
  session.run.runner.push(makeFrame('turn.end', { role: 'assistant', status: 'completed', utteranceId: 'item_1' }));
  await until(() => peer.media.length === 15, 3000, '15 media messages');
  expect(peer.violations).toEqual([]);
  expect(peer.media.every((m) => m.bytes.length === 160)).toBe(true);
  expect(Buffer.concat(peer.media.map((m) => m.bytes))).toEqual(Buffer.from(mulaw.encode(pcm)));
  const final = (await session.run.waitFor((f) => f.type === 'playback.progress' && f.final, 3000, 'final progress')) as Extract<Frame, { type: 'playback.progress' }>;
  expect(final).toMatchObject({ utteranceId: 'item_1', playedMs: 300, final: true });
  const progress = session.run.of('playback.progress', 'upstream').map((f) => f.playedMs);
  expect(progress).toEqual([100, 200, 300]);
});

test('barge-in sends clear at once; marks Twilio returns because of the clear are not taken as playback', async () => {
  const { peer, session } = await connect();
  // No playback drain: nothing is ever "played", so every mark echo can only come from the clear.
  const pcm = tone(160 * 20, 8000);
  for (let i = 0; i < 20; i++) {
    session.run.runner.push(makeFrame('audio.output', { samples: pcm.subarray(i * 160, (i + 1) * 160), sampleRate: 8000, channels: 1, utteranceId: 'item_9' }));
  }
  await until(() => peer.media.length === 20 && peer.marksSent.length >= 3, 3000, 'media and marks');
  session.run.runner.push(makeFrame('interruption.start', { reason: 'user-speech' }));
  await until(() => peer.clears.length === 1, 3000, 'clear');
  await until(() => peer.marksEchoed.length === peer.marksSent.length, 3000, 'echoed marks');
  // A media message after the echoes: once its frame is out, the server has handled every echo before it.
  peer.sendMedia(mulaw.encode(tone(160, 8000)));
  await until(() => session.run.of('audio.input').length === 1, 3000, 'the media after the echoes');
  const progress = session.run.of('playback.progress', 'upstream');
  expect(progress).toEqual([expect.objectContaining({ utteranceId: 'item_9', playedMs: 0, final: true })]);
  expect(session.transport.output().clearsSent).toBe(1);
});

test('after a clear, audio of the next utterance is tracked afresh', async () => {
  const { peer, session } = await connect();
  peer.startPlayback(5);
  const pcm = tone(160 * 10, 8000);
  const send = (id: string): void => {
    for (let i = 0; i < 10; i++) session.run.runner.push(makeFrame('audio.output', { samples: pcm.subarray(i * 160, (i + 1) * 160), sampleRate: 8000, channels: 1, utteranceId: id }));
  };
  send('a');
  session.run.runner.push(makeFrame('interruption.start', { reason: 'user-speech' }));
  send('b');
  session.run.runner.push(makeFrame('turn.end', { role: 'assistant', status: 'completed', utteranceId: 'b' }));
  const final = await session.run.waitFor((f) => f.type === 'playback.progress' && f.utteranceId === 'b' && f.final, 3000, 'b final');
  expect(final).toMatchObject({ playedMs: 200 });
});

test('with the output pacer, a reply sent at once goes out as 20 ms media messages, one per 20 ms of the run clock', async () => {
  paced = true;
  clock = createVirtualClock();
  const { peer, session } = await connect();
  peer.startPlayback(5, 10); // the playback clock is not under test here: drain fast
  // 2 s of 24 kHz audio in 100 ms pieces, all at once (providers send faster than real time).
  const pcm = tone(48000, 24000);
  for (let i = 0; i < 20; i++) {
    session.run.runner.push(makeFrame('audio.output', { samples: pcm.subarray(i * 2400, (i + 1) * 2400), sampleRate: 24000, channels: 1, utteranceId: 'item_p' }));
  }
  session.run.runner.push(makeFrame('turn.end', { role: 'assistant', status: 'completed', utteranceId: 'item_p' }));
  const vclock = clock;
  vclock.advanceBy(0);
  await roundTrip(peer.socket);
  const lead = peer.media.length; // what the pacer sends up front
  expect(lead).toBeGreaterThanOrEqual(1);
  expect(lead).toBeLessThan(20);
  for (let step = 1; lead + step <= 100; step++) {
    vclock.advanceBy(20);
    await roundTrip(peer.socket);
    expect(peer.media.length).toBe(lead + step);
  }
  expect(peer.violations).toEqual([]);
  expect(peer.media.every((m) => m.bytes.length === 160)).toBe(true);
  const final = await session.run.waitFor((f) => f.type === 'playback.progress' && f.final && f.utteranceId === 'item_p', 10_000, 'final mark');
  expect(final).toMatchObject({ playedMs: 2000 });
});

test('barge-in with the pacer: clear is sent and no more media follows for the cut utterance', async () => {
  paced = true;
  clock = createVirtualClock();
  const { peer, session } = await connect();
  const vclock = clock;
  const pcm = tone(48000, 24000);
  for (let i = 0; i < 20; i++) {
    session.run.runner.push(makeFrame('audio.output', { samples: pcm.subarray(i * 2400, (i + 1) * 2400), sampleRate: 24000, channels: 1, utteranceId: 'item_c' }));
  }
  for (let i = 0; i < 15; i++) vclock.advanceBy(20);
  await roundTrip(peer.socket);
  expect(peer.media.length).toBeGreaterThanOrEqual(15);
  session.run.runner.push(makeFrame('interruption.start', { reason: 'user-speech' }));
  vclock.advanceBy(0);
  await roundTrip(peer.socket);
  expect(peer.clears).toHaveLength(1);
  const afterClear = peer.media.length;
  // Two more seconds of run clock: the pacer held the rest of the reply, and the interruption dropped it.
  for (let i = 0; i < 100; i++) vclock.advanceBy(20);
  await roundTrip(peer.socket);
  expect(peer.media.length).toBe(afterClear);
  expect(afterClear).toBeLessThan(100);
});

describe('bad input from the peer', () => {
  test('garbage JSON, unknown events, binary frames and media before start give typed error frames; the call goes on', async () => {
    const { peer, session } = await connect();
    peer.sendRaw('{not json');
    peer.sendJson({ event: 'dance', sequenceNumber: '9', streamSid: peer.streamSid });
    peer.sendRaw(Buffer.from([1, 2, 3]), true);
    peer.sendJson({ event: 'media', sequenceNumber: '10', streamSid: peer.streamSid, media: { chunk: '1', timestamp: '0', payload: '%%%' } });
    await until(() => session.run.of('error', 'upstream').length === 4, 3000, '4 errors');
    const errors = session.run.of('error', 'upstream');
    expect(errors.map((e) => e.error.code)).toEqual(Array(4).fill('transport_protocol'));
    expect(errors.every((e) => !e.fatal)).toBe(true);
    expect(errors.map((e) => e.error.message).join('\n')).toMatch(/not JSON[\s\S]*unknown event 'dance'[\s\S]*binary frame[\s\S]*not base64/);
    peer.sendMedia(mulaw.encode(tone(160, 8000)));
    await until(() => session.run.of('audio.input').length === 1, 3000, 'audio after garbage');
  });

  test('an oversize message closes that connection with 1009 and a fatal typed error; other sessions keep working', async () => {
    const a = await connect();
    const b = await connect();
    a.peer.sendRaw('x'.repeat(20_000));
    const closed = await a.peer.closed;
    expect(closed.code).toBe(1009);
    const error = await a.session.run.waitFor((f) => f.type === 'error' && f.fatal, 3000, 'fatal error');
    expect(error).toMatchObject({ error: { code: 'payload_too_large' } });
    b.peer.sendMedia(mulaw.encode(tone(160, 8000)));
    await until(() => b.session.run.of('audio.input').length === 1, 3000, 'b still served');
  });

  test('a peer that only sends garbage is disconnected after maxProtocolErrors (1008)', async () => {
    const { peer } = await connect();
    for (let i = 0; i < 25; i++) peer.sendRaw('garbage');
    expect((await peer.closed).code).toBe(1008);
  });

  test('an abrupt disconnect ends the session with an end frame and a recoverable error; the server keeps serving', async () => {
    const a = await connect();
    a.peer.terminate();
    const end = await a.session.run.waitFor((f) => f.type === 'end', 3000, 'end');
    expect(end).toMatchObject({ reason: expect.stringMatching(/connection closed/) });
    expect(a.session.run.of('error', 'upstream')[0]).toMatchObject({ error: { code: 'connection_closed' }, fatal: false });
    const b = await connect();
    b.peer.sendMedia(mulaw.encode(tone(160, 8000)));
    await until(() => b.session.run.of('audio.input').length === 1, 3000, 'new session served');
  });
});
