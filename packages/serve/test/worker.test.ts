import { WebSocket } from 'ws';
import { FrameProcessor, makeFrame, type Frame, type FrameDirection } from '@voxframe/core';
import { InsecureBindError, assertSafeBind, createVoiceWorker, type VoiceWorker, type VoiceWorkerOptions } from '@voxframe/serve';
import { FakeTwilio } from '../../transports/test/helpers/fake-twilio';

/** Plays the caller's audio straight back: enough agent to prove a call is served end to end. */
class Parrot extends FrameProcessor {
  protected override process(frame: Frame, direction: FrameDirection): void {
    if (frame.type === 'audio.input') {
      this.push(makeFrame('audio.output', { samples: frame.samples.slice(), sampleRate: frame.sampleRate, channels: frame.channels }));
      return;
    }
    this.push(frame, direction);
  }
}

const workers: VoiceWorker[] = [];
async function startWorker(options: Partial<VoiceWorkerOptions> = {}) {
  const worker = createVoiceWorker({ agent: () => [new Parrot()], port: 0, host: '127.0.0.1', handleSignals: false, defaultMetrics: false, ...options });
  workers.push(worker);
  const { port } = await worker.listen();
  return { worker, base: `http://127.0.0.1:${port}`, twilioUrl: `ws://127.0.0.1:${port}/twilio` };
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.drain('test over')));
});

const silence = new Uint8Array(160).fill(0xff); // 20 ms of mu-law silence
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
async function call(url: string): Promise<FakeTwilio> {
  const twilio = new FakeTwilio({ url });
  await twilio.begin();
  twilio.startPlayback();
  return twilio;
}
/** The HTTP status an upgrade was refused with. */
function refusedStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('error', () => undefined);
  });
}

describe('createVoiceWorker', () => {
  it('serves a call and reports it on /healthz, /readyz and /metrics', async () => {
    const { worker, base, twilioUrl } = await startWorker();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, draining: false, sessions: 0 });

    const caller = await call(twilioUrl);
    // A caller streams 20 ms frames continuously, as Twilio does.
    const streaming = setInterval(() => caller.sendMedia(silence), 20);
    await until(() => caller.mediaBytes >= 1600, 'the echo');
    clearInterval(streaming);
    expect(worker.sessions).toBe(1);
    const live = await (await fetch(`${base}/metrics`)).text();
    expect(live).toMatch(/voxframe_active_sessions\{transport="twilio"\} 1/);
    expect(live).toMatch(/voxframe_sessions_started_total\{transport="twilio"\} 1/);

    caller.sendStop();
    await until(() => worker.sessions === 0, 'the session to finish');
    const after = await (await fetch(`${base}/metrics`)).text();
    expect(after).toMatch(/voxframe_active_sessions\{transport="twilio"\} 0/);
    expect(after).toMatch(/voxframe_sessions_ended_total\{transport="twilio",reason="ended"\} 1/);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('answers 503 over its session limit (a balancer retries elsewhere) and says so on /readyz', async () => {
    const { base, twilioUrl } = await startWorker({ maxSessions: 1 });
    const first = await call(twilioUrl);
    await until(async () => (await fetch(`${base}/readyz`)).status === 503, 'readiness to drop');
    expect(await refusedStatus(twilioUrl)).toBe(503);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/voxframe_sessions_refused_total\{reason="capacity"\} 1/);
    first.sendStop();
    await until(async () => (await fetch(`${base}/readyz`)).status === 200, 'readiness to come back');
  });

  it('limits connections per client address with 429', async () => {
    const { twilioUrl } = await startWorker({ maxConnectionsPerIp: 1 });
    const first = await call(twilioUrl);
    expect(await refusedStatus(twilioUrl)).toBe(429);
    first.sendStop();
  });

  it('drains: readiness false and new calls refused at once, the live call goes on to its end, then the server closes', async () => {
    const { worker, base, twilioUrl } = await startWorker();
    const caller = await call(twilioUrl);
    await until(() => worker.sessions === 1, 'the session');
    const drained = worker.drain('rolling restart');
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    expect(await refusedStatus(twilioUrl)).toBe(503);
    // The live call is still served.
    const streaming = setInterval(() => caller.sendMedia(silence), 20);
    await until(() => caller.mediaBytes >= 800, 'the echo during the drain');
    clearInterval(streaming);
    let done = false;
    void drained.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBe(false);
    caller.sendStop();
    await drained;
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('ends calls still live at the drain deadline cleanly instead of waiting for ever', async () => {
    const { worker, twilioUrl } = await startWorker({ drainTimeoutMs: 100 });
    const caller = await call(twilioUrl);
    await until(() => worker.sessions === 1, 'the session');
    await worker.drain('deadline test');
    const closed = await caller.closed;
    expect(closed.code).toBeGreaterThanOrEqual(1000);
    expect(worker.sessions).toBe(0);
  });

  it('refuses to listen on a public address with unauthenticated endpoints unless told to', async () => {
    const worker = createVoiceWorker({ agent: () => [], host: '0.0.0.0', port: 0, handleSignals: false, defaultMetrics: false, browser: { authenticate: () => true } });
    workers.push(worker);
    await expect(worker.listen()).rejects.toThrow(InsecureBindError);
    await expect(worker.listen()).rejects.toThrow(/\/twilio, \/telnyx/);
    expect(() => assertSafeBind('::1', ['/voice'], false)).not.toThrow();
    expect(() => assertSafeBind('10.0.0.5', ['/voice'], true)).not.toThrow();
    expect(() => assertSafeBind('10.0.0.5', [], false)).not.toThrow();
  });
});
