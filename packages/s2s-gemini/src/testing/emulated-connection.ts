/**
 * One client connection to the emulator: the setup handshake and its checks, realtime input (energy VAD or manual
 * activity), scripted model turns streamed as `serverContent`, tool calls and their cancellation on barge-in,
 * resumption handles, `goAway`, and errors as close codes the way the service sends them.
 *
 * @packageDocumentation
 */
import type WebSocket from 'ws';
import { EnergyVad } from './energy-vad';
import { scriptedAudioMs, type ReceivedToolResponse, type ScriptedTurn } from './script';
import { tone } from './signals';
import type { EmulatedSession } from './emulated-session';

/** A client message the emulator received, as parsed JSON. */
export type ReceivedMessage = Record<string, unknown>;

/** What a connection needs from its emulator. */
export interface ConnectionHost {
  readonly models: readonly string[];
  readonly chunkIntervalMs: number;
  readonly textFrames: boolean;
  readonly silenceMs: number;
  readonly vadThreshold: number;
  /** Checks a client message against the SDK's schema; issues close the connection with 1007. */
  readonly validate?: (message: unknown) => string[];
  /** Finds (or creates) the emulated session for a setup: `undefined` handle starts a fresh one. */
  session(handle: string | undefined): EmulatedSession | undefined;
  /** Records a schema or protocol issue. */
  issue(text: string): void;
  /** Transcript of the user's speech (the emulator does not recognise speech). */
  transcribe(samples: number): string;
}

const INVALID = 'Request contains an invalid argument.';

/** The emulator's side of one WebSocket. */
export class EmulatedConnection {
  /** Every client message, in order. */
  readonly received: ReceivedMessage[] = [];
  /** User audio samples received on this connection. */
  inputSamples = 0;
  /** The setup the client sent. */
  setup: Record<string, unknown> | undefined;
  session: EmulatedSession | undefined;
  closed = false;
  readonly #socket: WebSocket;
  readonly #host: ConnectionHost;
  #vad: EnergyVad;
  #manual = false;
  #interrupts = true;
  #inActivity = false;
  #userSamples = 0;
  #seeding = false;
  #generation = 0;
  #replying: { audioSent: boolean } | undefined;
  #pendingCalls = new Map<string, string>();
  #responses: ReceivedToolResponse[] = [];
  #timers = new Set<ReturnType<typeof setTimeout>>();

  readonly #keyValid: boolean;

  /** `keyValid`: the key from the handshake; a bad one is refused at setup (close 1007), like the service. */
  constructor(socket: WebSocket, host: ConnectionHost, keyValid = true) {
    this.#keyValid = keyValid;
    this.#socket = socket;
    this.#host = host;
    this.#vad = new EnergyVad({ threshold: host.vadThreshold, silenceMs: host.silenceMs });
    socket.on('message', (data: WebSocket.RawData) => this.#onMessage(String(data)));
    socket.on('close', () => this.#dispose());
  }

  /** Whether a model turn is being streamed. */
  get replying(): boolean {
    return this.#replying !== undefined;
  }

  /** Tool calls waiting for a response. */
  get pendingCallIds(): string[] {
    return [...this.#pendingCalls.keys()];
  }

  /** Sends one server message (binary frame unless `textFrames`). */
  send(message: Record<string, unknown>): void {
    if (this.closed) return;
    const json = JSON.stringify(message);
    this.#socket.send(this.#host.textFrames ? json : Buffer.from(json, 'utf8'), { binary: !this.#host.textFrames });
  }

  /** Closes with a code and reason, as the service reports errors. */
  closeWith(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.#stopReply();
    // A close reason is at most 123 bytes (RFC 6455 §5.5).
    let text = reason;
    while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
    this.#socket.close(code, text);
  }

  /** Drops the TCP connection without a close frame (the client sees 1006). */
  drop(): void {
    this.closed = true;
    this.#stopReply();
    this.#socket.terminate();
  }

  /**
   * Sends `goAway` and closes the connection `closeAfterMs` later (by default `timeLeftMs`; earlier to test a client
   * caught mid-turn) with 1008 "The operation was aborted." (the code third-party reports show; unverified).
   */
  goAway(timeLeftMs: number, closeAfterMs = timeLeftMs): void {
    this.send({ goAway: { timeLeft: `${timeLeftMs / 1000}s` } });
    this.#later(closeAfterMs, () => this.closeWith(1008, 'The operation was aborted.'));
  }

  #onMessage(text: string): void {
    if (this.closed) return;
    let message: ReceivedMessage;
    try {
      message = JSON.parse(text) as ReceivedMessage;
    } catch {
      this.#reject('a frame that is not JSON');
      return;
    }
    this.received.push(message);
    const issues = this.#host.validate?.(message) ?? [];
    if (issues.length > 0) {
      this.#reject(issues.join('; '));
      return;
    }
    const keys = Object.keys(message);
    if (keys.length !== 1) {
      this.#reject(`a message with keys ${keys.join(', ')} (exactly one expected)`);
      return;
    }
    const key = keys[0];
    const body = message[key] as Record<string, unknown>;
    if (this.setup === undefined) {
      if (key !== 'setup') this.#reject(`'${key}' before setup`);
      else this.#onSetup(body);
      return;
    }
    switch (key) {
      case 'setup':
        return this.#reject('a second setup');
      case 'realtimeInput':
        return this.#onRealtimeInput(body);
      case 'clientContent':
        return this.#onClientContent(body);
      case 'toolResponse':
        return this.#onToolResponse(body);
      case 'contextUpdate':
        return;
      default:
        return this.#reject(`unknown message '${key}'`);
    }
  }

  #onSetup(setup: Record<string, unknown>): void {
    if (!this.#keyValid) {
      this.closeWith(1007, 'API key not valid. Please pass a valid API key.');
      return;
    }
    const model = typeof setup.model === 'string' ? setup.model : '';
    if (!model.startsWith('models/')) return this.#reject(`setup.model '${model}' without the models/ prefix`);
    if (!this.#host.models.includes(model.slice('models/'.length))) {
      this.closeWith(1008, `${model} is not found for API version v1beta, or is not supported for bidiGenerateContent`);
      return;
    }
    const generation = (setup.generationConfig ?? {}) as Record<string, unknown>;
    const modalities = (generation.responseModalities ?? ['AUDIO']) as unknown[];
    if (modalities.length !== 1) return this.#reject('responseModalities with more than one value');
    const speech = (generation.speechConfig ?? {}) as Record<string, unknown>;
    if (speech.multiSpeakerVoiceConfig !== undefined) return this.#reject('multiSpeakerVoiceConfig in a Live session');
    for (const tool of (setup.tools ?? []) as { functionDeclarations?: Record<string, unknown>[] }[]) {
      for (const declaration of tool.functionDeclarations ?? []) {
        if (declaration.parameters !== undefined && declaration.parametersJsonSchema !== undefined) return this.#reject('both parameters and parametersJsonSchema');
      }
    }
    const resumption = setup.sessionResumption as { handle?: string } | undefined;
    const session = this.#host.session(resumption?.handle);
    if (session === undefined) {
      this.closeWith(1007, INVALID);
      return;
    }
    const input = (setup.realtimeInputConfig ?? {}) as { automaticActivityDetection?: { disabled?: boolean; silenceDurationMs?: number }; activityHandling?: string };
    this.#manual = input.automaticActivityDetection?.disabled === true;
    this.#interrupts = input.activityHandling !== 'NO_INTERRUPTION';
    const silenceMs = input.automaticActivityDetection?.silenceDurationMs;
    if (silenceMs !== undefined) this.#vad = new EnergyVad({ threshold: this.#host.vadThreshold, silenceMs });
    this.#seeding = (setup.historyConfig as { initialHistoryInClientContent?: boolean } | undefined)?.initialHistoryInClientContent === true;
    this.setup = setup;
    this.session = session;
    session.attach(this);
    this.send({ setupComplete: {} });
  }

  #onRealtimeInput(input: Record<string, unknown>): void {
    const keys = Object.keys(input);
    if (keys.length !== 1) return this.#reject('realtimeInput with more than one field');
    if (input.audio !== undefined) {
      const audio = input.audio as { mimeType?: string; data?: string };
      const rate = Number(/rate=(\d+)/.exec(audio.mimeType ?? '')?.[1] ?? NaN);
      if (!(audio.mimeType ?? '').startsWith('audio/pcm') || !Number.isFinite(rate)) return this.#reject(`audio mimeType '${String(audio.mimeType)}'`);
      const bytes = Buffer.from(audio.data ?? '', 'base64');
      const samples = new Int16Array(bytes.length >> 1);
      new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 2));
      this.inputSamples += samples.length;
      this.session?.addInput(samples.length);
      if (this.#manual) {
        if (this.#inActivity) this.#userSamples += samples.length;
        return;
      }
      for (const change of this.#vad.push(samples, rate)) {
        if (change === 'started') this.#userStarted();
        else this.#userStopped();
      }
      if (this.#vad.speaking) this.#userSamples += samples.length;
      return;
    }
    if (input.activityStart !== undefined) {
      if (!this.#manual) return this.#reject('activityStart with automatic activity detection on');
      this.#inActivity = true;
      this.#userStarted();
      return;
    }
    if (input.activityEnd !== undefined) {
      if (!this.#manual) return this.#reject('activityEnd with automatic activity detection on');
      this.#inActivity = false;
      this.#userStopped();
      return;
    }
    if (input.audioStreamEnd !== undefined) {
      if (this.#manual) return this.#reject('audioStreamEnd with automatic activity detection off');
      if (this.#vad.flush()) this.#userStopped();
      return;
    }
    if (typeof input.text === 'string') {
      this.#userStarted();
      this.session?.addUserText(input.text);
      this.#respond(input.text);
      return;
    }
    this.#reject(`realtimeInput.${keys[0]}`);
  }

  #onClientContent(content: Record<string, unknown>): void {
    const turns = (content.turns ?? []) as { role?: string; parts?: { text?: string }[] }[];
    for (const turn of turns) this.session?.addHistory(turn.role ?? 'user', (turn.parts ?? []).map((p) => p.text ?? '').join(''));
    if (this.#seeding) {
      // Initial history: consumed without calling the model until a turnComplete (historyConfig).
      if (content.turnComplete === true) this.#seeding = false;
      return;
    }
    if (content.turnComplete === true) {
      this.#userStarted();
      const last = turns[turns.length - 1];
      this.#respond((last?.parts ?? []).map((p) => p.text ?? '').join(''));
    }
  }

  #onToolResponse(body: Record<string, unknown>): void {
    const responses = (body.functionResponses ?? []) as { id?: string; name?: string; response?: Record<string, unknown> }[];
    for (const response of responses) {
      const id = response.id ?? '';
      if (!this.#pendingCalls.has(id)) {
        this.#host.issue(`toolResponse for unknown call id '${id}'`);
        this.closeWith(1008, 'Requested entity was not found.');
        return;
      }
      this.#pendingCalls.delete(id);
      this.#responses.push({ id, name: response.name ?? '', response: response.response ?? {} });
    }
    if (this.#pendingCalls.size === 0 && this.#replying === undefined) {
      const toolResponses = this.#responses;
      this.#responses = [];
      this.#reply(this.session?.nextTurn('', toolResponses));
    }
  }

  #userStarted(): void {
    this.#userSamples = 0;
    if (!this.#interrupts) return;
    if (this.#pendingCalls.size > 0) {
      this.send({ toolCallCancellation: { ids: [...this.#pendingCalls.keys()] } });
      this.#pendingCalls.clear();
      this.#responses = [];
    }
    if (this.#replying !== undefined) {
      this.#stopReply();
      this.session?.recordInterruption();
      this.send({ serverContent: { interrupted: true } });
      this.send({ serverContent: { turnComplete: true } });
      this.#sendResumable();
    }
  }

  #userStopped(): void {
    const samples = this.#userSamples;
    this.#userSamples = 0;
    const text = this.#host.transcribe(samples);
    if (text !== '') this.send({ serverContent: { inputTranscription: { text, finished: true } } });
    this.session?.addUserText(text);
    this.#respond(text);
  }

  #respond(userText: string): void {
    if (this.#replying !== undefined || this.session === undefined) return;
    this.#reply(this.session.nextTurn(userText, []));
  }

  #reply(turn: ScriptedTurn | undefined): void {
    if (turn === undefined || this.closed) return;
    if (turn.toolCalls !== undefined && turn.toolCalls.length > 0) {
      const calls = turn.toolCalls.map((call) => {
        const id = call.id ?? this.session?.newCallId() ?? 'function-call-0';
        this.#pendingCalls.set(id, call.name);
        return { id, name: call.name, args: call.args ?? {} };
      });
      this.send({ toolCall: { functionCalls: calls } });
      return;
    }
    const say = turn.say ?? 'OK.';
    if (this.#textModality()) {
      // A TEXT session: the words as text parts, no audio.
      this.session?.recordModelTurn(say);
      for (const [i, word] of say.split(' ').entries()) this.send({ serverContent: { modelTurn: { parts: [{ text: (i === 0 ? '' : ' ') + word }] } } });
      this.send({ serverContent: { generationComplete: true } });
      this.send({ serverContent: { turnComplete: true } });
      this.#sendResumable();
      return;
    }
    const audio = tone(scriptedAudioMs(turn, say));
    const chunk = 960; // 40 ms at 24 kHz
    const chunks = Math.max(1, Math.ceil(audio.length / chunk));
    const words = say.split(' ');
    const generation = ++this.#generation;
    const state = { audioSent: false };
    this.#replying = state;
    this.session?.recordModelTurn(say);
    let index = 0;
    let wordAt = 0;
    const step = (): void => {
      if (generation !== this.#generation || this.closed) return;
      if (index < chunks) {
        const slice = audio.subarray(index * chunk, Math.min(audio.length, (index + 1) * chunk));
        const content: Record<string, unknown> = {
          modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength).toString('base64') } }] },
        };
        // Words spread over the audio, the way outputTranscription trails the speech.
        const wordsDue = Math.ceil(((index + 1) / chunks) * words.length);
        if (wordsDue > wordAt) {
          content.outputTranscription = { text: (wordAt === 0 ? '' : ' ') + words.slice(wordAt, wordsDue).join(' ') };
          wordAt = wordsDue;
        }
        this.send({ serverContent: content });
        state.audioSent = true;
        index += 1;
        this.#later(this.#host.chunkIntervalMs, step);
        return;
      }
      this.#replying = undefined;
      this.send({ serverContent: { generationComplete: true } });
      this.send({
        serverContent: { turnComplete: true },
        usageMetadata: {
          promptTokenCount: 100,
          responseTokenCount: Math.ceil(audio.length / 768),
          totalTokenCount: 100 + Math.ceil(audio.length / 768),
          responseTokensDetails: [{ modality: 'AUDIO', tokenCount: Math.ceil(audio.length / 768) }],
        },
      });
      this.#sendResumable();
    };
    step();
  }

  #textModality(): boolean {
    const generation = (this.setup?.generationConfig ?? {}) as { responseModalities?: string[] };
    return generation.responseModalities?.[0] === 'TEXT';
  }

  #sendResumable(): void {
    if (this.setup?.sessionResumption === undefined || this.session === undefined) return;
    this.send({ sessionResumptionUpdate: { newHandle: this.session.issueHandle(), resumable: true } });
  }

  #stopReply(): void {
    this.#generation += 1;
    this.#replying = undefined;
  }

  #reject(what: string): void {
    this.#host.issue(what);
    this.closeWith(1007, INVALID);
  }

  #later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, ms);
    this.#timers.add(timer);
  }

  #dispose(): void {
    this.closed = true;
    this.#stopReply();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.session?.detach(this);
  }
}
