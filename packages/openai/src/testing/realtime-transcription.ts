/**
 * The emulator's Realtime transcription session (`/v1/realtime?intent=transcription` over WebSocket): handshake,
 * `session.created`, `session.update` -> `session.updated`, `input_audio_buffer.append`/`commit`/`clear`, and per
 * commit `input_audio_buffer.committed`, transcript deltas and `...transcription.completed` with the scripted text
 * (from the same queue as the HTTP transcriptions endpoint). Errors are shaped like the service's `error` events.
 *
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ReplyQueue, TranscriptionReply } from './script';

/** Handles HTTP upgrades for the transcription session. */
export class RealtimeTranscriptionEndpoint {
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #replies: ReplyQueue<TranscriptionReply>;
  readonly #apiKey: string | undefined;
  /** Sessions opened so far. */
  sessions = 0;
  /** `session.update` payloads received, in order. */
  readonly sessionUpdates: unknown[] = [];

  constructor(replies: ReplyQueue<TranscriptionReply>, apiKey: string | undefined) {
    this.#replies = replies;
    this.#apiKey = apiKey;
  }

  /** Takes an upgrade request; returns `false` when it is not for this endpoint. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname !== '/v1/realtime') return false;
    if (this.#apiKey !== undefined && req.headers.authorization !== `Bearer ${this.#apiKey}`) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
      return true;
    }
    if (url.searchParams.get('intent') !== 'transcription' || url.searchParams.has('model')) {
      socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#session(ws));
    return true;
  }

  close(): void {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }

  #session(ws: WebSocket): void {
    this.sessions += 1;
    let events = 0;
    let items = 0;
    let bufferedBytes = 0;
    const send = (event: Record<string, unknown>): void => {
      events += 1;
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event_id: `event_emu${events}`, ...event }));
    };
    const error = (code: string, message: string, eventId?: unknown): void =>
      send({ type: 'error', error: { type: 'invalid_request_error', code, message, param: null, event_id: eventId ?? null } });
    send({ type: 'session.created', session: { id: `sess_emu${this.sessions}`, object: 'realtime.transcription_session', type: 'transcription' } });
    ws.on('message', (data) => {
      let event: { type?: string; event_id?: string; audio?: string; session?: { type?: string } };
      try {
        event = JSON.parse(String(data)) as typeof event;
      } catch {
        return error('invalid_json', 'The server could not parse the event as JSON.');
      }
      switch (event.type) {
        case 'session.update':
          if (event.session?.type !== 'transcription') return error('invalid_value', "Invalid value: session.type must be 'transcription' on a transcription session.", event.event_id);
          this.sessionUpdates.push(event.session);
          return send({ type: 'session.updated', session: event.session });
        case 'input_audio_buffer.append':
          bufferedBytes += Buffer.from(event.audio ?? '', 'base64').length;
          return;
        case 'input_audio_buffer.clear':
          bufferedBytes = 0;
          return send({ type: 'input_audio_buffer.cleared' });
        case 'input_audio_buffer.commit': {
          const ms = bufferedBytes / 48;
          if (ms < 100) {
            return error('input_audio_buffer_commit_empty', `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${ms.toFixed(2)}ms of audio.`, event.event_id);
          }
          bufferedBytes = 0;
          items += 1;
          const itemId = `item_emu${items}`;
          send({ type: 'input_audio_buffer.committed', item_id: itemId, previous_item_id: null });
          const reply = this.#replies.next();
          if (reply.error !== undefined) {
            const wire = { type: reply.error.type ?? 'server_error', code: reply.error.code ?? null, message: reply.error.message, param: null };
            return send({ type: 'conversation.item.input_audio_transcription.failed', item_id: itemId, content_index: 0, error: wire });
          }
          const text = reply.text ?? '';
          for (const delta of text.match(/\s*\S+/g) ?? []) send({ type: 'conversation.item.input_audio_transcription.delta', item_id: itemId, content_index: 0, delta });
          return send({ type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, content_index: 0, transcript: text, usage: { type: 'duration', seconds: Math.ceil(ms / 1000) } });
        }
        default:
          return error('invalid_event', `Unknown or unsupported event type '${String(event.type)}' on a transcription session.`, event.event_id);
      }
    });
  }
}
