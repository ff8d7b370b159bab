/**
 * The HTTP side of a Twilio voice agent: the webhook Twilio calls when a call comes in (GET or POST, query strings
 * allowed), checked against `X-Twilio-Signature`, answered with `<Connect><Stream>` TwiML that points the call's
 * audio at the Media Streams endpoint.
 *
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import { VoxframeError } from '@voxframe/core';
import { isValidTwilioWebhook } from './signature';

/** Options of {@link twilioStreamTwiml}. */
export interface TwilioStreamTwimlOptions {
  /** The Media Streams endpoint, `wss://host/path`. Twilio does not pass query strings on: use `parameters`. */
  readonly streamUrl: string;
  /** `<Parameter name value>` pairs, delivered in the stream's `start` (`transport.customParameters`). */
  readonly parameters?: Readonly<Record<string, string>>;
  /** URL Twilio posts stream status events to (`stream-started`, `stream-stopped`, `stream-error`). */
  readonly statusCallback?: string;
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/**
 * TwiML that connects the call to a bidirectional Media Stream. `<Connect>` holds the call on the stream until our
 * server closes the socket; TwiML after it would run then.
 */
export function twilioStreamTwiml(options: TwilioStreamTwimlOptions): string {
  const params = Object.entries(options.parameters ?? {})
    .map(([name, value]) => `\n      <Parameter name="${xml(name)}" value="${xml(value)}"/>`)
    .join('');
  const callback = options.statusCallback === undefined ? '' : ` statusCallback="${xml(options.statusCallback)}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Connect>
    <Stream url="${xml(options.streamUrl)}"${callback}>${params}
    </Stream>
  </Connect>
</Response>
`;
}

/** Options of {@link readTwilioWebhook}. */
export interface TwilioWebhookOptions {
  /**
   * The account's auth token. When set, the request must carry a valid `X-Twilio-Signature` over the public URL
   * (query string included) and the POST form; when unset, nothing is checked (development only).
   * @defaultValue no check
   */
  readonly authToken?: string;
  /**
   * Scheme and host Twilio calls (`https://agent.example.com`): behind a proxy the Host header may differ.
   * @defaultValue `https://` + the request's Host header
   */
  readonly publicUrl?: string;
  /**
   * Largest form body read, in bytes (Twilio's call webhooks are a few KiB).
   * @defaultValue 65536
   */
  readonly maxBodyBytes?: number;
}

/** Defaults of {@link TwilioWebhookOptions}. */
export const twilioWebhookDefaults = {
  maxBodyBytes: 65_536,
} as const satisfies TwilioWebhookOptions;

/** A webhook Twilio sent: its parameters (query string and POST form), `CallSid`, `From`, `To` ... */
export interface TwilioWebhook {
  readonly params: Readonly<Record<string, string>>;
}

/** A webhook was refused. `status` is the HTTP status to answer with (403 bad signature, 413 too large, 405 method). */
export class TwilioWebhookError extends VoxframeError {
  readonly status: number;
  constructor(status: number, message: string) {
    super('twilio_webhook', message, { recoverable: true, details: { status } });
    this.status = status;
  }
}

/**
 * Reads a Twilio webhook (GET or POST, with or without a query string), checks its signature when `authToken` is
 * given, and returns its parameters. Throws {@link TwilioWebhookError} (with the HTTP status to answer) otherwise.
 */
export async function readTwilioWebhook(request: IncomingMessage, options: TwilioWebhookOptions = {}): Promise<TwilioWebhook> {
  if (request.method !== 'GET' && request.method !== 'POST') throw new TwilioWebhookError(405, `Twilio webhooks are GET or POST, not ${request.method ?? '?'}.`);
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
  const form = request.method === 'POST' ? new URLSearchParams(await readBody(request, options.maxBodyBytes ?? twilioWebhookDefaults.maxBodyBytes)) : new URLSearchParams();
  const formParams = Object.fromEntries(form);
  if (options.authToken !== undefined) {
    // The signature covers the full URL (query string included) plus the POST form parameters, not the query ones.
    const valid = isValidTwilioWebhook(request, { authToken: options.authToken, params: formParams, ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}) });
    if (!valid) throw new TwilioWebhookError(403, 'X-Twilio-Signature missing or wrong: check the auth token and that publicUrl is the URL Twilio calls.');
  }
  return { params: { ...Object.fromEntries(query), ...formParams } };
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and discarded, so the 413 answer still reaches the client.
      if (size > maxBytes) reject(new TwilioWebhookError(413, `The webhook body exceeded ${maxBytes} bytes.`));
      else chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
}
