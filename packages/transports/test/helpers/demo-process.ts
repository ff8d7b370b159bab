/** Starts the demo server (`tsx demo/server.ts`) as a child process on a free 127.0.0.1 port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface DemoProcess {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..', '..', '..');

export function startDemo(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<DemoProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'demo', 'server.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', OPENAI_API_KEY: '', VOXFRAME_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`demo server did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (): void => {
      const match = /voxframe demo listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({ url: match[1], output: () => output, stop });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo server exited with ${code}:\n${output}`));
    });
  });
}
