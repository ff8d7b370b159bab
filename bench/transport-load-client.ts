/**
 * Load client for `transport.bench.ts`, run in a child process so its CPU is not counted: opens N WebSocket
 * sessions and, from one 20 ms ticker, sends each one a message per tick (browser protocol binary PCM16 16 kHz,
 * or Twilio media JSON+base64 mu-law), as real callers would. Prints `measure-start` after the warm-up and
 * `measure-end <sent> <received>` after the measured window, then exits.
 *
 * Not a bench module (no `.bench.ts` suffix): started by transport.bench.ts.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

// `ws` is a dependency of @voxframe/transports, not of the workspace root: load it from there.
const { WebSocket } = createRequire(join(__dirname, '..', 'packages', 'transports', 'package.json'))('ws') as typeof import('ws');
type WebSocket = import('ws').WebSocket;

const [url, mode, sessionsArg, warmupArg, secondsArg] = process.argv.slice(2);
const sessions = Number(sessionsArg);
const warmupMs = Number(warmupArg) * 1000;
const measureMs = Number(secondsArg) * 1000;

const pcm = Buffer.alloc(640);
for (let i = 0; i < 320; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin(i / 5)), i * 2);
const mulawPayload = Buffer.alloc(160, 0x7f).toString('base64');

let received = 0;
let sent = 0;
const sockets: WebSocket[] = [];

function open(index: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', () => {
      received += 1;
    });
    ws.once('error', reject);
    ws.once('open', () => {
      if (mode === 'binary') ws.send(JSON.stringify({ type: 'hello', version: 1, sampleRate: 16000, outputSampleRate: 16000 }));
      else if (mode === 'twilio') {
        const sid = `MZ${index}`;
        ws.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
        ws.send(JSON.stringify({ event: 'start', sequenceNumber: '1', streamSid: sid, start: { streamSid: sid, accountSid: 'AC', callSid: `CA${index}`, tracks: ['inbound'], customParameters: {}, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } }));
      }
      resolve(ws);
    });
  });
}

async function main(): Promise<void> {
  for (let i = 0; i < sessions; i++) sockets.push(await open(i));
  const seq = new Array<number>(sessions).fill(1);
  const started = Date.now();
  let measuring = false;
  let sentAtStart = 0;
  let receivedAtStart = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < sockets.length; i++) {
      const ws = sockets[i];
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (mode === 'binary') ws.send(pcm, { binary: true });
      else {
        seq[i] += 1;
        ws.send(`{"event":"media","sequenceNumber":"${seq[i]}","streamSid":"MZ${i}","media":{"track":"inbound","chunk":"${seq[i]}","timestamp":"${seq[i] * 20}","payload":"${mulawPayload}"}}`);
      }
      sent += 1;
    }
    const elapsed = Date.now() - started;
    if (!measuring && elapsed >= warmupMs) {
      measuring = true;
      sentAtStart = sent;
      receivedAtStart = received;
      process.stdout.write('measure-start\n');
    } else if (measuring && elapsed >= warmupMs + measureMs) {
      clearInterval(timer);
      process.stdout.write(`measure-end ${sent - sentAtStart} ${received - receivedAtStart}\n`);
      for (const ws of sockets) ws.terminate();
      setTimeout(() => process.exit(0), 50);
    }
  }, 20);
}

main().catch((error: unknown) => {
  process.stderr.write(`load client failed: ${String(error)}\n`);
  process.exit(1);
});
