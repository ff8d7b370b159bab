/**
 * One emulated service session (one WebSocket connection): `session.created`, client event handling with the
 * service's errors, the input buffer with server VAD, commits and transcription, scripted responses, truncation and
 * expiry (protocol note §14).
 *
 * @packageDocumentation
 */
import type WebSocket from 'ws';
import { decodeG711 } from '../g711';
import { checkClientEvent, isBetaSessionShape, type ClientEventIssue } from './client-event-check';
import { EmulatedConversation, wireItem } from './conversation';
import { newId } from './ids';
import { ResponseStream, errorEvent, type StreamPacing } from './response-stream';
import type { EmulatedItem, ResponseScript, ScriptedResponse } from './script';
import { EnergyVad } from './server-vad';
import { applySessionUpdate, defaultSessionConfig, formatRate, turnSilenceMs, type EmulatorSessionConfig } from './session-state';
import { audioTokens, computeUsage, textTokens, type EmittedUsage } from './usage';

/** A problem found in a client event, with the event it was found in. */
export interface RecordedIssue extends ClientEventIssue {
  readonly sessionId: string;
  readonly eventType: string;
}

/** Settings of an emulated session (from the emulator's options). */
export interface EmulatedSessionSettings {
  readonly model: string;
  readonly beta: boolean;
  readonly rejectBeta: boolean;
  readonly sendConversationCreated: boolean;
  readonly maxSessionMs: number;
  readonly pacing: StreamPacing;
  readonly script: ResponseScript;
  readonly transcribe: (info: { readonly itemId: string; readonly audioMs: number; readonly index: number }) => string;
  readonly validateClientEvent?: (event: unknown) => readonly ClientEventIssue[];
  readonly onIssue: (issue: RecordedIssue) => void;
  /** Most user audio kept for `inputAudio()`, ms. */
  readonly recordAudioMs: number;
}

/** A client event as received (audio payloads replaced by their length). */
export interface ReceivedEvent {
  readonly type: string;
  readonly event: Readonly<Record<string, unknown>>;
}

/** Events kept per session for inspection. */
const MAX_LOGGED_EVENTS = 5000;
const MIN_COMMIT_MS = 100;

/** An emulated session. Tests reach it through `RealtimeEmulator.sessions`. */
export class EmulatedSession {
  readonly id = newId('sess');
  readonly conversationId = newId('conv');
  /** The session configuration, as `session.updated` reports it. */
  readonly config: EmulatorSessionConfig;
  /** Client events received, in order. */
  readonly received: ReceivedEvent[] = [];
  /** Server events sent, in order (audio deltas elided). */
  readonly sent: Record<string, unknown>[] = [];
  /** Errors sent for client events the session state refused (not malformed ones: those are issues). */
  readonly errors: ClientEventIssue[] = [];
  /** Truncations applied. */
  readonly truncations: { readonly itemId: string; readonly audioEndMs: number }[] = [];
  /** Responses created, in order. */
  readonly responses: ResponseStream[] = [];
  readonly conversation = new EmulatedConversation();
  /** Resolves with the close code and reason when the connection ends. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #ws: WebSocket;
  #silent = false;
  readonly #settings: EmulatedSessionSettings;
  readonly #recorded: Int16Array[] = [];
  #recordedSamples = 0;
  #vad: EnergyVad | undefined;
  #vadOffsetMs = 0;
  #audioOffsetMs = 0;
  #bufferMs = 0;
  #speechItemId: string | undefined;
  #active: ResponseStream | undefined;
  #toolOutputs: { callId: string; output: string }[] = [];
  #audioProduced = false;
  #previousInputTokens = 0;
  #commits = 0;
  #expiry: ReturnType<typeof setTimeout> | undefined;

  constructor(ws: WebSocket, settings: EmulatedSessionSettings) {
    this.#ws = ws;
    this.#settings = settings;
    this.config = defaultSessionConfig(this.id, settings.model, Math.floor((Date.now() + settings.maxSessionMs) / 1000));
    this.closed = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        if (this.#expiry !== undefined) clearTimeout(this.#expiry);
        this.#active?.cancel('client_cancelled');
        resolve({ code, reason: reason.toString('utf8') });
      });
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => this.#onMessage(isBinary ? '' : rawText(data)));
    if (settings.beta && settings.rejectBeta) {
      this.#rejectBeta();
      return;
    }
    this.#rebuildVad();
    this.send({ type: 'session.created', event_id: newId('event'), session: this.config });
    if (settings.sendConversationCreated) {
      this.send({ type: 'conversation.created', event_id: newId('event'), conversation: { id: this.conversationId, object: 'realtime.conversation' } });
    }
    this.#expiry = setTimeout(() => this.expire(), settings.maxSessionMs);
  }

  /** The conversation items. */
  get items(): readonly EmulatedItem[] {
    return this.conversation.items;
  }

  /** The active response, if any. */
  get activeResponse(): ResponseStream | undefined {
    return this.#active;
  }

  /** Client events of one type. */
  eventsOfType(type: string): Readonly<Record<string, unknown>>[] {
    return this.received.filter((r) => r.type === type).map((r) => r.event);
  }

  /** User audio received (PCM16 at the input rate), up to the recording limit. */
  inputAudio(): Int16Array {
    const out = new Int16Array(this.#recordedSamples);
    let offset = 0;
    for (const chunk of this.#recorded) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  /** Sends a server event (tests may inject their own). */
  send(event: Record<string, unknown>): void {
    if (this.#ws.readyState !== this.#ws.OPEN || this.#silent) return;
    this.#ws.send(JSON.stringify(event));
    if (this.sent.length < MAX_LOGGED_EVENTS) {
      this.sent.push(event.type === 'response.output_audio.delta' ? { ...event, delta: `<${String(event.delta).length} base64 chars>` } : event);
    }
  }

  /** Sends a raw text frame (garbage, for robustness tests). */
  sendRaw(text: string): void {
    if (this.#ws.readyState === this.#ws.OPEN && !this.#silent) this.#ws.send(text);
  }

  /** Ends the session as the service does at its maximum duration: `session_expired`, then close 1001 (§1.4). */
  expire(): void {
    const minutes = Math.round(this.#settings.maxSessionMs / 60000);
    const message = `Your session hit the maximum duration of ${minutes} minutes.`;
    this.send(errorEvent('session_expired', message));
    this.#ws.close(1001, message);
  }

  /** Drops the connection without a closing handshake (the client sees 1006). */
  drop(): void {
    this.#ws.terminate();
  }

  /**
   * Goes half-open, as a peer behind a vanished NAT or a dead host does: the socket stays up, but nothing is read
   * (pings go unanswered) and nothing is sent any more. Only a keepalive on the client notices.
   */
  goSilent(): void {
    this.#silent = true;
    this.#ws.pause();
  }

  /** Whether {@link goSilent} was called. */
  get silent(): boolean {
    return this.#silent;
  }

  #onMessage(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.#reject({ code: 'invalid_event', param: null, message: 'The event is not valid JSON.' }, undefined, 'invalid_json');
      return;
    }
    const event = value as Record<string, unknown>;
    const eventId = typeof event?.event_id === 'string' ? event.event_id : undefined;
    const issue = checkClientEvent(value);
    const type = typeof event?.type === 'string' ? event.type : '(none)';
    if (this.received.length < MAX_LOGGED_EVENTS) {
      this.received.push({ type, event: type === 'input_audio_buffer.append' ? { ...event, audio: `<${String(event.audio).length} base64 chars>` } : event });
    }
    if (issue) {
      this.#reject(issue, eventId, type);
      return;
    }
    if (type === 'session.update' && isBetaSessionShape(event.session as Record<string, unknown>) && this.#settings.rejectBeta) {
      this.#rejectBeta();
      return;
    }
    const schemaIssue = this.#settings.validateClientEvent?.(value) ?? [];
    if (schemaIssue.length > 0) {
      for (const found of schemaIssue) this.#settings.onIssue({ ...found, sessionId: this.id, eventType: type });
      this.send(errorEvent(schemaIssue[0].code, schemaIssue[0].message, { param: schemaIssue[0].param, eventId }));
      return;
    }
    const problem = this.#dispatch(type, event);
    if (problem) {
      this.errors.push(problem);
      this.send(errorEvent(problem.code, problem.message, { param: problem.param, eventId: eventId ?? null }));
    }
  }

  #dispatch(type: string, event: Record<string, unknown>): ClientEventIssue | undefined {
    switch (type) {
      case 'session.update': {
        const problem = applySessionUpdate(this.config, event.session as Record<string, unknown>, this.#audioProduced);
        if (problem) return problem;
        this.#rebuildVad();
        this.send({ type: 'session.updated', event_id: newId('event'), session: this.config });
        return undefined;
      }
      case 'input_audio_buffer.append':
        return this.#append(event.audio as string);
      case 'input_audio_buffer.commit':
        if (this.#bufferMs < MIN_COMMIT_MS) {
          return {
            code: 'invalid_value',
            param: null,
            message: `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${this.#bufferMs.toFixed(2)}ms of audio.`,
          };
        }
        this.#commit(newId('item'));
        return undefined;
      case 'input_audio_buffer.clear':
        this.#bufferMs = 0;
        this.send({ type: 'input_audio_buffer.cleared', event_id: newId('event') });
        return undefined;
      case 'output_audio_buffer.clear':
        return { code: 'invalid_value', param: 'type', message: 'output_audio_buffer.clear is only supported for WebRTC and SIP connections.' };
      case 'conversation.item.create':
        return this.#createItem(event.item as Record<string, unknown>, event.previous_item_id as string | undefined);
      case 'conversation.item.retrieve': {
        const item = this.conversation.find(event.item_id as string);
        if (!item) return { code: 'invalid_value', param: 'item_id', message: `Item with item_id '${String(event.item_id)}' not found.` };
        this.send({ type: 'conversation.item.retrieved', event_id: newId('event'), item: wireItem(item) });
        return undefined;
      }
      case 'conversation.item.delete':
        if (!this.conversation.delete(event.item_id as string)) {
          return { code: 'invalid_value', param: 'item_id', message: `Item with item_id '${String(event.item_id)}' not found.` };
        }
        this.send({ type: 'conversation.item.deleted', event_id: newId('event'), item_id: event.item_id });
        return undefined;
      case 'conversation.item.truncate': {
        const itemId = event.item_id as string;
        const problem = this.conversation.truncate(itemId, event.content_index as number, event.audio_end_ms as number);
        if (problem) return problem;
        this.truncations.push({ itemId, audioEndMs: event.audio_end_ms as number });
        this.send({ type: 'conversation.item.truncated', event_id: newId('event'), item_id: itemId, content_index: 0, audio_end_ms: event.audio_end_ms });
        return undefined;
      }
      case 'response.create':
        return this.#startResponse('response.create');
      case 'response.cancel': {
        const active = this.#active;
        if (active === undefined || (event.response_id !== undefined && event.response_id !== active.id)) {
          return { code: 'response_cancel_not_active', param: null, message: 'Cancellation failed: no active response found' };
        }
        active.cancel('client_cancelled');
        return undefined;
      }
      default:
        return undefined;
    }
  }

  #append(audio: string): ClientEventIssue | undefined {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(audio) || audio.length % 4 !== 0) {
      return { code: 'invalid_value', param: 'audio', message: 'Invalid audio: expected base64-encoded audio bytes.' };
    }
    const bytes = Buffer.from(audio, 'base64');
    const format = this.config.audio.input.format;
    let samples: Int16Array;
    if (format.type === 'audio/pcm') {
      samples = new Int16Array(bytes.length >> 1);
      new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 2));
    } else {
      samples = decodeG711(format.type === 'audio/pcmu' ? 'mulaw' : 'alaw', bytes);
    }
    const ms = (samples.length / formatRate(format)) * 1000;
    this.#record(samples);
    this.#bufferMs += ms;
    this.#audioOffsetMs += ms;
    for (const vadEvent of this.#vad?.process(samples) ?? []) {
      if (vadEvent.type === 'start') this.#speechStarted(vadEvent.audioStartMs + this.#vadOffsetMs);
      else this.#speechStopped(vadEvent.audioEndMs + this.#vadOffsetMs);
    }
    return undefined;
  }

  #speechStarted(audioStartMs: number): void {
    const td = this.config.audio.input.turn_detection;
    this.#speechItemId = newId('item');
    this.send({ type: 'input_audio_buffer.speech_started', event_id: newId('event'), audio_start_ms: Math.round(audioStartMs), item_id: this.#speechItemId });
    // §10.5 step 3: the service cancels the in-flight response itself when interrupt_response is on.
    if (td?.interrupt_response && this.#active !== undefined) this.#active.cancel('turn_detected');
  }

  #speechStopped(audioEndMs: number): void {
    const td = this.config.audio.input.turn_detection;
    const itemId = this.#speechItemId ?? newId('item');
    this.#speechItemId = undefined;
    this.send({ type: 'input_audio_buffer.speech_stopped', event_id: newId('event'), audio_end_ms: Math.round(audioEndMs), item_id: itemId });
    this.#commit(itemId);
    if (td?.create_response && this.#active === undefined) this.#startResponse('server_vad');
  }

  #commit(itemId: string): void {
    const item: EmulatedItem = { id: itemId, type: 'message', role: 'user', text: '', audioMs: Math.round(this.#bufferMs), status: 'completed' };
    const previous = this.conversation.add(item);
    this.#bufferMs = 0;
    this.send({ type: 'input_audio_buffer.committed', event_id: newId('event'), previous_item_id: previous, item_id: itemId });
    this.send({ type: 'conversation.item.added', event_id: newId('event'), previous_item_id: previous, item: wireItem(item) });
    this.send({ type: 'conversation.item.done', event_id: newId('event'), previous_item_id: previous, item: wireItem(item) });
    if (this.config.audio.input.transcription === null) return;
    const transcript = this.#settings.transcribe({ itemId, audioMs: item.audioMs, index: this.#commits++ });
    item.text = transcript;
    for (const delta of transcript.split(/(?<=\s)/)) {
      this.send({ type: 'conversation.item.input_audio_transcription.delta', event_id: newId('event'), item_id: itemId, content_index: 0, delta });
    }
    this.send({
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: newId('event'),
      item_id: itemId,
      content_index: 0,
      transcript,
      usage: { type: 'duration', seconds: Math.round(item.audioMs / 100) / 10 },
    });
  }

  #createItem(item: Record<string, unknown>, previousItemId: string | undefined): ClientEventIssue | undefined {
    if (previousItemId !== undefined && previousItemId !== 'root' && !this.conversation.find(previousItemId)) {
      return { code: 'invalid_value', param: 'previous_item_id', message: `Previous item with item_id '${previousItemId}' not found.` };
    }
    const parsed = parseItem(item, this.conversation);
    if ('code' in parsed) return parsed;
    if (this.conversation.find(parsed.id)) return { code: 'invalid_value', param: 'item.id', message: `Item with id '${parsed.id}' already exists.` };
    const previous = this.conversation.add(parsed, previousItemId);
    this.send({ type: 'conversation.item.added', event_id: newId('event'), previous_item_id: previous, item: wireItem(parsed) });
    this.send({ type: 'conversation.item.done', event_id: newId('event'), previous_item_id: previous, item: wireItem(parsed) });
    if (parsed.type === 'function_call_output') this.#toolOutputs.push({ callId: parsed.callId ?? '', output: parsed.output ?? '' });
    return undefined;
  }

  #startResponse(trigger: 'server_vad' | 'response.create'): ClientEventIssue | undefined {
    if (this.#active !== undefined) {
      return {
        code: 'conversation_already_has_active_response',
        param: null,
        message: `Conversation already has an active response in progress: ${this.#active.id}. Wait until the response is finished before creating a new one.`,
      };
    }
    const items = this.conversation.items;
    const lastUserItem = [...items].reverse().find((i) => i.type === 'message' && i.role === 'user');
    const scripted: ScriptedResponse = this.#settings.script({
      responseIndex: this.responses.length,
      trigger,
      items,
      ...(lastUserItem ? { lastUserItem } : {}),
      toolOutputs: this.#toolOutputs,
      toolNames: this.config.tools.map((t) => String(t.name)),
    }) ?? { say: 'OK.' };
    this.#toolOutputs = [];
    const stream = new ResponseStream(
      {
        session: this.config,
        conversationId: this.conversationId,
        send: (e) => this.send(e),
        addItem: (i) => this.conversation.add(i),
        usage: (audioMs, text) => this.#usage(audioMs, text),
        onDone: (done) => {
          if (this.#active === done) this.#active = undefined;
        },
      },
      scripted,
      this.#settings.pacing,
    );
    this.#active = stream;
    this.responses.push(stream);
    stream.start();
    return undefined;
  }

  #usage(outputAudioMs: number, outputText: string): EmittedUsage {
    const audio = this.config.output_modalities[0] === 'audio';
    if (audio && outputAudioMs > 0) this.#audioProduced = true;
    let text = textTokens(this.config.instructions);
    let audioIn = 0;
    for (const item of this.conversation.items) {
      text += textTokens(item.text + (item.arguments ?? '') + (item.output ?? ''));
      audioIn += audioTokens(item.audioMs);
    }
    const usage = computeUsage({ textTokens: text, audioTokens: audioIn }, { audioMs: outputAudioMs, text: outputText, audio }, this.#previousInputTokens);
    this.#previousInputTokens = usage.input_tokens;
    return usage;
  }

  #rebuildVad(): void {
    const td = this.config.audio.input.turn_detection;
    if (td === null) {
      this.#vad = undefined;
      return;
    }
    this.#vadOffsetMs = this.#audioOffsetMs;
    this.#vad = new EnergyVad({
      sampleRate: formatRate(this.config.audio.input.format),
      threshold: td.type === 'server_vad' ? td.threshold : 0.5,
      prefixPaddingMs: td.type === 'server_vad' ? td.prefix_padding_ms : 300,
      silenceDurationMs: turnSilenceMs(td),
    });
  }

  #record(samples: Int16Array): void {
    const limit = (this.#settings.recordAudioMs * formatRate(this.config.audio.input.format)) / 1000;
    if (this.#recordedSamples + samples.length > limit) return;
    this.#recorded.push(samples);
    this.#recordedSamples += samples.length;
  }

  /** Answers a malformed client event and records it as an issue. */
  #reject(issue: ClientEventIssue, eventId: string | undefined, eventType: string): void {
    this.#settings.onIssue({ ...issue, sessionId: this.id, eventType });
    this.send(errorEvent(issue.code, issue.message, { param: issue.param, eventId: eventId ?? null }));
  }

  #rejectBeta(): void {
    this.send(errorEvent('beta_api_shape_disabled', 'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.'));
    this.#ws.close(4000, 'beta_api_shape_disabled');
  }
}

/** Parses a client-created item (§7); assistant audio messages cannot be created by the client. */
function parseItem(item: Record<string, unknown>, conversation: EmulatedConversation): EmulatedItem | ClientEventIssue {
  const id = typeof item.id === 'string' ? item.id : newId('item');
  if (item.type === 'function_call_output') {
    const callId = String(item.call_id ?? '');
    if (!conversation.hasFunctionCall(callId)) {
      return { code: 'invalid_value', param: 'item.call_id', message: `No tool call found with call_id '${callId}'.` };
    }
    return { id, type: 'function_call_output', callId, output: String(item.output ?? ''), text: '', audioMs: 0, status: 'completed' };
  }
  if (item.type === 'function_call') {
    return { id, type: 'function_call', name: String(item.name), callId: String(item.call_id ?? newId('call')), arguments: String(item.arguments ?? ''), text: '', audioMs: 0, status: 'completed' };
  }
  if (item.type !== 'message') return { code: 'invalid_value', param: 'item.type', message: `Unsupported item type '${String(item.type)}'.` };
  const role = item.role;
  const content = Array.isArray(item.content) ? (item.content as Record<string, unknown>[]) : [];
  if (role === 'assistant' && content.some((part) => part.type === 'output_audio')) {
    return { code: 'invalid_value', param: 'item.content', message: 'Assistant audio messages cannot be created by the client.' };
  }
  const allowed = role === 'assistant' ? ['output_text'] : role === 'system' ? ['input_text'] : role === 'user' ? ['input_text', 'input_audio', 'input_image'] : undefined;
  if (allowed === undefined) return { code: 'invalid_value', param: 'item.role', message: `Unsupported role '${String(role)}'.` };
  const bad = content.find((part) => !allowed.includes(String(part.type)));
  if (bad) return { code: 'invalid_value', param: 'item.content.type', message: `Content type '${String(bad.type)}' is not allowed for role '${String(role)}'.` };
  const text = content.map((part) => String(part.text ?? part.transcript ?? '')).join('');
  return { id, type: 'message', role: role as 'user' | 'assistant' | 'system', text, audioMs: 0, status: 'completed' };
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
