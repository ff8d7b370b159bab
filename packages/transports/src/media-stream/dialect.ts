/**
 * The shape shared by telephony media-stream protocols (Twilio Media Streams, Telnyx media streaming): JSON text
 * messages carrying base64 audio, marks and clears. A dialect parses one provider's messages into these neutral
 * events and writes its outbound messages; the transport logic is written once over them.
 *
 * @packageDocumentation
 */

/** Audio codecs a media stream may carry. */
export type MediaStreamCodec = 'PCMU' | 'PCMA' | 'L16';

/** The stream's metadata, from its `start` message. */
export interface MediaStreamStart {
  /** Stream id to put on outbound messages (`streamSid`, Telnyx `stream_id`). */
  readonly streamId: string;
  /** Call id (`callSid`, Telnyx `call_control_id`). */
  readonly callId: string;
  /** Account id, when sent. */
  readonly accountId: string;
  /** Custom parameters from the call setup (TwiML `<Parameter>`). */
  readonly customParameters: Readonly<Record<string, string>>;
  readonly codec: MediaStreamCodec;
  readonly sampleRate: number;
  readonly channels: number;
  readonly tracks: readonly string[];
}

/** Neutral inbound events. `streamId`, when the message names one, is checked against the stream's own. */
export type MediaStreamEvent =
  | { readonly kind: 'connected' }
  | { readonly kind: 'start'; readonly start: MediaStreamStart }
  | { readonly kind: 'media'; readonly track: string; readonly chunk: number; readonly timestampMs: number; readonly payload: string; readonly streamId?: string }
  | { readonly kind: 'dtmf'; readonly digit: string; readonly streamId?: string }
  | { readonly kind: 'mark'; readonly name: string; readonly streamId?: string }
  | { readonly kind: 'stop'; readonly streamId?: string }
  | { readonly kind: 'provider-error'; readonly code: string; readonly message: string };

/** A parse result: an event, or why the message was rejected. */
export type MediaStreamParse = { readonly ok: true; readonly event: MediaStreamEvent } | { readonly ok: false; readonly reason: string };

/** One provider's wire format. */
export interface MediaStreamDialect {
  /** Provider name, in logs and errors. */
  readonly name: string;
  /** Parses one text message. Never throws. */
  parse(text: string): MediaStreamParse;
  /** An outbound `media` message with base64 audio. */
  media(streamId: string, payloadBase64: string): string;
  /** An outbound `mark` message. */
  mark(streamId: string, name: string): string;
  /** An outbound `clear` message (drop queued audio). */
  clear(streamId: string): string;
}
