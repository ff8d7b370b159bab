/**
 * Fuzzing the browser WebSocket transport live, over a real socket on 127.0.0.1: after `hello`, each generated
 * case sends random text, mutated valid control messages and binary frames of any length (odd ones included),
 * then a valid `text` message. Every control message the parser rejects must be answered with a typed `error`
 * frame (`code: 'transport_protocol'`, not fatal), the valid message after the garbage must still reach the
 * pipeline, the socket stays open and nothing escapes as an uncaught exception or unhandled rejection.
 */
import fc from 'fast-check';
import { attachVoiceServer, parseClientMessage, type WebSocketEndpoint } from '@voxframe/transports';
import { EscapeGuard, garbageText, mutatedText } from './helpers/fuzz';
import { RecordedRun, roundTrip, startServer, until, type TestServer } from './helpers/session';
import { TestVoiceClient } from './helpers/voice-client';

const RUNS = Number(process.env.FUZZ_LIVE_RUNS ?? 25);

// `bye` is left out: it ends the session, as it should.
const valid = [
  { type: 'hello', version: 1, sampleRate: 16000, outputSampleRate: 48000, client: 'fuzz' },
  { type: 'played', utteranceId: 'u1', playedMs: 120, final: false },
  { type: 'text', text: 'hello' },
  { type: 'interrupt' },
];

const notBye = (text: string): boolean => {
  const parsed = parseClientMessage(text);
  return !(parsed.ok && parsed.message.type === 'bye');
};

const inbound = fc.oneof(
  { weight: 3, arbitrary: mutatedText(valid as never[]).filter(notBye).map((data) => ({ binary: false as const, data })) },
  { weight: 2, arbitrary: garbageText.filter(notBye).map((data) => ({ binary: false as const, data })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 641 }).map((bytes) => ({ binary: true as const, data: Buffer.from(bytes) })) },
);

let server: TestServer;
let endpoint: WebSocketEndpoint;
const runs: RecordedRun[] = [];
const guard = new EscapeGuard();

beforeAll(async () => {
  guard.install();
  server = await startServer();
  // maxMessagesPerSecond high: the fuzz sends bursts on purpose (the rate limit has its own tests).
  endpoint = attachVoiceServer(server.server, {
    maxMessagesPerSecond: 1_000_000,
    onSession: (transport) => {
      runs.push(new RecordedRun([transport.input(), transport.output()]));
    },
  });
});

afterAll(async () => {
  for (const r of runs) await r.runner.cancel('test over');
  await endpoint.close();
  await server.close();
  guard.uninstall();
});

test('garbage and mutated control messages get typed error frames; the session keeps running; nothing escapes', async () => {
  const client = new TestVoiceClient(server.url('/voice'));
  await client.hello(16000);
  await until(() => runs.length === 1, 3000, 'the session');
  const run = runs[0];
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(inbound, { minLength: 1, maxLength: 8 }), async (messages) => {
        const errorsBefore = client.json.filter((m) => m.type === 'error').length;
        for (const m of messages) client.sendRaw(m.data, m.binary);
        n += 1;
        const marker = `still here ${n}`;
        client.send({ type: 'text', text: marker });
        await roundTrip(client.socket);
        await until(() => run.of('text').some((f) => f.text === marker), 3000, 'the valid message after the garbage');
        await roundTrip(client.socket);
        const errors = client.json.filter((m) => m.type === 'error').slice(errorsBefore);
        const rejected = messages.filter((m) => !m.binary && !parseClientMessage(m.data).ok).length;
        expect(errors.length).toBeGreaterThanOrEqual(rejected);
        for (const e of errors) expect(e).toMatchObject({ code: 'transport_protocol', fatal: false, message: expect.any(String) });
        expect(client.socket.readyState).toBe(client.socket.OPEN);
        expect(guard.escaped).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  } finally {
    client.socket.terminate();
  }
});
