/**
 * Twilio request signatures (`X-Twilio-Signature`): HMAC-SHA1 of the full URL (plus sorted POST parameters) with
 * the account's auth token, base64. Twilio sends it on webhooks; on the Media Streams WebSocket upgrade it is
 * UNVERIFIED (protocol note §1), hence "validate if present" by default.
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
  /** Public base URL Twilio connects to, e.g. `wss://agent.example.com` (behind a proxy the Host header differs). */
  readonly publicUrl: string;
  /**
   * Refuse upgrades without a signature header. Off by default because Twilio's signing of the Media Streams
   * upgrade is unverified; turn it on once you have seen signed upgrades from your account.
   * @defaultValue false
   */
  readonly requireSignature?: boolean;
}

/**
 * An `authenticate` hook for {@link attachTwilioServer}: refuses upgrades whose `X-Twilio-Signature` does not match
 * (and, with `requireSignature`, those without one).
 */
export function twilioSignatureAuthenticator(options: TwilioSignatureOptions): (request: IncomingMessage) => boolean {
  const base = options.publicUrl.replace(/\/+$/, '');
  return (request) => {
    const header = request.headers['x-twilio-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    if (signature === undefined) return options.requireSignature !== true;
    return isValidTwilioSignature(options.authToken, base + (request.url ?? '/'), signature);
  };
}
