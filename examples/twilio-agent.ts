/**
 * A complete phone agent on Twilio Media Streams and OpenAI Realtime, on one Node HTTP server:
 *
 * - `GET|POST /twiml` (query strings allowed): the voice webhook of your Twilio number. It checks
 *   `X-Twilio-Signature` and answers `<Connect><Stream url="wss://…/twilio">`, passing the caller as a `<Parameter>`.
 * - `wss://…/twilio`: the Media Stream. The upgrade's signature is checked too (401 otherwise); each call runs
 *   its own pipeline: caller audio -> Silero VAD (fast barge-in) -> OpenAI Realtime -> pacer -> Twilio.
 *
 *   OPENAI_API_KEY=sk-… TWILIO_AUTH_TOKEN=… PUBLIC_URL=https://agent.example.com npx tsx examples/twilio-agent.ts
 *
 * Then set the number's "A call comes in" webhook to `https://agent.example.com/twiml` (GET or POST). Behind a
 * tunnel or proxy, PUBLIC_URL must be the URL Twilio calls: the signatures cover it. Without TWILIO_AUTH_TOKEN
 * nothing is checked (development only: anyone could then spend your OpenAI credits).
 */
import { createServer } from 'node:http';
import { PipelineRunner, createLogger, createS2S, pipeline } from '@voxframe/core';
import { outputPacer, s2sProcessor, sileroVad } from '@voxframe/processors';
import '@voxframe/s2s-openai'; // registers 'openai_realtime'
import { TwilioWebhookError, attachTwilioServer, readTwilioWebhook, twilioStreamTwiml, type TwilioTransport } from '@voxframe/transports';

const logger = createLogger({ name: 'twilio-agent' });
const port = Number(process.env.PORT ?? 8080);
const authToken = process.env.TWILIO_AUTH_TOKEN || undefined;
const publicUrl = (process.env.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
const streamUrl = publicUrl.replace(/^http/, 'ws') + '/twilio';
if (authToken === undefined) logger.warn('TWILIO_AUTH_TOKEN is not set: Twilio signatures are NOT checked');

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== '/twiml') {
    res.writeHead(404).end();
    return;
  }
  readTwilioWebhook(req, { ...(authToken !== undefined ? { authToken, publicUrl } : {}) })
    .then((webhook) => {
      // Twilio drops query strings from the stream URL: data for the call travels as <Parameter>s.
      const parameters: Record<string, string> = {};
      if (webhook.params.From !== undefined) parameters.caller = webhook.params.From;
      res.writeHead(200, { 'content-type': 'text/xml' }).end(twilioStreamTwiml({ streamUrl, parameters }));
    })
    .catch((error: unknown) => {
      const status = error instanceof TwilioWebhookError ? error.status : 500;
      logger.warn({ status }, error instanceof Error ? error.message : 'webhook failed');
      res.writeHead(status).end();
    });
});

/** One call: its own pipeline, ended when Twilio sends `stop` or the socket closes. */
async function runCall(transport: TwilioTransport): Promise<void> {
  const start = await transport.started; // the stream's `start`: ids, codec, <Parameter>s
  const log = logger.child({ call: start.callId });
  const s2s = createS2S('openai_realtime', {
    voice: 'marin',
    instructions: `You answer the phone for Example Corp. Be brief. The caller's number is ${transport.customParameters.caller ?? 'unknown'}.`,
  });
  const runner = new PipelineRunner(
    pipeline(
      transport.input(), // mu-law 8 kHz -> PCM16 8 kHz; audio received before this point is held, not lost
      sileroVad(), // user speaking: barge-in on the bot's audio
      s2sProcessor({ s2s }), // resamples 8 kHz <-> the model's rate; truncates the reply to what was heard
      outputPacer({ chunkMs: 20 }), // 1x real time, so a `clear` cuts little
      transport.output(), // PCM -> mu-law media, marks as the playback clock, `clear` on barge-in
    ),
    { logger: log, endTimeoutMs: 3000 },
  );
  void transport.closed.then(() => runner.cancel('call ended'));
  log.info({ reason: await runner.run() }, 'call finished');
}

attachTwilioServer(server, {
  path: '/twilio',
  logger,
  ...(authToken !== undefined ? { authToken, publicUrl: streamUrl.replace(/\/twilio$/, '') } : {}),
  maxConnections: 50, // concurrent calls; more get 503
  onSession: (transport) => {
    runCall(transport).catch((error: unknown) => {
      logger.error({ err: error }, 'call failed');
      transport.close(1011, 'agent failed');
    });
  },
});

server.listen(port, () => logger.info({ port, twiml: `${publicUrl}/twiml`, stream: streamUrl }, 'Twilio agent listening'));
