/**
 * Transport benchmarks (the targets table in docs/benchmarks.md):
 * - WebSocket transport CPU per message, binary PCM16 and Twilio JSON+base64 (deflate off), beside raw `ws` doing
 *   the same socket work in the same run;
 * - Twilio sessions per core through our pipeline (input -> loopback agent -> output), mu-law pass-through and full
 *   transcoding (8k -> 24k -> 8k), beside a minimal hand-written bridge doing the same audio work;
 * - barge-in: interruption -> Twilio `clear` / browser `flush` written to the socket, p50/p99.
 *
 * Load comes from a child process (bench/transport-load-client.ts) so only the server's CPU is measured; it drives
 * all sessions interleaved from one 20 ms ticker, like real callers. The provider hop is not included in either
 * side of the Twilio comparison (loopback instead of an S2S socket), so the ratio isolates our overhead.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { WebSocket, WebSocketServer as WebSocketServerType } from 'ws';
import {
  FrameProcessor,
  PipelineRunner,
  makeFrame,
  pipeline,
  silentLogger,
  type Frame,
  type FrameDirection,
} from '@voxframe/core';
import {
  TwilioTransport,
  WebSocketTransport,
  attachTwilioServer,
  attachVoiceServer,
  defaultResamplerFactory,
  type StreamingResampler,
} from '@voxframe/transports';
import type { BenchRow } from './types';
import { percentile } from './stats';

// `ws` is a dependency of @voxframe/transports, not of the workspace root: load it from there.
const wsModule = createRequire(join(__dirname, '..', 'packages', 'transports', 'package.json'))('ws') as typeof import('ws');
const WebSocketServer: typeof WebSocketServerType = wsModule.WebSocketServer;

/** The "agent" of the bench: input audio straight back out (at `outRate` when given, via a resampler). */
class Loopback extends FrameProcessor {
  readonly #resampler: StreamingResampler | undefined;
  readonly #outRate: number | undefined;
  constructor(resampler?: StreamingResampler, outRate?: number) {
    super({ name: 'Loopback' });
    this.#resampler = resampler;
    this.#outRate = outRate;
  }
  protected override process(frame: Frame, direction: FrameDirection): void {
    if (frame.type !== 'audio.input') {
      this.push(frame, direction);
      return;
    }
    const samples = this.#resampler ? this.#resampler.process(frame.samples) : frame.samples;
    this.push(makeFrame('audio.output', { samples, sampleRate: this.#outRate ?? frame.sampleRate, channels: 1, utteranceId: 'bench' }));
  }
}

interface LoadResult {
  readonly cpuUs: number;
  readonly wallMs: number;
  readonly sent: number;
  readonly received: number;
}

async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Runs the load client against `url` and measures this process's CPU over the client's measured window. */
function load(url: string, mode: 'binary' | 'twilio', sessions: number, warmupS: number, seconds: number): Promise<LoadResult> {
  const client = join(__dirname, 'transport-load-client.ts');
  const tsx = join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const child = spawn(process.execPath, [tsx, client, url, mode, String(sessions), String(warmupS), String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let cpu0: NodeJS.CpuUsage | undefined;
    let t0 = 0;
    let buffer = '';
    let errors = '';
    child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line === 'measure-start') {
          cpu0 = process.cpuUsage();
          t0 = performance.now();
        } else if (line.startsWith('measure-end') && cpu0 !== undefined) {
          const cpu = process.cpuUsage(cpu0);
          const [, sent, received] = line.split(' ');
          resolve({ cpuUs: cpu.user + cpu.system, wallMs: performance.now() - t0, sent: Number(sent), received: Number(received) });
        }
      }
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load client exited with ${code}: ${errors}`));
    });
  });
}

type Scenario = (server: Server) => { close(): Promise<void> | void };

async function measure(scenario: Scenario, path: string, mode: 'binary' | 'twilio', sessions: number, seconds: number): Promise<LoadResult> {
  const { server, port } = await listen();
  const mounted = scenario(server);
  try {
    return await load(`ws://127.0.0.1:${port}${path}`, mode, sessions, 0.5, seconds);
  } finally {
    await mounted.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function rawWs(server: Server, onMessage: (ws: WebSocket, data: Buffer, isBinary: boolean) => void): { close(): void } {
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => onMessage(ws, data as Buffer, isBinary)));
  return { close: () => wss.close() };
}

function runPipeline(nodes: FrameProcessor[], closed: Promise<unknown>): void {
  const runner = new PipelineRunner(pipeline(...nodes), { logger: silentLogger(), errorPolicy: () => 'continue' });
  void closed.then(() => runner.cancel());
  void runner.run();
}

// Minimal G.711 mu-law for the hand-written bridge (same table approach as ours, written the obvious way).
const MULAW_DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) {
  const u = ~i & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 7)) - 0x84;
  MULAW_DECODE[i] = u & 0x80 ? -magnitude : magnitude;
}
function mulawEncode(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(32635, Math.abs(sample)) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  s = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | s) & 0xff;
}

const WARMUP_ROUNDS = 50;

/** Interruption -> clear/flush written to the socket, measured on the server socket's `send`. */
async function bargeIn(kind: 'twilio' | 'browser', rounds: number): Promise<number[]> {
  const { server, port } = await listen();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const timings: number[] = [];
  const done = new Promise<void>((resolve, reject) => {
    wss.on('connection', (ws) => {
      let interruptedAt = 0;
      let round = 0;
      const send = ws.send.bind(ws) as (data: unknown, ...rest: unknown[]) => void;
      (ws as unknown as { send: (data: unknown, ...rest: unknown[]) => void }).send = (data: unknown, ...rest: unknown[]) => {
        if (interruptedAt > 0 && typeof data === 'string' && (data.includes('"clear"') || data.includes('"flush"'))) {
          // The first rounds warm up the JIT; they are not what a running server sees.
          if (++round > WARMUP_ROUNDS) timings.push(performance.now() - interruptedAt);
          interruptedAt = 0;
        }
        send(data, ...rest);
      };
      const transport = kind === 'twilio' ? new TwilioTransport(ws) : new WebSocketTransport(ws);
      const runner = new PipelineRunner(pipeline(transport.input(), transport.output()), { logger: silentLogger(), errorPolicy: () => 'continue' });
      void runner.run();
      const ready = kind === 'twilio' ? (transport as TwilioTransport).started : (transport as WebSocketTransport).ready;
      void ready
        .then(async () => {
          const pcm = new Int16Array(kind === 'twilio' ? 160 : 320);
          const rate = kind === 'twilio' ? 8000 : 16000;
          for (let i = 0; i < rounds + WARMUP_ROUNDS; i++) {
            for (let k = 0; k < 5; k++) runner.push(makeFrame('audio.output', { samples: pcm, sampleRate: rate, channels: 1, utteranceId: `u${i}` }));
            // Let the event loop breathe between rounds, as between real barge-ins.
            await new Promise((r) => setImmediate(r));
            interruptedAt = performance.now();
            runner.push(makeFrame('interruption.start', { reason: 'user-speech' }));
          }
          await runner.cancel();
          resolve();
        })
        .catch(reject);
    });
  });
  const client = new wsModule.WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((r) => client.once('open', r));
  if (kind === 'twilio') {
    client.send(JSON.stringify({ event: 'connected' }));
    client.send(JSON.stringify({ event: 'start', sequenceNumber: '1', streamSid: 'MZ1', start: { streamSid: 'MZ1', accountSid: 'AC', callSid: 'CA', tracks: ['inbound'], customParameters: {}, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } }));
  } else {
    client.send(JSON.stringify({ type: 'hello', version: 1, sampleRate: 16000, outputSampleRate: 16000 }));
  }
  await done;
  client.terminate();
  wss.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return timings.sort((a, b) => a - b);
}

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  const seconds = opts.quick ? 1.5 : 5;
  const sessions = opts.quick ? 100 : 200;
  const rows: BenchRow[] = [];
  const perMessage = (r: LoadResult): number => r.cpuUs / (r.sent + r.received);

  // 1. Browser protocol, binary PCM16 in and out.
  const rawBinary = await measure((s) => rawWs(s, (ws, data, isBinary) => ws.send(data, { binary: isBinary })), '/', 'binary', sessions, seconds);
  const ourBinary = await measure(
    (s) => attachVoiceServer(s, { path: '/voice', maxConnections: sessions + 10, onSession: (t) => runPipeline([t.input(), new Loopback(), t.output()], t.closed) }),
    '/voice', 'binary', sessions, seconds,
  );
  const binaryUs = perMessage(ourBinary);
  rows.push({
    name: `WebSocket transport, binary PCM16: CPU per message (${sessions} sessions x 50 msg/s each way)`,
    value: binaryUs, unit: 'us', anchor: 'raw ws echo, same traffic', anchorValue: perMessage(rawBinary), ratio: binaryUs / perMessage(rawBinary),
    target: '<= 25 us', pass: binaryUs <= 25,
    notes: `server process CPU only (load from a child process); ${ourBinary.sent} in / ${ourBinary.received} out`,
  });

  // 2. Twilio JSON+base64, mu-law pass-through (no resampling).
  const rawJson = await measure(
    (s) => rawWs(s, (ws, data) => {
      const msg = JSON.parse(data.toString('utf8')) as { event: string; streamSid?: string; media?: { payload: string } };
      if (msg.event !== 'media' || !msg.media) return;
      const bytes = Buffer.from(msg.media.payload, 'base64');
      const pcm = new Int16Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) pcm[i] = MULAW_DECODE[bytes[i]];
      const out = Buffer.allocUnsafe(pcm.length);
      for (let i = 0; i < pcm.length; i++) out[i] = mulawEncode(pcm[i]);
      ws.send(JSON.stringify({ event: 'media', streamSid: msg.streamSid, media: { payload: out.toString('base64') } }));
    }),
    '/', 'twilio', sessions, seconds,
  );
  const ourJson = await measure(
    (s) => attachTwilioServer(s, { path: '/twilio', maxConnections: sessions + 10, onSession: (t) => runPipeline([t.input(), new Loopback(), t.output()], t.closed) }),
    '/twilio', 'twilio', sessions, seconds,
  );
  const jsonUs = perMessage(ourJson);
  rows.push({
    name: `Twilio transport, JSON+base64 mu-law: CPU per message (${sessions} sessions)`,
    value: jsonUs, unit: 'us', anchor: 'hand-written ws bridge (parse, decode, encode, send)', anchorValue: perMessage(rawJson), ratio: jsonUs / perMessage(rawJson),
    target: '<= 25 us', pass: jsonUs <= 25,
    notes: `ours also sends a mark every 200 ms of audio (counted as messages); ${ourJson.sent} in / ${ourJson.received} out`,
  });
  const perCore = (r: LoadResult): number => sessions / (r.cpuUs / 1000 / r.wallMs);
  rows.push({
    name: 'Twilio bridged sessions per core, mu-law pass-through (loopback agent)',
    value: perCore(ourJson), unit: 'sessions', anchor: 'minimal hand-written bridge', anchorValue: perCore(rawJson), ratio: perCore(ourJson) / perCore(rawJson),
    target: '>= 300', pass: perCore(ourJson) >= 300,
    notes: 'no provider socket on either side (the brief target includes the OpenAI hop); sessions / CPU fraction',
  });

  // 3. Full transcoding: 8k -> 24k into the "provider", 24k -> 8k back out.
  const factory = defaultResamplerFactory;
  {
    const rawTranscode = await measure(
      (s) => {
        const wss = new WebSocketServer({ server: s, perMessageDeflate: false });
        wss.on('connection', (ws) => {
          const up = factory(8000, 24000);
          const down = factory(24000, 8000);
          ws.on('message', (data) => {
            const msg = JSON.parse((data as Buffer).toString('utf8')) as { event: string; streamSid?: string; media?: { payload: string } };
            if (msg.event !== 'media' || !msg.media) return;
            const bytes = Buffer.from(msg.media.payload, 'base64');
            const pcm = new Int16Array(bytes.length);
            for (let i = 0; i < bytes.length; i++) pcm[i] = MULAW_DECODE[bytes[i]];
            const back = down.process(up.process(pcm));
            const out = Buffer.allocUnsafe(back.length);
            for (let i = 0; i < back.length; i++) out[i] = mulawEncode(back[i]);
            ws.send(JSON.stringify({ event: 'media', streamSid: msg.streamSid, media: { payload: out.toString('base64') } }));
          });
        });
        return { close: () => wss.close() };
      },
      '/', 'twilio', sessions, seconds,
    );
    const ourTranscode = await measure(
      (s) => attachTwilioServer(s, {
        path: '/twilio', maxConnections: sessions + 10,
        onSession: (t) => runPipeline([t.input(), new Loopback(factory(8000, 24000), 24000), t.output()], t.closed),
      }),
      '/twilio', 'twilio', sessions, seconds,
    );
    rows.push({
      name: 'Twilio bridged sessions per core, full transcoding 8k->24k->8k (loopback agent)',
      value: perCore(ourTranscode), unit: 'sessions', anchor: 'minimal hand-written bridge, same resampler', anchorValue: perCore(rawTranscode), ratio: perCore(ourTranscode) / perCore(rawTranscode),
      target: '>= 150', pass: perCore(ourTranscode) >= 150,
      notes: 'no provider socket on either side',
    });
  }

  // 4. Barge-in latency.
  for (const kind of ['twilio', 'browser'] as const) {
    const timings = await bargeIn(kind, opts.quick ? 1000 : 5000);
    const p99 = percentile(timings, 99);
    rows.push({
      name: `barge-in: interruption -> ${kind === 'twilio' ? 'Twilio clear' : 'browser flush'} written, p99 (p50 ${percentile(timings, 50).toFixed(3)} ms)`,
      value: p99, unit: 'ms', target: '<= 5 ms p99', pass: p99 <= 5,
      notes: `${timings.length} interruptions with audio queued; wall time from runner.push(interruption.start) to socket.send(${kind === 'twilio' ? 'clear' : 'flush'}), after ${WARMUP_ROUNDS} warm-up rounds`,
    });
  }
  return rows;
}
