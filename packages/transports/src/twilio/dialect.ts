/**
 * Twilio's dialect of the media-stream protocol (protocol note §2-§3).
 *
 * @packageDocumentation
 */
import type { MediaStreamCodec, MediaStreamDialect, MediaStreamParse } from '../media-stream/dialect';
import { parseTwilioMessage } from './messages';

function codecOf(encoding: string): MediaStreamCodec | undefined {
  switch (encoding.toLowerCase()) {
    case 'audio/x-mulaw':
      return 'PCMU';
    case 'audio/x-alaw':
      return 'PCMA';
    case 'audio/x-l16':
      return 'L16';
    default:
      return undefined;
  }
}

/** Twilio Media Streams. Outbound messages carry the `streamSid` from `start`, as Twilio requires (§3). */
export const twilioDialect: MediaStreamDialect = {
  name: 'twilio',
  parse(text: string): MediaStreamParse {
    const parsed = parseTwilioMessage(text);
    if (!parsed.ok) return parsed;
    const m = parsed.message;
    switch (m.event) {
      case 'connected':
        return { ok: true, event: { kind: 'connected' } };
      case 'start': {
        const codec = codecOf(m.start.mediaFormat.encoding);
        if (codec === undefined) return { ok: false, reason: `start: unsupported encoding '${m.start.mediaFormat.encoding.slice(0, 40)}'` };
        return {
          ok: true,
          event: {
            kind: 'start',
            start: {
              streamId: m.streamSid,
              callId: m.start.callSid,
              accountId: m.start.accountSid,
              customParameters: m.start.customParameters,
              codec,
              sampleRate: m.start.mediaFormat.sampleRate,
              channels: m.start.mediaFormat.channels,
              tracks: m.start.tracks,
            },
          },
        };
      }
      case 'media':
        return { ok: true, event: { kind: 'media', track: m.media.track, chunk: m.media.chunk, timestampMs: m.media.timestamp, payload: m.media.payload, streamId: m.streamSid } };
      case 'dtmf':
        return { ok: true, event: { kind: 'dtmf', digit: m.dtmf.digit, streamId: m.streamSid } };
      case 'mark':
        return { ok: true, event: { kind: 'mark', name: m.mark.name, streamId: m.streamSid } };
      case 'stop':
        return { ok: true, event: { kind: 'stop', streamId: m.streamSid } };
    }
  },
  media(streamId, payloadBase64) {
    return `{"event":"media","streamSid":${JSON.stringify(streamId)},"media":{"payload":"${payloadBase64}"}}`;
  },
  mark(streamId, name) {
    return JSON.stringify({ event: 'mark', streamSid: streamId, mark: { name } });
  },
  clear(streamId) {
    return JSON.stringify({ event: 'clear', streamSid: streamId });
  },
};
