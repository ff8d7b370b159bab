/**
 * Starts worker processes and haproxy in front of them on loopback, for the multi-process tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIfAvailable } from '../../../processors/test/fixtures/require-system';

const WORKER_SCRIPT = join(__dirname, '..', 'fixtures', 'echo-worker.ts');

/** A free loopback port (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface WorkerProcess {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal) when the process ends. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

/** Starts one worker on `port`; resolves once it listens. */
export async function startWorker(name: string, port: number, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
    env: { ...process.env, PORT: String(port), WORKER_NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? 0)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${name} did not start within 90 s`)), 90_000);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${name} exited (${code}) before listening`));
    });
  });
  return { name, port, child, exited };
}

export interface Balancer {
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts haproxy on a free port in front of `servers`: HTTP mode (WebSocket upgrades pass), health checks on
 * `/readyz` every 100 ms, and L7 retries of refused upgrades (503) on another worker.
 */
export async function startHaproxy(servers: readonly { name: string; port: number; weight?: number }[]): Promise<Balancer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'voxframe-haproxy-'));
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    `global
  maxconn 2000
defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  timeout http-request 5s
frontend voice
  bind 127.0.0.1:${port}
  default_backend workers
backend workers
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  # Checks every 100 ms; three misses take a worker out (a draining one answers 503 at once, so it leaves in about
  # 300 ms; in that window its 503s are retried elsewhere). A loaded CI machine must not make every check time out.
  timeout check 2s
  default-server inter 100ms fastinter 100ms downinter 200ms rise 2 fall 3
  # L7 retries replay the upgrade request, so haproxy must hold it (a GET without a body) until the server answered.
  option http-buffer-request
  retry-on 503 conn-failure empty-response
  retries 6
  option redispatch 1
${servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check weight ${s.weight ?? 1}`).join('\n')}
`,
  );
  const child = spawn('haproxy', ['-f', config, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Up once it accepts connections.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (attempt > 100) throw new Error(`haproxy did not come up: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Whether haproxy is installed. */
export function haveHaproxy(): boolean {
  return spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
}

/** Declares tests that need haproxy (a loud skip without it; a failure under `VOXFRAME_REQUIRE_ALL_TESTS=1`, as in CI). */
export function describeWithHaproxy(name: string, body: () => void): void {
  describeIfAvailable(name, haveHaproxy() ? undefined : 'haproxy (apt-get install haproxy), which is not installed.', body);
}
