/**
 * Telnyx's dialect of the media-stream protocol (protocol note §7): snake_case fields, `stream_id`, outbound
 * messages without a stream id, an extra `error` event, and a choice of codecs (`L16` is big-endian).
 *
 * @packageDocumentation
 */
import type { MediaStreamCodec, MediaStreamDialect, MediaStreamParse } from '../media-stream/dialect';

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): value is string {
  return typeof value === 'string';
}

function intField(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function codecOf(encoding: string): MediaStreamCodec | undefined {
  const e = encoding.toUpperCase();
  if (e === 'PCMU' || e === 'AUDIO/X-MULAW') return 'PCMU';
  if (e === 'PCMA' || e === 'AUDIO/X-ALAW') return 'PCMA';
  if (e === 'L16') return 'L16';
  return undefined;
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

function parseStart(value: Rec): MediaStreamParse {
  const start = isRecord(value.start) ? value.start : {};
  const streamId = str(value.stream_id) ? value.stream_id : str(start.stream_id) ? start.stream_id : undefined;
  if (streamId === undefined) return fail('start: stream_id missing');
  const format = start.media_format;
  if (!isRecord(format) || !str(format.encoding)) return fail('start: media_format.encoding missing');
  const codec = codecOf(format.encoding);
  if (codec === undefined) return fail(`start: unsupported encoding '${format.encoding.slice(0, 40)}' (PCMU, PCMA or L16)`);
  const sampleRate = intField(format.sample_rate) ?? 8000;
  const params: Record<string, string> = {};
  const custom = start.custom_parameters ?? start.customParameters;
  if (isRecord(custom)) for (const [k, v] of Object.entries(custom)) if (str(v)) params[k] = v;
  return {
    ok: true,
    event: {
      kind: 'start',
      start: {
        streamId,
        callId: str(start.call_control_id) ? start.call_control_id : '',
        accountId: str(start.user_id) ? start.user_id : '',
        customParameters: params,
        codec,
        sampleRate,
        channels: intField(format.channels) ?? 1,
        tracks: Array.isArray(start.tracks) ? start.tracks.filter(str) : ['inbound'],
      },
    },
  };
}

/** Telnyx media streaming (RTP mode). */
export const telnyxDialect: MediaStreamDialect = {
  name: 'telnyx',
  parse(text: string): MediaStreamParse {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return fail('not JSON');
    }
    if (!isRecord(value) || !str(value.event)) return fail('not an object with a string "event"');
    switch (value.event) {
      case 'connected':
        return { ok: true, event: { kind: 'connected' } };
      case 'start':
        return parseStart(value);
      case 'media': {
        const media = value.media;
        if (!isRecord(media) || !str(media.payload) || media.payload.length % 4 !== 0 || !BASE64.test(media.payload)) {
          return fail('media: payload is not base64');
        }
        return {
          ok: true,
          event: {
            kind: 'media',
            track: str(media.track) ? media.track : 'inbound',
            chunk: intField(media.chunk) ?? 0,
            timestampMs: intField(media.timestamp) ?? 0,
            payload: media.payload,
            ...streamIdOf(value),
          },
        };
      }
      case 'dtmf': {
        const dtmf = isRecord(value.dtmf) ? value.dtmf : isRecord(value.payload) ? value.payload : {};
        if (!str(dtmf.digit) || !/^[0-9*#A-D]$/.test(dtmf.digit)) return fail('dtmf: digit must be one of 0-9 * # A-D');
        return { ok: true, event: { kind: 'dtmf', digit: dtmf.digit, ...streamIdOf(value) } };
      }
      case 'mark': {
        const mark = value.mark;
        if (!isRecord(mark) || !str(mark.name)) return fail('mark: name missing');
        return { ok: true, event: { kind: 'mark', name: mark.name, ...streamIdOf(value) } };
      }
      case 'stop':
        return { ok: true, event: { kind: 'stop', ...streamIdOf(value) } };
      case 'error': {
        // Field layout of Telnyx error frames is UNVERIFIED (protocol note §7): accept `payload` or `error`.
        const body = isRecord(value.payload) ? value.payload : isRecord(value.error) ? value.error : {};
        const code = str(body.code) ? body.code : typeof body.code === 'number' ? String(body.code) : 'unknown';
        const message = str(body.detail) ? body.detail : str(body.title) ? body.title : str(body.message) ? body.message : 'error';
        return { ok: true, event: { kind: 'provider-error', code, message: message.slice(0, 300) } };
      }
      default:
        return fail(`unknown event '${value.event.slice(0, 40)}'`);
    }
  },
  media(_streamId, payloadBase64) {
    return `{"event":"media","media":{"payload":"${payloadBase64}"}}`;
  },
  mark(_streamId, name) {
    return JSON.stringify({ event: 'mark', mark: { name } });
  },
  clear() {
    return '{"event":"clear"}';
  },
};

/** The message's `stream_id`, when it carries one (checked against the stream's own by the transport). */
function streamIdOf(value: Record<string, unknown>): { streamId?: string } {
  return typeof value.stream_id === 'string' && value.stream_id.length > 0 ? { streamId: value.stream_id } : {};
}
