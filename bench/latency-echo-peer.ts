/**
 * Provider peer for `latency.bench.ts`, run in a child process so its CPU and event loop are apart from the server
 * under test: a minimal OpenAI Realtime (GA) service on 127.0.0.1 that answers the handshake (`session.created`,
 * `session.update` -> `session.updated`, one open response) and then answers each `input_audio_buffer.append` at
 * once with a `response.output_audio.delta` carrying the same audio: no scripted delay, no VAD, no pacing.
 * Prints `port <n>` when listening; exits when its stdin closes (the bench ended, or died).
 *
 * Not a bench module (no `.bench.ts` suffix): started by latency.bench.ts.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

// `ws` is a dependency of the packages, not of the workspace root: load it from there.
const { WebSocketServer } = createRequire(join(__dirname, '..', 'packages', 'transports', 'package.json'))('ws') as typeof import('ws');

const server = createServer((_req, res) => res.writeHead(426).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });
let sessions = 0;

wss.on('connection', (ws) => {
  sessions += 1;
  const id = sessions;
  let events = 0;
  const eventId = (): string => `event_${id}_${(events += 1)}`;
  const send = (event: Record<string, unknown>): void => ws.send(JSON.stringify({ event_id: eventId(), ...event }));
  send({ type: 'session.created', session: { id: `sess_${id}`, object: 'realtime.session', type: 'realtime' } });
  ws.on('message', (data: Buffer) => {
    const event = JSON.parse(data.toString('utf8')) as { type?: string; audio?: string; session?: unknown };
    if (event.type === 'input_audio_buffer.append' && typeof event.audio === 'string') {
      // Hand-built: the reply of every frame, the only per-frame work of the peer.
      ws.send(
        `{"type":"response.output_audio.delta","event_id":"${eventId()}","response_id":"resp_${id}","item_id":"item_${id}","output_index":0,"content_index":0,"delta":"${event.audio}"}`,
      );
    } else if (event.type === 'session.update') {
      send({ type: 'session.updated', session: event.session });
      // One response that never ends: every echoed delta belongs to it, as a long model reply would.
      send({ type: 'response.created', response: { id: `resp_${id}`, object: 'realtime.response', status: 'in_progress', output: [] } });
      send({
        type: 'response.output_item.added',
        response_id: `resp_${id}`,
        output_index: 0,
        item: { id: `item_${id}`, object: 'realtime.item', type: 'message', role: 'assistant', status: 'in_progress', content: [] },
      });
    }
  });
});

process.stdin.on('close', () => process.exit(0));
process.stdin.resume();

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
});
