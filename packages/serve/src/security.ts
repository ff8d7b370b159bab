/**
 * Security defaults of the worker: refuse to serve unauthenticated endpoints on a public address by accident.
 *
 * @packageDocumentation
 */
import { isIP } from 'node:net';

/** Thrown by {@link assertSafeBind}: say how to fix it. */
export class InsecureBindError extends Error {
  readonly code = 'insecure_bind';
  constructor(host: string) {
    super(
      `Refusing to listen on ${host} without authentication: anyone who can reach this address could open voice sessions ` +
        '(and spend your provider credits). Pass `authenticate` (browser endpoint) and a Twilio auth token (telephony), ' +
        'bind to 127.0.0.1 behind an authenticating proxy, or set `allowUnauthenticated: true` if that is really what you want.',
    );
    this.name = 'InsecureBindError';
  }
}

/** Whether `host` is a loopback address or name. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * Throws {@link InsecureBindError} when binding to a non-loopback `host` while some endpoint has no authentication
 * and the app did not opt out.
 */
export function assertSafeBind(host: string, unauthenticatedEndpoints: readonly string[], allowUnauthenticated: boolean): void {
  if (allowUnauthenticated || isLoopback(host) || unauthenticatedEndpoints.length === 0) return;
  throw new InsecureBindError(`${host} (unauthenticated: ${unauthenticatedEndpoints.join(', ')})`);
}
