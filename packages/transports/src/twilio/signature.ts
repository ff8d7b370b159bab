/**
 * Twilio request signatures (`X-Twilio-Signature`): HMAC-SHA1 of the full URL (plus sorted POST parameters) with
 * the account's auth token, base64. Twilio signs its webhooks (the TwiML request) and the Media Streams WebSocket
 * upgrade: its Media Streams firewall configuration page tells servers to validate `X-Twilio-Signature` on the
 * stream connection ("how your application verifies that a Media Stream is coming from an authentic Twilio
 * source"). The upgrade is a GET, so the signed data is the `wss://` URL alone, no parameters.
 *
 * @packageDocumentation
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Computes the signature Twilio would send for `url` and (POST) `params`. */
export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string>> = {}): string {
  let data = url;
  for (const key of Object.keys(params).sort()) data += key + params[key];
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Checks a signature in constant time. */
export function isValidTwilioSignature(authToken: string, url: string, signature: string, params: Readonly<Record<string, string>> = {}): boolean {
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Options of {@link twilioSignatureAuthenticator}. */
export interface TwilioSignatureOptions {
  /** The account's auth token (never logged). */
  readonly authToken: string;
  /**
   * Public base URL Twilio connects to, e.g. `wss://agent.example.com`: the scheme and host of the `<Stream url>`
   * (behind a proxy the Host header may differ, so set it there).
   * @defaultValue `wss://` + the request's Host header
   */
  readonly publicUrl?: string;
  /**
   * Refuse upgrades without a signature header. Twilio signs Media Streams upgrades, so an unsigned upgrade is not
   * from Twilio; turn it off only for a carrier or proxy that strips the header.
   * @defaultValue true
   */
  readonly requireSignature?: boolean;
}

/** Defaults of {@link TwilioSignatureOptions}. */
export const twilioSignatureDefaults = {
  requireSignature: true,
} as const satisfies Partial<TwilioSignatureOptions>;

/**
 * An `authenticate` hook for WebSocket upgrades (what {@link attachTwilioServer} installs when given `authToken`):
 * refuses upgrades whose `X-Twilio-Signature` does not match the `wss://` URL, and (by default) those without one.
 */
export function twilioSignatureAuthenticator(options: TwilioSignatureOptions): (request: IncomingMessage) => boolean {
  const base = options.publicUrl?.replace(/\/+$/, '');
  const required = options.requireSignature ?? twilioSignatureDefaults.requireSignature;
  return (request) => {
    const header = request.headers['x-twilio-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    if (signature === undefined) return !required;
    return isValidTwilioSignature(options.authToken, publicBase(base, request, 'wss') + (request.url ?? '/'), signature);
  };
}

/**
 * Validates a Twilio webhook (the request for TwiML, GET or POST): the signature over the full public URL (query
 * string included) and, for POST, the form parameters. `publicUrl` is the scheme and host Twilio calls
 * (`https://agent.example.com`), defaulting to `https://` + Host.
 */
export function isValidTwilioWebhook(
  request: IncomingMessage,
  options: { readonly authToken: string; readonly publicUrl?: string; readonly params?: Readonly<Record<string, string>> },
): boolean {
  const header = request.headers['x-twilio-signature'];
  const signature = Array.isArray(header) ? header[0] : header;
  if (signature === undefined) return false;
  const base = publicBase(options.publicUrl?.replace(/\/+$/, ''), request, 'https');
  return isValidTwilioSignature(options.authToken, base + (request.url ?? '/'), signature, options.params ?? {});
}

function publicBase(configured: string | undefined, request: IncomingMessage, scheme: 'wss' | 'https'): string {
  return configured ?? `${scheme}://${request.headers.host ?? 'localhost'}`;
}
