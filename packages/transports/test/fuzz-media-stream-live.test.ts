/**
 * Fuzzing the Twilio and Telnyx transports live, over real sockets on 127.0.0.1: after `start`, each generated
 * case sends random text, mutated valid messages and binary frames on one connection, then a valid media message.
 * Every rejected message must come out of the pipeline as a typed non-fatal error frame (`transport_protocol`,
 * `foreign_stream` or `media_sequence`, with a `code`), the valid media after the garbage must still arrive as
 * audio, nothing may escape as an uncaught exception or unhandled rejection, and the server keeps running.
 */
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { attachTelnyxServer, attachTwilioServer, telnyxDialect, twilioDialect, type MediaStreamDialect, type MediaStreamTransport, type WebSocketEndpoint } from '@voxframe/transports';
import { EscapeGuard, garbageText, mutatedText } from './helpers/fuzz';
import { RecordedRun, roundTrip, startServer, until, type TestServer } from './helpers/session';

const RUNS = Number(process.env.FUZZ_LIVE_RUNS ?? 25);
const TYPED_CODES = ['transport_protocol', 'foreign_stream', 'media_sequence'];

interface Dialect {
  readonly name: 'twilio' | 'telnyx';
  readonly parser: MediaStreamDialect;
  attach(server: TestServer, onSession: (t: MediaStreamTransport) => void): WebSocketEndpoint;
  start(id: string): unknown;
  media(id: string, chunk: number): unknown;
  valid(id: string): unknown[];
}

const PAYLOAD = Buffer.alloc(160, 0x7f).toString('base64');

const dialects: Dialect[] = [
  {
    name: 'twilio',
    parser: twilioDialect,
    // maxProtocolErrors high: the fuzz sends many bad messages on one connection on purpose.
    attach: (server, onSession) => attachTwilioServer(server.server, { maxProtocolErrors: 1_000_000, onSession }),
    start: (sid) => ({
      event: 'start', sequenceNumber: '1', streamSid: sid,
      start: { streamSid: sid, accountSid: 'AC1', callSid: 'CA1', tracks: ['inbound'], customParameters: {}, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
    }),
    media: (sid, chunk) => ({ event: 'media', sequenceNumber: String(chunk + 1), streamSid: sid, media: { track: 'inbound', chunk: String(chunk), timestamp: String(chunk * 20), payload: PAYLOAD } }),
    valid: (sid) => [
      { event: 'media', sequenceNumber: '2', streamSid: sid, media: { track: 'inbound', chunk: '1', timestamp: '0', payload: PAYLOAD } },
      { event: 'dtmf', sequenceNumber: '3', streamSid: sid, dtmf: { track: 'inbound_track', digit: '5' } },
      { event: 'mark', sequenceNumber: '4', streamSid: sid, mark: { name: 'm1' } },
      { event: 'connected', protocol: 'Call', version: '1.0.0' },
    ],
  },
  {
    name: 'telnyx',
    parser: telnyxDialect,
    attach: (server, onSession) => attachTelnyxServer(server.server, { maxProtocolErrors: 1_000_000, onSession }),
    start: (id) => ({ event: 'start', sequence_number: '1', stream_id: id, start: { call_control_id: 'v3:c', media_format: { encoding: 'PCMU', sample_rate: 8000, channels: 1 } } }),
    media: (id, chunk) => ({ event: 'media', sequence_number: String(chunk + 1), stream_id: id, media: { track: 'inbound', chunk: String(chunk), timestamp: String(chunk * 20), payload: PAYLOAD } }),
    valid: (id) => [
      { event: 'media', sequence_number: '2', stream_id: id, media: { track: 'inbound', chunk: '1', timestamp: '0', payload: PAYLOAD } },
      { event: 'dtmf', stream_id: id, payload: { digit: '#' } },
      { event: 'mark', stream_id: id, mark: { name: 'm' } },
      { event: 'error', payload: { code: 100003, title: 'Malformed frame' } },
    ],
  },
];

/** One inbound message of a case: text (random or mutated) or a binary frame. */
function inbound(dialect: Dialect, id: string): fc.Arbitrary<{ binary: boolean; data: string }> {
  return fc.oneof(
    { weight: 3, arbitrary: mutatedText(dialect.valid(id) as never[]).map((data) => ({ binary: false, data })) },
    { weight: 2, arbitrary: garbageText.map((data) => ({ binary: false, data })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ binary: true, data: Buffer.from(bytes).toString('latin1') })) },
  );
}

describe.each(dialects)('$name transport under fuzzed input', (dialect) => {
  let server: TestServer;
  let endpoint: WebSocketEndpoint;
  let runs: RecordedRun[];
  let peers: WebSocket[];
  const guard = new EscapeGuard();

  beforeAll(async () => {
    guard.install();
    runs = [];
    peers = [];
    server = await startServer();
    endpoint = dialect.attach(server, (transport) => {
      runs.push(new RecordedRun([transport.input(), transport.output()]));
    });
  });

  afterAll(async () => {
    for (const p of peers) p.terminate();
    for (const r of runs) await r.runner.cancel('test over');
    await endpoint.close();
    await server.close();
    guard.uninstall();
  });

  test('garbage and mutated messages give typed errors; valid media after them is still heard; nothing escapes', async () => {
    const id = 'stream-fuzz-1';
    const peer = new WebSocket(server.url(`/${dialect.name}`));
    peers.push(peer);
    await new Promise((resolve, reject) => {
      peer.once('open', resolve);
      peer.once('error', reject);
    });
    peer.send(JSON.stringify(dialect.start(id)));
    await until(() => runs.length === 1, 3000, 'the session');
    const run = runs[0];
    await run.waitFor((f) => f.type === 'start', 3000, 'start frame');
    let chunk = 100;
    await fc.assert(
      fc.asyncProperty(fc.array(inbound(dialect, id), { minLength: 1, maxLength: 8 }), async (messages) => {
        const errorsBefore = run.of('error', 'upstream').length;
        const audioBefore = run.of('audio.input').length;
        for (const m of messages) peer.send(m.binary ? Buffer.from(m.data, 'latin1') : m.data, { binary: m.binary });
        chunk += 1000; // far ahead of anything a mutation could have produced: a resync at worst, never "late"
        peer.send(JSON.stringify(dialect.media(id, chunk)));
        await roundTrip(peer);
        await until(() => run.of('audio.input').length > audioBefore, 3000, 'the valid media after the garbage');
        const errors = run.of('error', 'upstream').slice(errorsBefore);
        // Every message the parser rejects (and every binary frame) gives its own typed error.
        const rejected = messages.filter((m) => m.binary || !dialect.parser.parse(m.data).ok).length;
        expect(errors.length).toBeGreaterThanOrEqual(rejected);
        for (const e of errors) {
          expect(TYPED_CODES).toContain(e.error.code);
          expect(e.fatal).toBe(false);
        }
        expect(peer.readyState).toBe(WebSocket.OPEN);
        expect(guard.escaped).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    // A message that is certainly bad gives exactly one typed error.
    const before = run.of('error', 'upstream').length;
    peer.send('{not json');
    await until(() => run.of('error', 'upstream').length === before + 1, 3000, 'the typed error');
    expect(run.of('error', 'upstream')[before].error).toMatchObject({ code: 'transport_protocol', message: expect.stringMatching(/not JSON/) });
    expect(guard.escaped).toEqual([]);
  });
});
