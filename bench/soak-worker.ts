/**
 * The worker process of `soak.bench.ts`: the demo's offline echo agent (Silero VAD turn-taking, echo, output
 * pacer) behind `createVoiceWorker`, Twilio endpoint only. With `VOXFRAME_SOAK_DEBUG=1` it answers
 * `GET /debug/soak` with its own figures (memory, active resources, CPU, event-loop delay), and
 * `POST /debug/soak/reset` restarts the event-loop delay histogram and the CPU baseline (the end of the warm-up).
 *
 * Not a bench module (no `.bench.ts` suffix): started by soak.bench.ts. Prints `listening <port>`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger } from '@voxframe/core';
import { createVoiceWorker } from '@voxframe/serve';
import { echoPipeline } from '../demo/agents/echo-pipeline';

const debug = process.env.VOXFRAME_SOAK_DEBUG === '1';
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
let cpuBase = process.cpuUsage();
let wallBase = performance.now();

/** Counts of `process.getActiveResourcesInfo()` by resource type. */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

function figures(gc: boolean): Record<string, unknown> {
  if (gc && typeof globalThis.gc === 'function') globalThis.gc();
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage(cpuBase);
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    arrayBuffersBytes: memory.arrayBuffers,
    activeResources: activeResources(),
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - wallBase,
    lagP99Ms: lag.percentile(99) / 1e6,
    lagMaxMs: lag.max / 1e6,
    activeSessions: worker.sessions,
  };
}

const worker = createVoiceWorker({
  agent: () => echoPipeline(),
  port: 0,
  host: '127.0.0.1',
  maxSessions: Number(process.env.MAX_SESSIONS ?? 1000),
  maxEventLoopLagMs: 0, // measure the lag, never refuse callers for it
  maxConnectionsPerIp: 0, // every caller comes from 127.0.0.1
  browser: false,
  telnyx: false,
  twilio: { maxConnections: Number(process.env.MAX_SESSIONS ?? 1000) }, // the endpoint's own cap is 100 by default
  logger: createLogger({ name: 'soak-worker', level: process.env.VOXFRAME_LOG_LEVEL ?? 'warn' }),
  requestHandler: (request, response) => {
    if (!debug || !request.url?.startsWith('/debug/soak')) return false;
    if (request.method === 'POST' && request.url === '/debug/soak/reset') {
      lag.reset();
      cpuBase = process.cpuUsage();
      wallBase = performance.now();
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(figures(request.url.includes('gc=1'))));
    return true;
  },
});
void worker.listen().then(({ port }) => process.stdout.write(`listening ${port}\n`));
