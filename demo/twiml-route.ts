/**
 * The demo's TwiML webhook (`/twiml`, GET or POST, query strings allowed): checks `X-Twilio-Signature` when
 * `TWILIO_AUTH_TOKEN` is set and answers `<Connect><Stream>` to the demo's `/twilio` endpoint.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@voxframe/core';
import { TwilioWebhookError, readTwilioWebhook, twilioStreamTwiml } from '@voxframe/transports';

/** Options of {@link answerTwiml}. */
export interface TwimlRouteOptions {
  /** Checks signatures when set. */
  readonly authToken?: string;
  /** `https://host` Twilio calls; the stream URL is its `wss://` twin. @defaultValue from the Host header */
  readonly publicUrl?: string;
  /** Path of the Media Streams endpoint. */
  readonly streamPath: string;
  readonly logger?: Logger;
}

/** Whether a request is for the TwiML webhook (its path, whatever the query string). */
export function isTwimlRequest(req: IncomingMessage): boolean {
  return new URL(req.url ?? '/', 'http://localhost').pathname === '/twiml';
}

/** Answers the webhook: TwiML (200), or the refusal's status (403 bad signature, 405, 413). */
export async function answerTwiml(req: IncomingMessage, res: ServerResponse, options: TwimlRouteOptions): Promise<void> {
  try {
    const webhook = await readTwilioWebhook(req, {
      ...(options.authToken !== undefined ? { authToken: options.authToken } : {}),
      ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
    });
    const base = (options.publicUrl ?? `https://${req.headers.host ?? 'localhost'}`).replace(/^http/, 'ws').replace(/\/+$/, '');
    const parameters: Record<string, string> = { source: 'voxframe-demo' };
    if (webhook.params.CallSid !== undefined) parameters.callSid = webhook.params.CallSid;
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(twilioStreamTwiml({ streamUrl: base + options.streamPath, parameters }));
  } catch (error) {
    const status = error instanceof TwilioWebhookError ? error.status : 500;
    options.logger?.warn({ status, code: error instanceof TwilioWebhookError ? error.code : 'internal' }, error instanceof Error ? error.message : 'TwiML request failed');
    res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
    res.end(status === 403 ? 'forbidden' : 'refused');
  }
}
