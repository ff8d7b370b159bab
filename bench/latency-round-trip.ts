/**
 * Part 1 of `latency.bench.ts`: added latency, transport in -> provider socket out and back (the targets table in docs/benchmarks.md).
 *
 * Three processes on 127.0.0.1: the load client (`latency-client.ts`, browser voice protocol, 24 kHz both ways),
 * the provider peer (`latency-echo-peer.ts`, GA Realtime protocol, echoes each append at once as an output delta)
 * and this process, the server under test, in one of two shapes measured in the same run:
 *
 * - ours: `WebSocketTransport.input() -> s2sProcessor(openai_realtime over a real ws socket) -> transport.output()`,
 *   no pacer (pacing adds intentional real-time delay) and no resampling (client and provider both at 24 kHz, so
 *   no filter delay enters the figure);
 * - the anchor: a minimal hand-written 4-hop bridge (client ws -> server -> provider ws -> server -> client) doing
 *   the least any OpenAI bridge must: binary in -> base64 + JSON append out; JSON delta in -> base64 decode -> binary.
 *
 * Each frame carries a sequence number in its first sample. Two figures per shape:
 * - round trip, measured by the client (4 loopback hops, both event loops, the peer);
 * - in-server time: transport socket `message` -> provider socket `send` returned, plus provider socket `message`
 *   -> transport socket `send` returned, per frame (probes on the sockets, a few tenths of a microsecond each).
 *   This is "added latency excluding network"; queueing behind other sessions' messages before a socket's
 *   `message` event fires is not in it but is in the round trip, so the round-trip difference to the anchor is
 *   reported too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { WebSocket, WebSocketServer as WebSocketServerType } from 'ws';
import { PipelineRunner, createS2S, pipeline, silentLogger } from '@voxframe/core';
import { s2sProcessor } from '@voxframe/processors';
import { wsSocketFactory, type WebSocketFactory } from '@voxframe/s2s-openai';
import { WebSocketTransport } from '@voxframe/transports';

// `ws` is a dependency of the packages, not of the workspace root: load it from there.
const wsModule = createRequire(join(__dirname, '..', 'packages', 'transports', 'package.json'))('ws') as typeof import('ws');
const WebSocketServer: typeof WebSocketServerType = wsModule.WebSocketServer;

const RING = 1024;
const tsx = join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** What the client measured. */
export interface ClientResult {
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** One measured shape. */
export interface RoundTripResult {
  readonly client: ClientResult;
  /** In-server time per frame, ms, sorted. */
  readonly inServer: readonly number[];
  /** Server process CPU over the measured window, as a share of one core. */
  readonly cpuShare: number;
  readonly cpuUsPerFrame: number;
}

/** Per-session probes on the two sockets; `collecting` is switched on for the measured window. */
class Probe {
  static collecting = false;
  static readonly samples: number[] = [];
  readonly #inAt = new Float64Array(RING);
  readonly #upMs = new Float64Array(RING);
  readonly #providerInAt = new Float64Array(RING);

  clientIn(slot: number): void {
    if (Probe.collecting) this.#inAt[slot] = performance.now();
  }
  providerOut(slot: number): void {
    const at = this.#inAt[slot];
    if (at === 0) return;
    this.#upMs[slot] = performance.now() - at;
    this.#inAt[slot] = 0;
  }
  providerIn(slot: number): void {
    if (this.#upMs[slot] !== 0) this.#providerInAt[slot] = performance.now();
  }
  clientOut(slot: number): void {
    const at = this.#providerInAt[slot];
    if (at === 0) return;
    if (Probe.collecting) Probe.samples.push(this.#upMs[slot] + performance.now() - at);
    this.#upMs[slot] = 0;
    this.#providerInAt[slot] = 0;
  }
}

const slotOfPcm = (bytes: Buffer): number => (bytes.readInt16LE(0) & 0x7fff) % RING;

/** The sequence number in a JSON event's base64 audio field (the first sample: 4 base64 chars hold 3 bytes). */
function slotOfJson(text: string, field: string): number {
  const at = text.indexOf(field);
  if (at < 0) return -1;
  const start = at + field.length;
  return (Buffer.from(text.slice(start, start + 4), 'base64').readInt16LE(0) & 0x7fff) % RING;
}

/** Probes the client socket: `message` (registered first, so before the transport sees it) and binary `send`. */
function probeClientSocket(ws: WebSocket, probe: Probe): void {
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) probe.clientIn(slotOfPcm(data));
  });
  const send = ws.send.bind(ws) as (data: unknown, ...rest: unknown[]) => void;
  (ws as unknown as { send: (data: unknown, ...rest: unknown[]) => void }).send = (data: unknown, ...rest: unknown[]) => {
    send(data, ...rest);
    if (Buffer.isBuffer(data) && data.length >= 2) probe.clientOut(slotOfPcm(data));
  };
}

/** Our provider socket, probed: the default `ws` factory with hooks on append sends and delta messages. */
function probedFactory(probe: Probe): WebSocketFactory {
  return (request, callbacks) => {
    const socket = wsSocketFactory(request, {
      ...callbacks,
      onMessage: (text) => {
        const slot = slotOfJson(text, '"delta":"');
        if (slot >= 0) probe.providerIn(slot);
        callbacks.onMessage(text);
      },
    });
    return {
      send: (text) => {
        socket.send(text);
        const slot = slotOfJson(text, '"audio":"');
        if (slot >= 0) probe.providerOut(slot);
      },
      close: (code, reason) => socket.close(code, reason),
      terminate: () => socket.terminate(),
    };
  };
}

type Mount = (wss: WebSocketServerType, peerUrl: string) => void;

/** Ours: transport -> S2S processor (OpenAI Realtime over ws) -> transport, one pipeline per connection. */
export const mountOurs: Mount = (wss, peerUrl) => {
  wss.on('connection', (ws) => {
    const probe = new Probe();
    probeClientSocket(ws, probe);
    const transport = new WebSocketTransport(ws);
    const engine = createS2S('openai_realtime', {
      extra: { api_key: 'bench', base_url: peerUrl, input_transcription_model: 'none', socket_factory: probedFactory(probe) },
    });
    const runner = new PipelineRunner(pipeline(transport.input(), s2sProcessor({ s2s: engine }), transport.output()), {
      logger: silentLogger(),
      errorPolicy: () => 'continue',
    });
    void transport.closed.then(() => runner.cancel());
    void runner.run();
  });
};

/** The anchor: the least a bridge to the Realtime API does, written by hand on raw `ws`. */
export const mountBridge: Mount = (wss, peerUrl) => {
  wss.on('connection', (client) => {
    const probe = new Probe();
    probeClientSocket(client, probe);
    const provider = new wsModule.WebSocket(`${peerUrl}/realtime?model=gpt-realtime-2.1`, { perMessageDeflate: false, headers: { Authorization: 'Bearer bench' } });
    let live = false;
    provider.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      const slot = slotOfJson(text, '"delta":"');
      if (slot >= 0) probe.providerIn(slot);
      const event = JSON.parse(text) as { type: string; delta?: string };
      if (event.type === 'response.output_audio.delta' && event.delta !== undefined) client.send(Buffer.from(event.delta, 'base64'), { binary: true });
      else if (event.type === 'session.created') provider.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime' } }));
      else if (event.type === 'session.updated') {
        live = true;
        client.send(JSON.stringify({ type: 'ready', version: 1, sessionId: 'bridge', inputSampleRate: 24000, outputSampleRate: 24000 }));
      }
    });
    client.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || !live) return;
      const text = `{"type":"input_audio_buffer.append","audio":"${data.toString('base64')}"}`;
      provider.send(text);
      probe.providerOut(slotOfPcm(data));
    });
    client.on('close', () => provider.terminate());
  });
};

function lines(child: ChildProcess, onLine: (line: string) => void): void {
  let buffer = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      onLine(line);
    }
  });
}

/** Starts the echo peer; resolves with its base URL and a stop function. */
export async function startPeer(): Promise<{ url: string; stop(): void }> {
  // stdin stays open as a lifeline: the peer exits when it closes, even if this process dies without stopping it.
  const child = spawn(process.execPath, [tsx, join(__dirname, 'latency-echo-peer.ts')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (d: Buffer) => (errors += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    lines(child, (line) => {
      if (line.startsWith('port ')) resolve(Number(line.slice(5)));
    });
    child.once('exit', (code) => reject(new Error(`echo peer exited with ${code}: ${errors}`)));
  });
  const stop = (): void => {
    child.stdin?.end();
    child.kill();
  };
  return { url: `ws://127.0.0.1:${port}/v1`, stop };
}

/** Mounts a shape, drives it with the client child, and measures. */
export async function measureRoundTrip(
  mount: Mount,
  peerUrl: string,
  sessions: number,
  warmupS: number,
  seconds: number,
  phases: 'spread' | 'aligned' = 'spread',
): Promise<RoundTripResult> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  mount(wss, peerUrl);
  Probe.samples.length = 0;
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const child = spawn(process.execPath, [tsx, join(__dirname, 'latency-client.ts'), url, String(sessions), String(warmupS), String(seconds), phases], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (d: Buffer) => (errors += d.toString()));
  try {
    return await new Promise<RoundTripResult>((resolve, reject) => {
      // Bounded: connecting, the warm-up and the window, plus generous slack for a loaded machine.
      const deadline = setTimeout(() => {
        child.kill();
        reject(new Error(`latency client gave no result within ${warmupS + seconds + 30} s: ${errors}`));
      }, (warmupS + seconds + 30) * 1000);
      let cpu0: NodeJS.CpuUsage | undefined;
      let t0 = 0;
      lines(child, (line) => {
        if (line === 'measure-start') {
          Probe.collecting = true;
          cpu0 = process.cpuUsage();
          t0 = performance.now();
        } else if (line.startsWith('measure-end ') && cpu0 !== undefined) {
          Probe.collecting = false;
          const cpu = process.cpuUsage(cpu0);
          const wallMs = performance.now() - t0;
          const client = JSON.parse(line.slice('measure-end '.length)) as ClientResult;
          const cpuUs = cpu.user + cpu.system;
          clearTimeout(deadline);
          resolve({
            client,
            inServer: [...Probe.samples].sort((a, b) => a - b),
            cpuShare: cpuUs / 1000 / wallMs,
            cpuUsPerFrame: cpuUs / Math.max(1, client.received),
          });
        }
      });
      child.once('exit', (code) => {
        clearTimeout(deadline);
        if (code !== 0) reject(new Error(`latency client exited with ${code}: ${errors}`));
      });
    });
  } finally {
    Probe.collecting = false;
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Let the pipelines see their sockets close before the next shape starts.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
