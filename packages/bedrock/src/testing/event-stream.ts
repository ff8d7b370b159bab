/**
 * The AWS event stream binary framing (`application/vnd.amazon.eventstream`) that ConverseStream responses use:
 * each message is a 12-byte prelude (total length, headers length, CRC32 of both), string headers
 * (`:message-type`, `:event-type` or `:exception-type`, `:content-type`), a JSON payload, and a CRC32 of all before.
 *
 * @packageDocumentation
 */
import { crc32 } from 'node:zlib';

/** Encodes one message with string headers. */
export function encodeEventMessage(headers: Readonly<Record<string, string>>, payload: Buffer): Buffer {
  const headerParts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const part = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
    part.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(part, 1);
    part.writeUInt8(7, 1 + nameBytes.length); // header value type 7: string
    part.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    valueBytes.copy(part, 4 + nameBytes.length);
    headerParts.push(part);
  }
  const headerBytes = Buffer.concat(headerParts);
  const total = 12 + headerBytes.length + payload.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  payload.copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

/** An event (`:message-type: event`) with a JSON payload. */
export function eventMessage(eventType: string, body: unknown): Buffer {
  return encodeEventMessage({ ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' }, Buffer.from(JSON.stringify(body)));
}

/** An exception inside the stream (`:message-type: exception`), e.g. `throttlingException`. */
export function exceptionMessage(exceptionType: string, message: string): Buffer {
  return encodeEventMessage({ ':exception-type': exceptionType, ':content-type': 'application/json', ':message-type': 'exception' }, Buffer.from(JSON.stringify({ message })));
}
