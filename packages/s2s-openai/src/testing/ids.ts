/**
 * Server-generated ids in the service's shapes (protocol note §1.3): `sess_…`, `conv_…`, `item_…`, `resp_…`,
 * `call_…`, `event_…`.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random id with a prefix, e.g. `item_Bx3…` (20 characters after the prefix). */
export function newId(prefix: 'sess' | 'conv' | 'item' | 'resp' | 'call' | 'event'): string {
  const bytes = randomBytes(20);
  let id = `${prefix}_`;
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}
