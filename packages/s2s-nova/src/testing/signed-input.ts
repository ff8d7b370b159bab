/**
 * The client's side of the wire as the emulator reads it (protocol note §5.3-§5.5): signed envelopes split from
 * the HTTP/2 DATA chunks, both CRCs checked, each envelope's chunk signature verified along the chain, the inner
 * `chunk` message unwrapped and its base64 Nova event parsed.
 *
 * @packageDocumentation
 */
import { MessageSplitter, decodeMessage, stringHeader } from './event-stream';
import type { ChunkSignatureChain } from './sigv4';

/** What one envelope carried. */
export type SignedInput =
  /** A Nova input event (parsed JSON). */
  | { readonly kind: 'event'; readonly event: unknown }
  /** The empty, signed end frame: the input is over. */
  | { readonly kind: 'end' }
  /** Something that breaks the wire format or the signature chain. */
  | { readonly kind: 'violation'; readonly message: string };

/** Reads one request body. */
export class SignedInputReader {
  readonly #splitter = new MessageSplitter();
  readonly #chain: ChunkSignatureChain;

  constructor(chain: ChunkSignatureChain) {
    this.#chain = chain;
  }

  /** Envelopes whose signature verified. */
  get verified(): number {
    return this.#chain.verified;
  }

  /** Reads a DATA chunk: what each envelope it completed carried, stopping at the first violation. */
  push(chunk: Uint8Array): SignedInput[] {
    let messages: Uint8Array[];
    try {
      messages = this.#splitter.push(chunk);
    } catch (error) {
      return [{ kind: 'violation', message: `unreadable framing: ${(error as Error).message}` }];
    }
    const inputs: SignedInput[] = [];
    for (const bytes of messages) {
      const input = this.#envelope(bytes);
      inputs.push(input);
      if (input.kind === 'violation') break;
    }
    return inputs;
  }

  #envelope(bytes: Uint8Array): SignedInput {
    let outer;
    try {
      outer = decodeMessage(bytes);
    } catch (error) {
      return { kind: 'violation', message: `an envelope failed its CRC or header checks: ${(error as Error).message}` };
    }
    const date = outer.headers[':date'];
    const signature = outer.headers[':chunk-signature'];
    if (date?.type !== 'timestamp' || signature?.type !== 'binary') return { kind: 'violation', message: 'an envelope lacks :date or :chunk-signature' };
    const problem = this.#chain.verify(date.value.getTime(), signature.value, outer.body);
    if (problem !== undefined) return { kind: 'violation', message: problem };
    if (outer.body.length === 0) return { kind: 'end' };
    try {
      const inner = decodeMessage(outer.body);
      if (stringHeader(inner.headers, ':event-type') !== 'chunk' || stringHeader(inner.headers, ':message-type') !== 'event') {
        return { kind: 'violation', message: 'an inner message is not a chunk event' };
      }
      const payload = JSON.parse(Buffer.from(inner.body).toString('utf8')) as { bytes?: unknown };
      if (typeof payload.bytes !== 'string') return { kind: 'violation', message: 'an inner message has no "bytes" string' };
      return { kind: 'event', event: JSON.parse(Buffer.from(payload.bytes, 'base64').toString('utf8')) };
    } catch (error) {
      return { kind: 'violation', message: `an input chunk could not be decoded: ${(error as Error).message}` };
    }
  }
}
