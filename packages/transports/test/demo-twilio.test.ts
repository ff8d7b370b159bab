/**
 * The demo's Twilio endpoint end to end: a simulated Twilio peer streams generated speech (mu-law 8 kHz, 20 ms
 * frames at real time) into `tsx demo/server.ts`; the echo agent (Silero VAD turn-taking) answers with paced
 * mu-law media and marks, and speaking over the answer makes the server send `clear`.
 */
import { mulaw } from 'alawmulaw';
import { buildConversation, describeWithSpeech } from '../../processors/test/fixtures/speech';
import { startDemo, type DemoProcess } from './helpers/demo-process';
import { FakeTwilio } from './helpers/fake-twilio';
import { until } from './helpers/session';

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
