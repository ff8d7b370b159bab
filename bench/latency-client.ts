/**
 * Client for `latency.bench.ts`, run in a child process so only the server's CPU is measured: N sessions speaking
 * the browser voice protocol (`hello` at 24 kHz both ways, then binary PCM16), each sending a 20 ms frame every
 * 20 ms from one shared ticker, the sessions' phases spread evenly over the 20 ms (as independent callers are), or
 * all aligned on the same tick (`aligned`: the worst case, every session's frame queued behind all the others).
 * Each frame carries a sequence number in its first sample; the reply with the same number gives the round trip.
 *
 * Prints `measure-start` after the warm-up and `measure-end <json>` (round-trip percentiles, counts) after the
 * measured window, then exits. Not a bench module (no `.bench.ts` suffix): started by latency.bench.ts.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { percentile } from './stats';

// `ws` is a dependency of the packages, not of the workspace root: load it from there.
const { WebSocket } = createRequire(join(__dirname, '..', 'packages', 'transports', 'package.json'))('ws') as typeof import('ws');
type WebSocket = import('ws').WebSocket;

const [url, sessionsArg, warmupArg, secondsArg, phasesArg] = process.argv.slice(2);
/** `spread`: session i sends at i/N of the 20 ms period; `aligned`: all sessions send in the same tick (worst case). */
const aligned = phasesArg === 'aligned';
const sessions = Number(sessionsArg);
const warmupMs = Number(warmupArg) * 1000;
const measureMs = Number(secondsArg) * 1000;

const RATE = 24000;
const FRAME_MS = 20;
const FRAME_SAMPLES = (RATE * FRAME_MS) / 1000;
/** Send times kept per session, indexed by sequence number modulo this (replies come back well within it). */
const RING = 1024;

interface Session {
  readonly ws: WebSocket;
  readonly sentAt: Float64Array;
  readonly frame: Buffer;
  seq: number;
  nextDueMs: number;
}

const rtts: number[] = [];
let measuring = false;
let sent = 0;
let received = 0;
let lost = 0;

function open(index: number): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const frame = Buffer.alloc(FRAME_SAMPLES * 2);
    for (let i = 1; i < FRAME_SAMPLES; i++) frame.writeInt16LE(Math.round(3000 * Math.sin((i + index) / 7)), i * 2);
    const session: Session = { ws, sentAt: new Float64Array(RING), frame, seq: 0, nextDueMs: 0 };
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        if (data.toString('utf8').includes('"type":"ready"')) resolve(session);
        return;
      }
      const now = performance.now();
      const slot = (data.readInt16LE(0) & 0x7fff) % RING;
      const at = session.sentAt[slot];
      session.sentAt[slot] = 0;
      if (at === 0) {
        lost += 1; // a reply we did not expect (or a duplicate): counted, not timed
        return;
      }
      if (measuring) {
        received += 1;
        rtts.push(now - at);
      }
    });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', version: 1, sampleRate: RATE, outputSampleRate: RATE, client: 'latency-bench' })));
  });
}

async function main(): Promise<void> {
  const all: Session[] = [];
  for (let i = 0; i < sessions; i++) all.push(await open(i));
  const started = performance.now();
  all.forEach((s, i) => (s.nextDueMs = started + (aligned ? 0 : (i * FRAME_MS) / sessions)));
  let measureStarted = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    for (const s of all) {
      if (s.nextDueMs > now) continue;
      // Late ticks send at once and keep the schedule (no burst of catch-up frames beyond one per session).
      s.nextDueMs = Math.max(s.nextDueMs + FRAME_MS, now - FRAME_MS);
      s.seq = (s.seq + 1) & 0x7fff;
      s.frame.writeInt16LE(s.seq, 0);
      s.sentAt[s.seq % RING] = performance.now();
      s.ws.send(s.frame, { binary: true });
      if (measuring) sent += 1;
    }
    if (!measuring && measureStarted === 0 && now - started >= warmupMs) {
      measuring = true;
      measureStarted = now;
      process.stdout.write('measure-start\n');
    } else if (measuring && now - measureStarted >= measureMs) {
      measuring = false;
      clearInterval(timer);
      rtts.sort((a, b) => a - b);
      const result = { sent, received, lost, p50: percentile(rtts, 50), p90: percentile(rtts, 90), p99: percentile(rtts, 99), max: rtts[rtts.length - 1] ?? Number.NaN };
      process.stdout.write(`measure-end ${JSON.stringify(result)}\n`);
      for (const s of all) s.ws.terminate();
      setTimeout(() => process.exit(0), 50);
    }
  }, 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`latency client failed: ${String(error)}\n`);
  process.exit(1);
});
