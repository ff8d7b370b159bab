/**
 * The `application/vnd.amazon.eventstream` framing on the emulator's side (protocol note §5): splitting a byte
 * stream into messages, decoding them (both CRC32s checked by the codec), and encoding the server's unsigned
 * event and exception messages. The binary codec itself is the SDK's own (`@smithy/core/event-streams`).
 *
 * @packageDocumentation
 */
import { EventStreamCodec, type Message, type MessageHeaders } from '@smithy/core/event-streams';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** The SDK's codec with plain UTF-8 helpers. */
export const codec = new EventStreamCodec(
  (bytes: Uint8Array) => utf8Decoder.decode(bytes),
  (text: string) => utf8Encoder.encode(text),
);

/** Largest message the emulator accepts (the service's limit is not published; audio chunks are a few kB). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Reassembles whole messages from HTTP/2 DATA chunks: a message may span chunks and a chunk may hold several
 * (§6 item 5). Throws on a length prefix that cannot be a message.
 */
export class MessageSplitter {
  #buffer = new Uint8Array(0);

  /** Adds a chunk; returns the raw bytes of every message it completed, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer, 0);
    joined.set(chunk, this.#buffer.length);
    const messages: Uint8Array[] = [];
    let offset = 0;
    while (joined.length - offset >= 4) {
      const length = new DataView(joined.buffer, joined.byteOffset + offset, 4).getUint32(0, false);
      if (length < 16 || length > MAX_MESSAGE_BYTES) throw new Error(`event-stream message length ${length} is out of range`);
      if (joined.length - offset < length) break;
      messages.push(joined.subarray(offset, offset + length));
      offset += length;
    }
    this.#buffer = joined.slice(offset);
    return messages;
  }

  /** Bytes of an incomplete message still held. */
  get pendingBytes(): number {
    return this.#buffer.length;
  }
}

/** Decodes one message (verifying both CRCs). */
export function decodeMessage(bytes: Uint8Array): Message {
  return codec.decode(bytes);
}

/** Reads a string header, or `undefined`. */
export function stringHeader(headers: MessageHeaders, name: string): string | undefined {
  const header = headers[name];
  return header?.type === 'string' ? header.value : undefined;
}

/** An output event as the service sends it (§5.6): `{"bytes": base64(JSON)}` in an unsigned `chunk` event message. */
export function eventMessage(event: unknown): Uint8Array {
  const bytes = Buffer.from(JSON.stringify(event), 'utf8').toString('base64');
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'event' },
      ':event-type': { type: 'string', value: 'chunk' },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: utf8Encoder.encode(JSON.stringify({ bytes })),
  });
}

/** The modeled exceptions of the output union, by their camelCase member names (§5.6). */
export type StreamExceptionType =
  | 'validationException'
  | 'modelStreamErrorException'
  | 'throttlingException'
  | 'modelTimeoutException'
  | 'serviceUnavailableException'
  | 'internalServerException';

/** A modeled exception message; the SDK throws it from the response loop. */
export function exceptionMessage(type: StreamExceptionType, body: Readonly<Record<string, unknown>>): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'exception' },
      ':exception-type': { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: utf8Encoder.encode(JSON.stringify(body)),
  });
}
