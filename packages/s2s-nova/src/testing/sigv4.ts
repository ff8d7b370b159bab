/**
 * SigV4 verification on the emulator's side: the request's `authorization` header and the chunk-signature chain
 * of every signed envelope the client sends (protocol note §4, §5.5), with the dummy credentials a test knows.
 *
 * @packageDocumentation
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http2';

/** The dummy credentials the emulator checks signatures with. */
export interface EmulatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The parsed and verified `authorization` header. */
export interface VerifiedRequest {
  /** The request's signature: the seed of the event chain. */
  readonly signature: string;
  readonly region: string;
  readonly service: string;
}

const SERVICE = 'bedrock';

function hmac(key: Buffer | string, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The SigV4 signing key for a day, region and service. */
export function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
}

/** RFC 3986 encoding as SigV4 wants it (everything but unreserved characters). */
function uriEscape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical URI: each path segment escaped once more (non-S3 services double-encode, so `%3A` -> `%253A`). */
function canonicalUri(path: string): string {
  const pathOnly = path.split('?')[0] ?? '/';
  return pathOnly
    .split('/')
    .map((segment) => uriEscape(segment))
    .join('/');
}

function canonicalQuery(path: string): string {
  const query = path.split('?')[1];
  if (!query) return '';
  return query
    .split('&')
    .map((pair) => pair.split('=').map((part) => uriEscape(decodeURIComponent(part))))
    .sort(([a = '', av = ''], [b = '', bv = '']) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value = '']) => `${name}=${value}`)
    .join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : String(value)).trim().replace(/\s+/g, ' ');
}

/**
 * Verifies the SigV4 `authorization` header of an HTTP/2 request.
 *
 * @returns the verified request, or a string saying what is wrong.
 */
export function verifyRequestSignature(headers: IncomingHttpHeaders, credentials: EmulatorCredentials): VerifiedRequest | string {
  const authorization = headerValue(headers, 'authorization');
  if (authorization === undefined) return 'no authorization header';
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (match === null) return 'authorization header is not AWS4-HMAC-SHA256';
  const [, accessKeyId, day, region, service, signedHeaderList, signature] = match as unknown as [string, string, string, string, string, string, string];
  if (accessKeyId !== credentials.accessKeyId) return `unknown access key id '${accessKeyId}'`;
  if (service !== SERVICE) return `credential scope names service '${service}', expected '${SERVICE}'`;
  const amzDate = headerValue(headers, 'x-amz-date');
  if (amzDate === undefined || !amzDate.startsWith(day)) return 'x-amz-date is missing or does not match the credential scope date';
  const payloadHash = headerValue(headers, 'x-amz-content-sha256');
  if (payloadHash !== 'STREAMING-AWS4-HMAC-SHA256-EVENTS') return `x-amz-content-sha256 is '${payloadHash ?? ''}', expected STREAMING-AWS4-HMAC-SHA256-EVENTS`;
  const signedHeaders = signedHeaderList.split(';');
  const canonicalHeaders: string[] = [];
  for (const name of signedHeaders) {
    // The SDK signs `host`; over HTTP/2 it travels as `:authority`.
    const value = headerValue(headers, name) ?? (name === 'host' ? headerValue(headers, ':authority') : undefined);
    if (value === undefined) return `signed header '${name}' is missing`;
    canonicalHeaders.push(`${name}:${value}\n`);
  }
  const path = String(headers[':path'] ?? '/');
  const canonicalRequest = [String(headers[':method'] ?? ''), canonicalUri(path), canonicalQuery(path), canonicalHeaders.join(''), signedHeaderList, payloadHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const expected = hmac(signingKey(credentials.secretAccessKey, day, region, service), stringToSign).toString('hex');
  if (!safeEqualHex(expected, signature)) return 'the request signature does not match (wrong secret, or the request was altered)';
  return { signature, region, service };
}

/** The encoded `:date` header alone (15 bytes: name length, name, type 8, int64 ms), which the event signature covers. */
function dateHeaderBytes(dateMs: number): Buffer {
  const bytes = Buffer.alloc(15);
  bytes.writeUInt8(5, 0);
  bytes.write(':date', 1, 'ascii');
  bytes.writeUInt8(8, 6);
  bytes.writeBigInt64BE(BigInt(dateMs), 7);
  return bytes;
}

function amzDateOf(dateMs: number): string {
  return new Date(dateMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * The chunk-signature chain of the signed envelopes (§5.5): each envelope's signature covers its `:date`, its
 * payload and the previous signature, seeded with the request's signature.
 */
export class ChunkSignatureChain {
  readonly #credentials: EmulatorCredentials;
  readonly #region: string;
  #prior: string;
  #verified = 0;

  constructor(seed: VerifiedRequest, credentials: EmulatorCredentials) {
    this.#credentials = credentials;
    this.#region = seed.region;
    this.#prior = seed.signature;
  }

  /** Envelopes verified so far. */
  get verified(): number {
    return this.#verified;
  }

  /**
   * Verifies one envelope and advances the chain.
   *
   * @returns `undefined` when it is valid, else what is wrong.
   */
  verify(dateMs: number, signature: Uint8Array, payload: Uint8Array): string | undefined {
    const amzDate = amzDateOf(dateMs);
    const day = amzDate.slice(0, 8);
    const stringToSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      amzDate,
      `${day}/${this.#region}/${SERVICE}/aws4_request`,
      this.#prior,
      sha256Hex(dateHeaderBytes(dateMs)),
      sha256Hex(payload),
    ].join('\n');
    const expected = hmac(signingKey(this.#credentials.secretAccessKey, day, this.#region, SERVICE), stringToSign);
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return `chunk signature ${this.#verified + 1} does not match the chain`;
    }
    this.#prior = expected.toString('hex');
    this.#verified += 1;
    return undefined;
  }
}

function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
