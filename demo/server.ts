/**
 * The voxframe demo server: a page to talk to an agent from the browser, and a Twilio Media Streams endpoint.
 *
 *   tsx demo/server.ts            # http://127.0.0.1:3000
 *   PORT=8080 HOST=0.0.0.0 tsx demo/server.ts
 *
 * Agent: OpenAI Realtime when OPENAI_API_KEY is set (VOXFRAME_OPENAI_BASE_URL points it elsewhere, e.g. the
 * emulator); otherwise the offline echo test. Phone calls: point a Twilio number's voice webhook at `/twiml`; with
 * TWILIO_AUTH_TOKEN set (and PUBLIC_URL behind a proxy) the webhook and the `/twilio` upgrade must carry a valid
 * X-Twilio-Signature. See demo/README.md.
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PipelineRunner, createLogger, pipeline, type FrameNode, type Logger } from '@voxframe/core';
import { warmUpSileroVad } from '@voxframe/processors';
import { attachTwilioServer, attachVoiceServer, type WebSocketEndpoint } from '@voxframe/transports';
import { selectAgent, type AgentChoice } from './agents/select';
import { LatencyProbe } from './latency-probe';
import { serveStatic } from './static';
import { answerTwiml, isTwimlRequest } from './twiml-route';

const logger = createLogger({ name: 'voxframe-demo' });
const agent = selectAgent(process.env);
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const twilioAuthToken = process.env.TWILIO_AUTH_TOKEN || undefined;
const publicUrl = process.env.PUBLIC_URL || undefined;

/** Runs one session's pipeline until the peer leaves; never lets a failure take the server down. */
async function runSession(kind: string, nodes: FrameNode[], closed: Promise<unknown>, log: Logger): Promise<void> {
  const runner = new PipelineRunner(pipeline(...nodes), { logger: log, idleTimeoutMs: 10 * 60_000, endTimeoutMs: 3000 });
  // Errors are logged once, where they happen (the processor or transport that reported them): nothing to add here.
  // The input transport pushes an end frame when the peer leaves; cancel releases everything once the socket closed.
  void closed.then(() => runner.cancel(`${kind} peer left`));
  const reason = await runner.run();
  log.info({ reason }, 'session finished');
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

function startServer(choice: AgentChoice): void {
  const server = createServer((req, res) => {
    if (isTwimlRequest(req)) {
      void answerTwiml(req, res, { streamPath: '/twilio', logger, ...(twilioAuthToken ? { authToken: twilioAuthToken } : {}), ...(publicUrl ? { publicUrl } : {}) });
      return;
    }
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, provider: choice.provider }));
      return;
    }
    serveStatic(req, res)
      .then((served) => {
        if (served) return;
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'static file failed');
        res.writeHead(500);
        res.end();
      });
  });

  const endpoints: WebSocketEndpoint[] = [];
  endpoints.push(
    attachVoiceServer(server, {
      path: '/voice',
      logger,
      // Same-origin by default (a page on another site must not drive this agent); ALLOWED_ORIGINS widens it.
      ...(process.env.ALLOWED_ORIGINS ? { allowedOrigins: process.env.ALLOWED_ORIGINS.split(',') } : { authenticate: sameOrigin }),
      maxConnections: 20,
      agent: { provider: choice.provider, description: choice.description, ...(choice.hint ? { hint: choice.hint } : {}) },
      onSession: async (transport) => {
        const log = logger.child({ session: transport.sessionId });
        const middle = await choice.build();
        await runSession('browser', [transport.input(), ...middle, new LatencyProbe(transport), transport.output()], transport.closed, log);
      },
    }),
    attachTwilioServer(server, {
      path: '/twilio',
      logger,
      maxConnections: 50,
      // Twilio signs the upgrade; with the token set, unsigned or wrongly signed connections get 401.
      ...(twilioAuthToken ? { authToken: twilioAuthToken } : {}),
      ...(publicUrl ? { publicUrl: publicUrl.replace(/^http/, 'ws') } : {}),
      onSession: async (transport) => {
        const log = logger.child({ transport: 'twilio' });
        // Twilio media streams are 8 kHz mu-law: agents that can take it as is skip resampling.
        const middle = await choice.build({ inputEncoding: 'g711_ulaw' });
        await runSession('twilio', [transport.input(), ...middle, transport.output()], transport.closed, log);
      },
    }),
  );

  server.listen(port, host, () => {
    const address = server.address() as AddressInfo;
    const url = `http://${address.address}:${address.port}`;
    logger.info({ url, provider: choice.provider }, 'voxframe demo listening');
    // A plain line too, for humans and for tests that parse the port.
    process.stdout.write(`voxframe demo listening on ${url} (agent: ${choice.description})\n`);
  });

  const shutdown = (): void => {
    logger.info('shutting down');
    void Promise.all(endpoints.map((e) => e.close())).then(() => server.close(() => process.exit(0)));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

// The Silero model loaded and warm before the first call (no first-call vad_backlog); a failure is logged, not fatal.
void warmUpSileroVad().catch((error: unknown) => logger.warn({ err: error }, 'Silero VAD warm-up failed')).then(() => startServer(agent));
