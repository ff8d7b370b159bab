/**
 * The demo's Twilio endpoint end to end: a simulated Twilio peer streams generated speech (mu-law 8 kHz, 20 ms
 * frames at real time) into `tsx demo/server.ts`; the echo agent (Silero VAD turn-taking) answers with paced
 * mu-law media and marks, and speaking over the answer makes the server send `clear`.
 */
import { mulaw } from 'alawmulaw';
import { buildConversation, describeWithSpeech } from '../../processors/test/fixtures/speech';
import { startDemo, type DemoProcess } from './helpers/demo-process';
import { FakeTwilio } from './helpers/fake-twilio';
import { httpRequest, roundTrip, until } from './helpers/session';

describeWithSpeech('demo server, Twilio Media Streams with a simulated peer', () => {
  let demo: DemoProcess | undefined;
  let peer: FakeTwilio | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;

  afterAll(async () => {
    if (ticker) clearInterval(ticker);
    peer?.terminate();
    await demo?.stop();
  });

  test('the echo agent answers a caller with paced media and marks, and barge-in sends clear', async () => {
    const clip = await buildConversation(
      [
        { text: 'Hello, I am calling to test the echo agent on the phone.', silenceAfterMs: 1800 },
        { text: 'And now I talk over the answer to interrupt it.', silenceAfterMs: 2000 },
      ],
      8000,
      { leadSilenceMs: 600 },
    );
    demo = await startDemo();
    peer = new FakeTwilio({ url: demo.url.replace('http', 'ws') + '/twilio', customParameters: { source: 'test' } });
    await peer.begin();
    peer.startPlayback(10);
    const encoded = mulaw.encode(clip.samples);
    let offset = 0;
    const caller = peer;
    // Real time, like Twilio: one 20 ms frame every 20 ms.
    ticker = setInterval(() => {
      if (offset >= encoded.length) return;
      caller.sendMedia(encoded.subarray(offset, offset + 160));
      offset += 160;
    }, 20);

    await until(() => caller.media.length >= 25, 20_000, 'the echo to start (500 ms of media)');
    const firstEchoMs = caller.media[0].atMs;
    await until(() => caller.clears.length >= 1, 20_000, 'clear after barge-in');
    expect(caller.violations).toEqual([]);
    expect(caller.marksSent.length).toBeGreaterThan(0);
    expect(caller.marksEchoed.length).toBeGreaterThan(0);
    expect(caller.media.every((m) => m.bytes.length === 160)).toBe(true);
    // The barge-in cut the echo: far less was sent than the first utterance lasted.
    const firstSpanMs = clip.spans[0].endMs - clip.spans[0].startMs;
    const sentBeforeClearMs = caller.media.filter((m) => m.atMs <= caller.clears[0]).length * 20;
    expect(sentBeforeClearMs).toBeLessThan(firstSpanMs);
    expect(caller.clears[0]).toBeGreaterThan(firstEchoMs);
    clearInterval(ticker);
    caller.sendStop();
    caller.close();
  }, 60_000);
});

describe('demo server, Twilio endpoint edge cases', () => {
  let demo: DemoProcess | undefined;
  let peer: FakeTwilio | undefined;

  afterAll(async () => {
    peer?.terminate();
    await demo?.stop();
  });

  test('/twiml answers with a query string; a protocol error is logged once, without a stack trace', async () => {
    demo = await startDemo({ VOXFRAME_LOG_LEVEL: 'info' });
    const twiml = await httpRequest(`${demo.url}/twiml?x=1`, { method: 'POST', body: new URLSearchParams({ CallSid: 'CA1' }).toString() });
    expect(twiml.status).toBe(200);
    expect(twiml.text).toMatch(/<Stream url="wss:\/\/127\.0\.0\.1:\d+\/twilio">/);
    peer = new FakeTwilio({ url: demo.url.replace('http', 'ws') + '/twilio' });
    await peer.begin();
    peer.sendRaw('{not json');
    peer.sendMedia(mulaw.encode(new Int16Array(160)));
    await roundTrip(peer.socket);
    const caller = peer;
    const running = demo;
    await until(() => running.output().includes('not JSON'), 5000, 'the protocol error in the log');
    caller.sendStop();
    await until(() => running.output().includes('session finished'), 5000, 'the session to finish');
    const lines = running.output().split('\n').filter((l) => l.includes('not JSON'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/"stack"/);
  }, 60_000);
});
