/**
 * Twilio Media Streams messages, typed and validated (`docs/protocols/twilio-media-streams.md` §2-§3).
 *
 * @packageDocumentation
 */

/** `connected`: the first message of a stream. */
export interface TwilioConnected {
  readonly event: 'connected';
  readonly protocol?: string;
  readonly version?: string;
}

/** `start`: stream metadata, once, right after `connected`. */
export interface TwilioStart {
  readonly event: 'start';
  readonly sequenceNumber: number;
  readonly streamSid: string;
  readonly start: {
    readonly streamSid: string;
    readonly accountSid: string;
    readonly callSid: string;
    readonly tracks: readonly string[];
    /** `<Parameter name value>` pairs from the TwiML `<Stream>` (query strings are not supported by Twilio). */
    readonly customParameters: Readonly<Record<string, string>>;
    readonly mediaFormat: { readonly encoding: string; readonly sampleRate: number; readonly channels: number };
  };
}

/** `media`: 20 ms of caller audio, base64 mu-law 8 kHz. */
export interface TwilioMedia {
  readonly event: 'media';
  readonly sequenceNumber: number;
  readonly streamSid: string;
  readonly media: {
    readonly track: string;
    /** Per-track counter, from 1. */
    readonly chunk: number;
    /** Presentation time, ms since the stream started. */
    readonly timestamp: number;
    /** Base64 mu-law bytes. */
    readonly payload: string;
  };
}

/** `dtmf`: the caller pressed a key. */
export interface TwilioDtmf {
  readonly event: 'dtmf';
  readonly sequenceNumber: number;
  readonly streamSid: string;
  readonly dtmf: { readonly track: string; readonly digit: string };
}

/** `mark`: echo of a mark we sent, after the audio before it played, or at once when a `clear` discarded it. */
export interface TwilioMark {
  readonly event: 'mark';
  readonly sequenceNumber: number;
  readonly streamSid: string;
  readonly mark: { readonly name: string };
}

/** `stop`: the stream ended (hang-up, `<Stop>`, REST). Twilio closes the socket afterwards. */
export interface TwilioStop {
  readonly event: 'stop';
  readonly sequenceNumber: number;
  readonly streamSid: string;
  readonly stop: { readonly accountSid: string; readonly callSid: string };
}

/** Everything Twilio sends. */
export type TwilioInboundMessage = TwilioConnected | TwilioStart | TwilioMedia | TwilioDtmf | TwilioMark | TwilioStop;

/** Outcome of a parse: a message, or why the text was rejected. */
export type TwilioMessageParse<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly reason: string };

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Twilio sends integers as strings (`"sequenceNumber":"3"`); accept both, reject anything else. */
function intField(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

function str(value: unknown): value is string {
  return typeof value === 'string';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DIGIT = /^[0-9*#A-D]$/;

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** Parses one text message from Twilio. Never throws. */
export function parseTwilioMessage(text: string): TwilioMessageParse<TwilioInboundMessage> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('not JSON');
  }
  if (!isRecord(value) || !str(value.event)) return fail('not an object with a string "event"');
  if (value.event === 'connected') {
    return { ok: true, message: { event: 'connected', ...(str(value.protocol) ? { protocol: value.protocol } : {}), ...(str(value.version) ? { version: value.version } : {}) } };
  }
  const sequenceNumber = intField(value.sequenceNumber);
  if (sequenceNumber === undefined) return fail(`${value.event.slice(0, 30)}: sequenceNumber missing or not an integer`);
  if (!str(value.streamSid) || value.streamSid.length === 0) return fail(`${value.event.slice(0, 30)}: streamSid missing`);
  const streamSid = value.streamSid;
  switch (value.event) {
    case 'start':
      return parseStart(value, sequenceNumber, streamSid);
    case 'media': {
      const media = value.media;
      if (!isRecord(media)) return fail('media: "media" object missing');
      const chunk = intField(media.chunk);
      const timestamp = intField(media.timestamp);
      if (chunk === undefined || timestamp === undefined) return fail('media: chunk/timestamp must be integers');
      if (!str(media.payload) || media.payload.length % 4 !== 0 || !BASE64.test(media.payload)) return fail('media: payload is not base64');
      const track = str(media.track) ? media.track : 'inbound';
      return { ok: true, message: { event: 'media', sequenceNumber, streamSid, media: { track, chunk, timestamp, payload: media.payload } } };
    }
    case 'dtmf': {
      const dtmf = value.dtmf;
      if (!isRecord(dtmf) || !str(dtmf.digit) || !DIGIT.test(dtmf.digit)) return fail('dtmf: digit must be one of 0-9 * # A-D');
      return { ok: true, message: { event: 'dtmf', sequenceNumber, streamSid, dtmf: { track: str(dtmf.track) ? dtmf.track : 'inbound_track', digit: dtmf.digit } } };
    }
    case 'mark': {
      const mark = value.mark;
      if (!isRecord(mark) || !str(mark.name)) return fail('mark: name missing');
      return { ok: true, message: { event: 'mark', sequenceNumber, streamSid, mark: { name: mark.name } } };
    }
    case 'stop': {
      const stop = isRecord(value.stop) ? value.stop : {};
      return {
        ok: true,
        message: {
          event: 'stop',
          sequenceNumber,
          streamSid,
          stop: { accountSid: str(stop.accountSid) ? stop.accountSid : '', callSid: str(stop.callSid) ? stop.callSid : '' },
        },
      };
    }
    default:
      return fail(`unknown event '${value.event.slice(0, 40)}'`);
  }
}

function parseStart(value: Rec, sequenceNumber: number, streamSid: string): TwilioMessageParse<TwilioStart> {
  const start = value.start;
  if (!isRecord(start)) return fail('start: "start" object missing');
  const format = start.mediaFormat;
  if (!isRecord(format) || !str(format.encoding) || typeof format.sampleRate !== 'number' || typeof format.channels !== 'number') {
    return fail('start: mediaFormat {encoding, sampleRate, channels} missing');
  }
  const params: Record<string, string> = {};
  if (isRecord(start.customParameters)) {
    for (const [key, param] of Object.entries(start.customParameters)) if (str(param)) params[key] = param;
  }
  return {
    ok: true,
    message: {
      event: 'start',
      sequenceNumber,
      streamSid,
      start: {
        streamSid: str(start.streamSid) ? start.streamSid : streamSid,
        accountSid: str(start.accountSid) ? start.accountSid : '',
        callSid: str(start.callSid) ? start.callSid : '',
        tracks: Array.isArray(start.tracks) ? start.tracks.filter(str) : ['inbound'],
        customParameters: params,
        mediaFormat: { encoding: format.encoding, sampleRate: format.sampleRate, channels: format.channels },
      },
    },
  };
}
