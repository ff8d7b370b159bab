/** Test helpers: an HTTP server on 127.0.0.1 and a recorded pipeline run around a transport. */
import { createServer, request, type Server } from 'node:http';
import type { SchedulerLike } from 'rxjs';
import type { AddressInfo } from 'node:net';
import { PipelineRunner, pipeline, silentLogger, type ErrorPolicy, type Frame, type FrameNode, type Logger } from '@voxframe/core';

export interface TestServer {
  readonly server: Server;
  readonly port: number;
  readonly url: (path: string) => string;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const server = createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A running pipeline with every frame that left it recorded, in both directions. */
export class RecordedRun {
  readonly runner: PipelineRunner;
  readonly downstream: Frame[] = [];
  readonly upstream: Frame[] = [];
  readonly finished: Promise<string>;
  #waiters: { predicate: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  constructor(nodes: FrameNode[], errorPolicy: ErrorPolicy = () => 'continue', logger: Logger = silentLogger(), scheduler?: SchedulerLike) {
    this.runner = new PipelineRunner(pipeline(...nodes), { logger, errorPolicy, endTimeoutMs: 2000, ...(scheduler ? { scheduler } : {}) });
    this.runner.output.subscribe((f) => this.#record(this.downstream, f));
    this.runner.upstreamOutput.subscribe((f) => this.#record(this.upstream, f));
    this.finished = this.runner.run();
  }

  /** Resolves with the first frame (either direction, already seen or future) matching; rejects after `timeoutMs`. */
  waitFor(predicate: (f: Frame) => boolean, timeoutMs = 3000, what = 'frame'): Promise<Frame> {
    const seen = [...this.downstream, ...this.upstream].find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for ${what}; down=[${this.downstream.map((f) => f.type).join(',')}] up=[${this.upstream.map((f) => f.type).join(',')}]`));
      }, timeoutMs);
      this.#waiters.push({
        predicate,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  of<T extends Frame['type']>(type: T, direction: 'downstream' | 'upstream' = 'downstream'): Extract<Frame, { type: T }>[] {
    return (direction === 'downstream' ? this.downstream : this.upstream).filter((f) => f.type === type) as Extract<Frame, { type: T }>[];
  }

  #record(list: Frame[], frame: Frame): void {
    list.push(frame);
    for (const waiter of [...this.#waiters]) {
      if (waiter.predicate(frame)) {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        waiter.resolve(frame);
      }
    }
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 5 ms until true; rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A ping round trip from a client socket: everything the server sent before its pong has arrived. */
export function roundTrip(socket: import('ws').WebSocket): Promise<void> {
  return new Promise((resolve) => {
    socket.once('pong', () => resolve());
    socket.ping();
  });
}

/** One HTTP request without keep-alive (no pooled socket outlives the test), resolving with status and body. */
export function httpRequest(url: string, options: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = request(url, { method: options.method ?? 'GET', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.once('error', reject);
    req.end(options.body);
  });
}
