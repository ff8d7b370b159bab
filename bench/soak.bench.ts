/**
 * `pnpm bench soak [--minutes N]` (default 10): a soak of the serving worker. Never part of the default or
 * `--quick` run (`namedOnly`): it takes minutes.
 *
 * A `createVoiceWorker` with the demo's offline echo agent (Silero VAD turn-taking, echo, output pacer) runs in a
 * child process (`soak-worker.ts`), so its figures are the worker's and not the callers'. This process plays 200
 * concurrent simulated Twilio calls (Media Streams JSON, base64 mu-law 8 kHz, 20 ms per message): real espeak-ng
 * speech with pauses, looped, so the agent hears turns and echoes them; marks are echoed as a Twilio playback
 * queue drained in real time would. Calls last `--call-seconds` (default 60) and are replaced when they end, so
 * sessions start and end throughout the soak (leaks per session show up as growth).
 *
 * Reported, from the worker itself (`GET /debug/soak`, enabled by `VOXFRAME_SOAK_DEBUG=1`): RSS and heap after
 * the warm-up vs at the end (both after a full GC; target growth < 5 %), active resources
 * (`process.getActiveResourcesInfo()`) idle before the calls and idle after them, event-loop delay p99 over the
 * measured window, CPU used, and sessions per core (concurrent sessions / cores' worth of CPU used).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { mulaw } from 'alawmulaw';
import { buildConversation, speechAvailability } from '../packages/processors/test/fixtures/speech';
import type { BenchRow } from './types';

const { WebSocket } = createRequire(join(__dirname, '..', 'packages', 'transports', 'package.json'))('ws') as typeof import('ws');
type WebSocket = import('ws').WebSocket;

/** This bench runs only when named: `pnpm bench soak`. */
export const namedOnly = true;

const CALLS = 200;
const FRAME_BYTES = 160; // 20 ms of mu-law at 8 kHz

function argValue(name: string): number | undefined {
  const args = process.argv;
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  if (eq) return Number(eq.slice(name.length + 3));
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? Number(args[i + 1]) : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface WorkerFigures {
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  activeResources: Record<string, number>;
  cpuMs: number;
  wallMs: number;
  lagP99Ms: number;
  lagMaxMs: number;
  activeSessions: number;
}

function debugRoute(port: number, path: string, method = 'GET'): Promise<WorkerFigures> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body) as WorkerFigures));
    });
    req.on('error', reject);
    req.end();
  });
}

async function startWorker(): Promise<{ child: ChildProcess; port: number }> {
  // One process (tsx as a loader, not its CLI, which would start another): --expose-gc reaches the worker.
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'soak-worker.ts')], {
    cwd: join(__dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, VOXFRAME_SOAK_DEBUG: '1' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`soak worker exited with ${code} before listening`)));
  });
  return { child, port };
}

/** One simulated Twilio call: streams the looped clip, drains a virtual playback queue, echoes marks. */
class Call {
  readonly socket: WebSocket;
  readonly #sid: string;
  #seq = 1;
  #chunk = 0;
  #cursor: number;
  #queued: ({ bytes: number } | { mark: string })[] = [];
  #open = false;
  receivedBytes = 0;
  readonly endsAt: number;

  constructor(url: string, index: number, offset: number, endsAt: number) {
    this.#sid = `MZsoak${index}`;
    this.#cursor = offset;
    this.endsAt = endsAt;
    this.socket = new WebSocket(url, { perMessageDeflate: false });
    this.socket.on('error', () => undefined);
    this.socket.once('open', () => {
      this.#open = true;
      this.#send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
      this.#send({
        event: 'start', sequenceNumber: String(this.#seq++), streamSid: this.#sid,
        start: { streamSid: this.#sid, accountSid: 'ACsoak', callSid: `CAsoak${index}`, tracks: ['inbound'], customParameters: {}, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
      });
    });
    this.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { event: string; media?: { payload: string }; mark?: { name: string } };
      if (message.event === 'media' && message.media) {
        const bytes = (message.media.payload.length * 3) / 4;
        this.receivedBytes += bytes;
        this.#queued.push({ bytes });
      } else if (message.event === 'mark' && message.mark) this.#queued.push({ mark: message.mark.name });
      else if (message.event === 'clear') {
        for (const q of this.#queued) if ('mark' in q) this.#send({ event: 'mark', sequenceNumber: String(this.#seq++), streamSid: this.#sid, mark: { name: q.mark } });
        this.#queued = [];
      }
    });
  }

  /** One 20 ms tick: send the next frame, play 20 ms of the queue. */
  tick(frames: readonly string[]): void {
    if (!this.#open || this.socket.readyState !== WebSocket.OPEN) return;
    this.#chunk += 1;
    this.#send({
      event: 'media', sequenceNumber: String(this.#seq++), streamSid: this.#sid,
      media: { track: 'inbound', chunk: String(this.#chunk), timestamp: String((this.#chunk - 1) * 20), payload: frames[this.#cursor] },
    });
    this.#cursor = (this.#cursor + 1) % frames.length;
    let budget = FRAME_BYTES;
    while (this.#queued.length > 0) {
      const head = this.#queued[0];
      if ('mark' in head) {
        this.#send({ event: 'mark', sequenceNumber: String(this.#seq++), streamSid: this.#sid, mark: { name: head.mark } });
        this.#queued.shift();
      } else if (budget <= 0) break;
      else if (head.bytes <= budget) {
        budget -= head.bytes;
        this.#queued.shift();
      } else {
        head.bytes -= budget;
        budget = 0;
      }
    }
  }

  /** Hangs up as Twilio does: `stop`, then the socket closes. */
  hangUp(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN) {
      this.#send({ event: 'stop', sequenceNumber: String(this.#seq++), streamSid: this.#sid, stop: { accountSid: 'ACsoak', callSid: this.#sid } });
      this.socket.close(1000);
    } else this.socket.terminate();
    return new Promise((resolve) => (this.socket.readyState === WebSocket.CLOSED ? resolve() : this.socket.once('close', () => resolve())));
  }

  #send(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }
}

/** The caller clip: espeak-ng speech with pauses long enough for the VAD to end each turn, as base64 20 ms frames. */
async function callerFrames(): Promise<string[]> {
  const clip = await buildConversation(
    [
      { text: 'Hello, I would like to check the status of my order please.', silenceAfterMs: 2500 },
      { text: 'It was placed last Tuesday, number four two seven.', silenceAfterMs: 2500 },
      { text: 'Thank you, that is all I needed today.', silenceAfterMs: 2500 },
    ],
    8000,
  );
  const bytes = mulaw.encode(clip.samples);
  const frames: string[] = [];
  for (let at = 0; at + FRAME_BYTES <= bytes.length; at += FRAME_BYTES) frames.push(Buffer.from(bytes.subarray(at, at + FRAME_BYTES)).toString('base64'));
  return frames;
}

const mb = (bytes: number): number => bytes / (1024 * 1024);
const total = (resources: Record<string, number>): number => Object.values(resources).reduce((a, b) => a + b, 0);
const describe = (resources: Record<string, number>): string =>
  Object.entries(resources)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

export async function run(options: { quick: boolean }): Promise<BenchRow[]> {
  const status = speechAvailability();
  if (!status.available) throw new Error(`soak needs speech: ${status.reason}`);
  const minutes = argValue('minutes') ?? (options.quick ? 1 : 10);
  const callSeconds = argValue('call-seconds') ?? 60;
  const totalMs = minutes * 60_000;
  const warmupMs = Math.min(120_000, Math.max(30_000, totalMs * 0.2));
  const frames = await callerFrames();
  const { child, port } = await startWorker();
  const url = `ws://127.0.0.1:${port}/twilio`;
  const log = (text: string): void => void process.stderr.write(`soak: ${text}\n`);
  try {
    const idleBefore = await debugRoute(port, '/debug/soak?gc=1');
    const calls = new Set<Call>();
    let index = 0;
    let callsEnded = 0;
    let callsWithoutEcho = 0;
    let receivedBytes = 0;
    const started = Date.now();
    const open = (endsAt: number): void => {
      calls.add(new Call(url, index, (index * 37) % frames.length, endsAt));
      index += 1;
    };
    // Ramp up over 10 s; end times spread over one call length so calls end and start throughout.
    for (let i = 0; i < CALLS; i++) {
      open(started + 10_000 + Math.round(((i + 1) / CALLS) * callSeconds * 1000));
      if (i % 20 === 19) await sleep(1000);
    }
    let stopping = false;
    const hangUps: Promise<void>[] = [];
    const ticker = setInterval(() => {
      const now = Date.now();
      for (const call of calls) {
        if (!stopping && now >= call.endsAt) {
          calls.delete(call);
          callsEnded += 1;
          receivedBytes += call.receivedBytes;
          // Only calls long enough to have finished a turn are expected to have heard an echo.
          if (call.receivedBytes === 0) callsWithoutEcho += 1;
          hangUps.push(call.hangUp());
          open(now + callSeconds * 1000);
        } else call.tick(frames);
      }
    }, 20);

    await sleep(Math.max(0, started + warmupMs - Date.now()));
    const warm = await debugRoute(port, '/debug/soak/reset?gc=1', 'POST');
    log(`warm-up done (${(warmupMs / 1000).toFixed(0)} s): rss ${mb(warm.rssBytes).toFixed(1)} MB, heap ${mb(warm.heapUsedBytes).toFixed(1)} MB, ${warm.activeSessions} sessions`);
    let peakRss = warm.rssBytes;
    while (Date.now() < started + totalMs) {
      await sleep(Math.min(15_000, Math.max(0, started + totalMs - Date.now())));
      const sample = await debugRoute(port, '/debug/soak');
      peakRss = Math.max(peakRss, sample.rssBytes);
      log(`${((Date.now() - started) / 1000).toFixed(0)} s: rss ${mb(sample.rssBytes).toFixed(1)} MB, heap ${mb(sample.heapUsedBytes).toFixed(1)} MB, lag p99 ${sample.lagP99Ms.toFixed(1)} ms, ${sample.activeSessions} sessions, ${callsEnded} calls ended`);
    }
    const end = await debugRoute(port, '/debug/soak?gc=1');
    stopping = true;
    clearInterval(ticker);
    for (const call of calls) hangUps.push(call.hangUp());
    await Promise.all(hangUps);
    const deadline = Date.now() + 10_000;
    let idleAfter = await debugRoute(port, '/debug/soak?gc=1');
    while (idleAfter.activeSessions > 0 && Date.now() < deadline) {
      await sleep(250);
      idleAfter = await debugRoute(port, '/debug/soak?gc=1');
    }
    await sleep(1000);
    idleAfter = await debugRoute(port, '/debug/soak?gc=1');
    for (const call of calls) receivedBytes += call.receivedBytes;

    const measuredS = end.wallMs / 1000;
    const cores = end.cpuMs / end.wallMs;
    const rssGrowth = (end.rssBytes - warm.rssBytes) / warm.rssBytes;
    const heapGrowth = (end.heapUsedBytes - warm.heapUsedBytes) / warm.heapUsedBytes;
    const window = `${minutes} min soak (${(warmupMs / 1000).toFixed(0)} s warm-up, ${measuredS.toFixed(0)} s measured), ${CALLS} concurrent Twilio calls of ${callSeconds} s`;
    return [
      {
        name: 'worker RSS at end (after GC)', value: mb(end.rssBytes), unit: 'MB', anchor: 'after warm-up', anchorValue: mb(warm.rssBytes),
        ratio: end.rssBytes / warm.rssBytes, target: 'growth < 5 %', pass: rssGrowth < 0.05,
        notes: `${window}; growth ${(rssGrowth * 100).toFixed(1)} %, peak ${mb(peakRss).toFixed(1)} MB`,
      },
      {
        name: 'worker heap used at end (after GC)', value: mb(end.heapUsedBytes), unit: 'MB', anchor: 'after warm-up', anchorValue: mb(warm.heapUsedBytes),
        ratio: end.heapUsedBytes / warm.heapUsedBytes, target: 'growth < 5 %', pass: heapGrowth < 0.05,
        notes: `growth ${(heapGrowth * 100).toFixed(1)} %; external ${mb(warm.externalBytes).toFixed(1)} -> ${mb(end.externalBytes).toFixed(1)} MB`,
      },
      {
        name: 'active resources idle, after the soak', value: total(idleAfter.activeResources), unit: 'handles', anchor: 'idle, before the first call',
        anchorValue: total(idleBefore.activeResources), ratio: total(idleAfter.activeResources) / total(idleBefore.activeResources),
        target: 'no more than before', pass: total(idleAfter.activeResources) <= total(idleBefore.activeResources),
        notes: `before: ${describe(idleBefore.activeResources)}; under load at end: ${describe(end.activeResources)}; after: ${describe(idleAfter.activeResources)} (${idleAfter.activeSessions} sessions left)`,
      },
      { name: 'event-loop delay p99 (measured window)', value: end.lagP99Ms, unit: 'ms', notes: `max ${end.lagMaxMs.toFixed(1)} ms; monitorEventLoopDelay, 10 ms resolution` },
      { name: 'worker CPU', value: cores * 100, unit: '% of one core', notes: `${(end.cpuMs / 1000).toFixed(1)} s CPU over ${measuredS.toFixed(0)} s` },
      { name: 'sessions per core', value: end.activeSessions / cores, unit: 'sessions', notes: `${end.activeSessions} concurrent sessions at ${(cores * 100).toFixed(0)} % of one core (Silero VAD + echo + pacer per call)` },
      {
        name: 'calls ended without any echo', value: callsWithoutEcho, unit: 'calls', anchor: 'calls ended', anchorValue: callsEnded,
        ratio: callsEnded > 0 ? callsWithoutEcho / callsEnded : Number.NaN, target: '0', pass: callsWithoutEcho === 0,
        notes: `${mb(receivedBytes).toFixed(1)} MB of echoed mu-law received in all; ${index} calls started`,
      },
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  }
}
