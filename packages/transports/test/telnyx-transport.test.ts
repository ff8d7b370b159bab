import { WebSocket } from 'ws';
import { makeFrame } from '@voxframe/core';
import { attachTelnyxServer, type TelnyxTransport, type WebSocketEndpoint } from '@voxframe/transports';
import { RecordedRun, startServer, until, type TestServer } from './helpers/session';

let server: TestServer;
let endpoint: WebSocketEndpoint;
const sessions: { transport: TelnyxTransport; run: RecordedRun }[] = [];

beforeAll(async () => {
  server = await startServer();
  endpoint = attachTelnyxServer(server.server, {
    onSession: (transport) => {
      sessions.push({ transport, run: new RecordedRun([transport.input(), transport.output()]) });
    },
  });
});

afterAll(async () => {
  for (const s of sessions) await s.run.runner.cancel();
  await endpoint.close();
  await server.close();
});

test('a Telnyx L16 16 kHz stream: big-endian audio in and out, clear and marks without stream ids, error events reported', async () => {
  const peer = new WebSocket(server.url('/telnyx'));
  const received: Record<string, unknown>[] = [];
  peer.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise((resolve) => peer.once('open', resolve));
  peer.send(JSON.stringify({ event: 'connected', version: '1.0.0' }));
  peer.send(JSON.stringify({
    event: 'start', sequence_number: '1', stream_id: 'st-9',
    start: { call_control_id: 'v3:call', media_format: { encoding: 'L16', sample_rate: 16000, channels: 1 }, custom_parameters: { tenant: 'acme' } },
  }));
  await until(() => sessions.length === 1, 3000, 'session');
  const { transport, run } = sessions[0];
  await transport.started;
  await run.waitFor((f) => f.type === 'start');
  expect(transport.customParameters).toEqual({ tenant: 'acme' });

  const wire = Buffer.alloc(640);
  for (let i = 0; i < 320; i++) wire.writeInt16BE(i * 50 - 8000, i * 2);
  peer.send(JSON.stringify({ event: 'media', sequence_number: '2', stream_id: 'st-9', media: { track: 'inbound', chunk: '1', timestamp: '0', payload: wire.toString('base64') } }));
  const input = await run.waitFor((f) => f.type === 'audio.input');
  expect(input).toMatchObject({ sampleRate: 16000 });
  expect((input as { samples: Int16Array }).samples[1]).toBe(50 - 8000);

  const pcm = new Int16Array(320).map((_, i) => i * 7);
  run.runner.push(makeFrame('audio.output', { samples: pcm, sampleRate: 16000, channels: 1, utteranceId: 'u' }));
  run.runner.push(makeFrame('turn.end', { role: 'assistant', status: 'completed', utteranceId: 'u' }));
  run.runner.push(makeFrame('interruption.start', { reason: 'user-speech' }));
  await until(() => received.some((m) => m.event === 'clear'), 3000, 'clear');
  const media = received.find((m) => m.event === 'media') as { media: { payload: string }; stream_id?: string };
  expect(media.stream_id).toBeUndefined();
  expect(Buffer.from(media.media.payload, 'base64').readInt16BE(2)).toBe(7);
  expect(received.find((m) => m.event === 'mark')).toMatchObject({ mark: { name: expect.any(String) } });
  expect(received.find((m) => m.event === 'clear')).toEqual({ event: 'clear' });

  peer.send(JSON.stringify({ event: 'error', payload: { code: 100003, title: 'Malformed frame', detail: 'payload too short' } }));
  const error = await run.waitFor((f) => f.type === 'error');
  expect(error).toMatchObject({ fatal: false, error: { code: 'transport_protocol', message: expect.stringMatching(/carrier error 100003: payload too short/) } });
  peer.send(JSON.stringify({ event: 'stop', sequence_number: '9', stream_id: 'st-9' }));
  await run.waitFor((f) => f.type === 'end');
  peer.close();
});
