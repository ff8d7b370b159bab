/**
 * The voxframe demo server: a page to talk to an agent from the browser, and a Twilio Media Streams endpoint.
 *
 *   tsx demo/server.ts            # http://127.0.0.1:3000
 *   PORT=8080 HOST=0.0.0.0 tsx demo/server.ts
 *
 * Agent: OpenAI Realtime when OPENAI_API_KEY is set (VOXFRAME_OPENAI_BASE_URL points it elsewhere, e.g. the
 * emulator); otherwise the offline echo test. Phone calls: point a Twilio number's voice webhook at `/twiml`; with
 * TWILIO_AUTH_TOKEN set (and PUBLIC_URL behind a proxy) the webhook and the `/twilio` upgrade must carry a valid
 * X-Twilio-Signature. It runs on `@voxframe/serve`: `/healthz`, `/readyz` and `/metrics` are there too, and SIGTERM
 * drains live calls before exiting. On a non-loopback HOST it refuses to start while an endpoint is unauthenticated
 * (set TWILIO_AUTH_TOKEN, or VOXFRAME_ALLOW_UNAUTHENTICATED=1 behind an authenticating proxy). See demo/README.md.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger } from '@voxframe/core';
import { warmUpSileroVad } from '@voxframe/processors';
import { createVoiceWorker } from '@voxframe/serve';
import type { WebSocketTransport } from '@voxframe/transports';
import { selectAgent, type AgentChoice } from './agents/select';
import { LatencyProbe } from './latency-probe';
import { serveStatic } from './static';
import { answerTwiml, isTwimlRequest } from './twiml-route';

const logger = createLogger({ name: 'voxframe-demo' });
const agent = selectAgent(process.env);
const twilioAuthToken = process.env.TWILIO_AUTH_TOKEN || undefined;
const publicUrl = process.env.PUBLIC_URL || undefined;

/** A positive whole number from the environment, or the default. */
function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Allows requests without an Origin (non-browser clients) and pages served by this very host. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The demo's own routes: TwiML for phone calls, the legacy `/health`, the page. */
async function routes(choice: AgentChoice, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (isTwimlRequest(req)) {
    await answerTwiml(req, res, { streamPath: '/twilio', logger, ...(twilioAuthToken ? { authToken: twilioAuthToken } : {}), ...(publicUrl ? { publicUrl } : {}) });
    return true;
  }
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, provider: choice.provider }));
    return true;
  }
  return serveStatic(req, res);
}

async function startServer(choice: AgentChoice): Promise<void> {
  const worker = createVoiceWorker({
    logger,
    telnyx: false,
    maxSessions: envNumber('MAX_SESSIONS', 100),
    drainTimeoutMs: envNumber('DRAIN_TIMEOUT_MS', 30_000),
    allowUnauthenticated: process.env.VOXFRAME_ALLOW_UNAUTHENTICATED === '1',
    requestHandler: (req, res) => routes(choice, req, res),
    agent: async ({ transport, connection }) => {
      // Twilio media streams are 8 kHz mu-law: agents that can take it as is skip resampling.
      const middle = await choice.build(transport === 'twilio' ? { inputEncoding: 'g711_ulaw' } : {});
      // The page shows each turn's latency: the probe reports it over the browser connection.
      return transport === 'browser' ? [...middle, new LatencyProbe(connection as WebSocketTransport)] : middle;
    },
    browser: {
      // Same-origin by default (a page on another site must not drive this agent); ALLOWED_ORIGINS widens it.
      ...(process.env.ALLOWED_ORIGINS ? { allowedOrigins: process.env.ALLOWED_ORIGINS.split(','), authenticate: () => true } : { authenticate: sameOrigin }),
      maxConnections: 20,
      agent: { provider: choice.provider, description: choice.description, ...(choice.hint ? { hint: choice.hint } : {}), ...(choice.modes ? { modes: choice.modes.join(',') } : {}) },
    },
    twilio: {
      maxConnections: 50,
      // Twilio signs the upgrade; with the token set, unsigned or wrongly signed connections get 401.
      ...(twilioAuthToken ? { authToken: twilioAuthToken } : {}),
      ...(publicUrl ? { publicUrl: publicUrl.replace(/^http/, 'ws') } : {}),
    },
  });
  const address = await worker.listen();
  const url = `http://${address.address}:${address.port}`;
  logger.info({ url, provider: choice.provider }, 'voxframe demo listening');
  // A plain line too, for humans and for tests that parse the port.
  process.stdout.write(`voxframe demo listening on ${url} (agent: ${choice.description})\n`);
}

// The Silero model loaded and warm before the first call (no first-call vad_backlog); a failure is logged, not fatal.
// The worker listens only after it, so /readyz answers only once calls can be taken at full speed.
void warmUpSileroVad()
  .catch((error: unknown) => logger.warn({ err: error }, 'Silero VAD warm-up failed'))
  .then(() => startServer(agent))
  .catch((error: unknown) => {
    logger.fatal({ err: error }, 'the demo could not start');
    process.exitCode = 1;
  });
