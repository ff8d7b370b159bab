/**
 * Three worker processes behind haproxy on loopback, driven by simulated Twilio calls with real (espeak-ng) speech
 * to the offline echo agent: every call gets its audio back; a rolling restart drops no live call; a killed worker
 * ends only its own calls; a full worker's 503 is retried by haproxy onto one with room.
 */
import { encodeMulaw, resample } from '@voxframe/processors';
import { FakeTwilio } from '../../transports/test/helpers/fake-twilio';
import { synthesize } from '../../processors/test/fixtures/speech';
import { describeWithHaproxy, freePort, startHaproxy, startWorker, type Balancer, type WorkerProcess } from './helpers/cluster';

jest.setTimeout(180_000);

interface CallResult {
  /** The upgrade was refused (the balancer's answer), if it was. */
  readonly refused?: string;
  /** Audio bytes the caller got back. */
  readonly receivedBytes: number;
  /** The worker closed the call before the caller hung up. */
  readonly droppedByServer: boolean;
}

let speech: Uint8Array;
beforeAll(() => {
  const clip = synthesize('Hello, this is a test call about my order.');
  speech = encodeMulaw(resample(clip.samples, clip.sampleRate, 8000));
});

/** One call: streams the speech then silence in real time, waits for the echo, hangs up. */
async function placeCall(port: number): Promise<CallResult> {
  const caller = new FakeTwilio({ url: `ws://127.0.0.1:${port}/twilio` });
  let hungUp = false;
  let closedByServer = false;
  void caller.closed.then(() => (closedByServer = !hungUp));
  try {
    await caller.begin();
  } catch (error) {
    return { refused: error instanceof Error ? error.message : String(error), receivedBytes: 0, droppedByServer: false };
  }
  caller.startPlayback();
  const silence = new Uint8Array(160).fill(0xff);
  const frames = Math.ceil(speech.length / 160) + 60; // speech, then 1.2 s of silence for the VAD to end the turn
  const wantBytes = speech.length * 0.5;
  const started = Date.now();
  for (let i = 0; !closedByServer; i++) {
    const chunk = i * 160 < speech.length ? speech.subarray(i * 160, (i + 1) * 160) : silence;
    caller.sendMedia(chunk.length === 160 ? chunk : silence);
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (i >= frames && caller.mediaBytes >= wantBytes) break;
    if (Date.now() - started > 20_000) break; // bounded: a call that never echoes fails the assertion below
  }
  const receivedBytes = caller.mediaBytes;
  hungUp = true;
  if (!closedByServer) {
    caller.sendStop();
    await Promise.race([caller.closed, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    caller.close();
  }
  return { receivedBytes, droppedByServer: closedByServer };
}

const served = (r: CallResult) => r.refused === undefined && !r.droppedByServer && r.receivedBytes >= speech.length * 0.5;

async function metricsOf(worker: WorkerProcess): Promise<string> {
  return (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
}
function counter(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
}

describeWithHaproxy('serving behind haproxy: 3 worker processes, simulated Twilio calls', () => {
  let workers: WorkerProcess[] = [];
  let balancer: Balancer | undefined;
  const names = ['w1', 'w2', 'w3'];

  async function startCluster(env: Record<string, string>, weights: number[] = [1, 1, 1]): Promise<void> {
    const ports = await Promise.all(names.map(() => freePort()));
    workers = await Promise.all(names.map((name, i) => startWorker(name, ports[i], env)));
    balancer = await startHaproxy(workers.map((w, i) => ({ name: w.name, port: w.port, weight: weights[i] })));
  }

  afterEach(async () => {
    await balancer?.stop();
    balancer = undefined;
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    workers = [];
  });

  it('serves 60 concurrent calls, every one of them getting its audio back, spread over the workers', async () => {
    await startCluster({ MAX_SESSIONS: '30' });
    const port = balancer!.port;
    const results = await Promise.all(Array.from({ length: 60 }, () => placeCall(port)));
    expect(results.filter((r) => !served(r))).toEqual([]);
    const started = await Promise.all(workers.map(async (w) => counter(await metricsOf(w), /voxframe_sessions_started_total\{transport="twilio"\} (\d+)/g)));
    expect(started.reduce((a, b) => a + b, 0)).toBe(60);
    for (const n of started) expect(n).toBeGreaterThan(0);
  });

  it('rolling restart (SIGTERM each worker in turn, replaced on its port) drops no live call; new calls land on the others', async () => {
    await startCluster({ MAX_SESSIONS: '40', DRAIN_TIMEOUT_MS: '30000' });
    const port = balancer!.port;
    const calls: Promise<CallResult>[] = [];
    const exitCodes: (number | NodeJS.Signals)[] = [];
    for (let i = 0; i < workers.length; i++) {
      // Live calls on every worker, then restart this one while they talk.
      for (let c = 0; c < 12; c++) calls.push(placeCall(port));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const old = workers[i];
      old.child.kill('SIGTERM');
      // New calls during its drain must go elsewhere and be served.
      for (let c = 0; c < 4; c++) calls.push(placeCall(port));
      exitCodes.push(await old.exited);
      workers[i] = await startWorker(old.name, old.port, { MAX_SESSIONS: '40', DRAIN_TIMEOUT_MS: '30000' });
    }
    const results = await Promise.all(calls);
    expect(exitCodes).toEqual([0, 0, 0]); // each drained and exited cleanly
    expect(results.filter((r) => !served(r))).toEqual([]);
    expect(results).toHaveLength(48);
  });

  it('SIGKILL of one worker ends only its calls; the others go on and new calls succeed', async () => {
    await startCluster({ MAX_SESSIONS: '40' });
    const port = balancer!.port;
    const calls = Array.from({ length: 15 }, () => placeCall(port));
    await new Promise((resolve) => setTimeout(resolve, 700));
    const victim = workers[0];
    const victimSessions = counter(await metricsOf(victim), /voxframe_active_sessions\{transport="twilio"\} (\d+)/g);
    victim.child.kill('SIGKILL');
    await victim.exited;
    const later = await Promise.all(Array.from({ length: 6 }, () => placeCall(port)));
    const results = await Promise.all(calls);
    expect(victimSessions).toBeGreaterThan(0);
    expect(results.filter((r) => r.droppedByServer)).toHaveLength(victimSessions);
    expect(results.filter(served)).toHaveLength(15 - victimSessions);
    expect(later.filter((r) => !served(r))).toEqual([]);
  });

  it('over capacity a worker answers 503 and haproxy retries the call on a worker with room', async () => {
    // w1 takes only 3 calls at once; round robin still offers it a third of the calls.
    const ports = await Promise.all(names.map(() => freePort()));
    workers = await Promise.all(names.map((name, i) => startWorker(name, ports[i], { MAX_SESSIONS: i === 0 ? '3' : '40' })));
    balancer = await startHaproxy(workers.map((w) => ({ name: w.name, port: w.port })));
    const results = await Promise.all(Array.from({ length: 20 }, () => placeCall(balancer!.port)));
    expect(results.filter((r) => !served(r))).toEqual([]);
    const w1 = await metricsOf(workers[0]);
    expect(counter(w1, /voxframe_sessions_refused_total\{reason="capacity"\} (\d+)/g)).toBeGreaterThan(0);
    expect(counter(w1, /voxframe_sessions_started_total\{transport="twilio"\} (\d+)/g)).toBeLessThan(20);
  });
});
