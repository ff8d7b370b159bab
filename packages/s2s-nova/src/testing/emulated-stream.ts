/**
 * One emulated bidirectional stream: it reads the client's signed envelopes (verifying the chunk-signature chain),
 * checks the input events, runs a VAD on the user audio, and answers with scripted turns in the order of the
 * protocol note §3.4: the user's FINAL transcript, an optional tool use, the SPECULATIVE text, the audio, the
 * FINAL text, usage. Barge-in, resets, exceptions and the stream time limit are scripted here too.
 *
 * @packageDocumentation
 */
import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { INTERRUPTED_SIGNAL } from '../protocol';
import { eventMessage, exceptionMessage, type StreamExceptionType } from './event-stream';
import { InputEventChecker, type CheckedEvent } from './input-check';
import { scriptedReplies, tone, type NovaReply, type NovaScript } from './script';
import { SignedInputReader } from './signed-input';
import { ChunkSignatureChain, type EmulatorCredentials, type VerifiedRequest } from './sigv4';
import { EnergyVad } from './vad';

/** Settings one stream gets from its emulator. */
export interface EmulatedStreamSettings {
  readonly credentials: EmulatorCredentials;
  /** The emulator's current script. */
  readonly script: () => NovaScript;
  /** Index of the next reply across the emulator; `take` consumes it. */
  readonly replyIndex: (take: boolean) => number;
  /** The transcript of a user utterance. */
  readonly transcribe: (context: { readonly speechMs: number; readonly index: number }) => string;
  readonly silenceMs: number;
  readonly audioChunkMs: number;
  readonly audioChunkIntervalMs: number;
  readonly firstEvent: 'prompt-start' | 'response';
  readonly streamLimitMs: number | undefined;
}

/** How a stream ended. */
export type StreamEnd = 'client' | 'reset' | 'exception' | 'gone';

interface BaseFields {
  readonly sessionId: string;
  readonly promptName: string;
  readonly completionId: string;
}

let streamCounter = 0;

/** The server side of one stream. Tests read what it received and inject faults through it. */
export class EmulatedStream {
  /** Local id (also the `sessionId` of its output events). */
  readonly id: string;
  /** The model id from the path, URL-decoded. */
  readonly modelId: string;
  /** The request headers as received. */
  readonly requestHeaders: IncomingHttpHeaders;
  /** Every input event, decoded, in order. */
  readonly inputEvents: unknown[] = [];
  /** Protocol violations and signature failures seen on this stream. */
  readonly issues: string[] = [];
  /** The SYSTEM prompt. */
  systemPrompt: string | undefined;
  /** The history blocks replayed at the start. */
  readonly history: { role: string; text: string }[] = [];
  /** Interactive text the user typed. */
  readonly texts: string[] = [];
  /** Tool results received. */
  readonly toolResults: { toolUseId: string; content: string }[] = [];
  /** Tools configured in `promptStart`. */
  tools: readonly string[] = [];
  /** User audio samples received (16 kHz). */
  audioSamples = 0;
  /** How the stream ended, once it has. */
  ended: StreamEnd | undefined;
  /** Replies this stream sent (including interrupted ones). */
  readonly replies: NovaReply[] = [];
  /** Barge-ins this stream signalled. */
  bargeIns = 0;
  readonly #stream: ServerHttp2Stream;
  readonly #settings: EmulatedStreamSettings;
  readonly #reader: SignedInputReader;
  readonly #checker = new InputEventChecker();
  #vad: EnergyVad;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #audioChunks: Int16Array[] = [];
  #base: BaseFields = { sessionId: '', promptName: '', completionId: '' };
  #completionStarted = false;
  #outputRate = 24000;
  #contentCounter = 0;
  #toolCounter = 0;
  /** Bumped to cancel the response in flight. */
  #generation = 0;
  #responding = false;
  #speaking = false;
  #bargeIn = false;
  #pendingTool: string | undefined;
  #totals = { inputSpeech: 0, inputText: 0, outputSpeech: 0, outputText: 0 };
  #sessionEnded = false;
  readonly #ended: Promise<void>;
  #resolveEnded!: () => void;

  constructor(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, modelId: string, verified: VerifiedRequest, settings: EmulatedStreamSettings) {
    streamCounter += 1;
    this.id = `emulated-stream-${streamCounter}`;
    this.modelId = modelId;
    this.requestHeaders = headers;
    this.#stream = stream;
    this.#settings = settings;
    this.#reader = new SignedInputReader(new ChunkSignatureChain(verified, settings.credentials));
    this.#vad = new EnergyVad({ threshold: 300, minSpeechMs: 60, silenceMs: settings.silenceMs });
    this.#ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
    stream.respond({ ':status': 200, 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': this.id });
    stream.on('data', (chunk: Buffer) => this.#onData(chunk));
    stream.on('error', () => undefined); // a reset by the client: 'close' follows
    stream.on('close', () => this.#onClose());
    if (settings.streamLimitMs !== undefined) {
      this.#after(settings.streamLimitMs, () => this.fail('modelTimeoutException', 'Model has timed out in processing the request. Try your request again.'));
    }
  }

  /** Envelopes whose chunk signature verified. */
  get verifiedChunks(): number {
    return this.#reader.verified;
  }

  /** The user audio received, concatenated. */
  inputAudio(): Int16Array {
    const all = new Int16Array(this.audioSamples);
    let offset = 0;
    for (const chunk of this.#audioChunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    return all;
  }

  /** Input events of one name. */
  eventsNamed(name: string): Record<string, unknown>[] {
    return this.inputEvents.flatMap((event) => {
      const body = (event as { event: Record<string, unknown> }).event[name];
      return body === undefined ? [] : [body as Record<string, unknown>];
    });
  }

  /** Resolves when the stream has closed. */
  whenEnded(): Promise<void> {
    return this.#ended;
  }

  /** Resets the HTTP/2 stream (RST_STREAM INTERNAL_ERROR): the SDK's loop just ends (§2). */
  reset(): void {
    if (this.ended !== undefined) return;
    this.ended = 'reset';
    this.#stop();
    this.#stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  }

  /** Sends a modeled exception and ends the stream. */
  fail(type: StreamExceptionType, message: string): void {
    if (this.ended !== undefined) return;
    this.ended = 'exception';
    this.#stop();
    const body = type === 'modelStreamErrorException' ? { message, originalStatusCode: 500, originalMessage: message } : { message };
    this.#write(exceptionMessage(type, body));
    this.#stream.end();
  }

  /** Starts a reply now, as if the user had finished a turn (tests that need no audio). */
  respondNow(userText: string | undefined): void {
    void this.#respond(userText, []);
  }

  // ---- input ----------------------------------------------------------------------------------------------------

  #onData(chunk: Buffer): void {
    for (const input of this.#reader.push(chunk)) {
      if (this.ended !== undefined) return;
      if (input.kind === 'violation') return this.#violation(input.message);
      if (input.kind === 'end') {
        // The signed end frame (§5.4): the input is over.
        if (!this.#sessionEnded) this.#issue('the input ended without sessionEnd');
        this.#finishResponse();
        continue;
      }
      this.inputEvents.push(input.event);
      const checked = this.#checker.check(input.event);
      if (typeof checked === 'string') return this.#violation(checked);
      this.#act(checked);
    }
  }

  #act(event: CheckedEvent): void {
    switch (event.kind) {
      case 'session-start': {
        const silence = { HIGH: 0.6, MEDIUM: 1, LOW: 1.5 }[event.endpointingSensitivity ?? 'MEDIUM'] ?? 1;
        this.#vad = new EnergyVad({ threshold: 300, minSpeechMs: 60, silenceMs: this.#settings.silenceMs * silence });
        return;
      }
      case 'prompt-start':
        this.#base = { sessionId: this.id, promptName: event.promptName, completionId: `${this.id}-completion` };
        this.#outputRate = event.sampleRate;
        this.tools = event.tools;
        if (this.#settings.firstEvent === 'prompt-start') this.#startCompletion();
        return;
      case 'system':
        this.systemPrompt = event.text;
        return;
      case 'history':
        this.history.push({ role: event.role, text: event.text });
        return;
      case 'audio':
        this.audioSamples += event.samples.length;
        this.#audioChunks.push(event.samples);
        this.#vad.push(event.samples, (transition) => this.#onVad(transition));
        return;
      case 'text':
        this.texts.push(event.text);
        void this.#respond(event.text, []);
        return;
      case 'tool-result':
        this.toolResults.push({ toolUseId: event.toolUseId, content: event.content });
        if (this.#pendingTool === event.toolUseId) {
          this.#pendingTool = undefined;
          void this.#respond(undefined, [{ toolUseId: event.toolUseId, content: event.content }]);
        }
        return;
      case 'prompt-end':
        return;
      case 'session-end':
        this.#sessionEnded = true;
        this.#stop();
        if (this.#completionStarted) this.#send('completionEnd', { stopReason: 'END_TURN' });
        // The response ends with the input's end frame; a client that never sends it is cut off after a second.
        this.#after(1000, () => this.#finishResponse());
        return;
      case 'other':
        return;
    }
  }

  #onVad(transition: 'speech-started' | 'speech-stopped'): void {
    if (transition === 'speech-started') {
      if (this.#speaking) this.#bargeIn = true;
      return;
    }
    const speechMs = Math.round((this.#vad.speechSamples * 1000) / 16000);
    if (this.#responding && !this.#bargeIn) return;
    const transcript = this.#settings.transcribe({ speechMs, index: this.#settings.replyIndex(false) });
    this.#startCompletion();
    const contentId = this.#nextContentId();
    this.#send('contentStart', { contentId, type: 'TEXT', role: 'USER', additionalModelFields: JSON.stringify({ generationStage: 'FINAL' }), textOutputConfiguration: { mediaType: 'text/plain' } });
    this.#send('textOutput', { contentId, content: transcript, role: 'USER' });
    this.#send('contentEnd', { contentId, type: 'TEXT', stopReason: 'PARTIAL_TURN' });
    this.#totals.inputSpeech += Math.round(speechMs / 20);
    void this.#respond(transcript, []);
  }

  // ---- output ---------------------------------------------------------------------------------------------------

  async #respond(userText: string | undefined, toolResults: { toolUseId: string; content: string }[]): Promise<void> {
    this.#generation += 1;
    const generation = this.#generation;
    this.#responding = true;
    this.#bargeIn = false;
    const script = this.#settings.script() ?? scriptedReplies();
    const reply = script({ index: this.#settings.replyIndex(true), userText, toolResults, history: this.history });
    this.replies.push(reply);
    this.#startCompletion();
    if (!(await this.#pause(5, generation))) return;
    if (reply.toolUse !== undefined) {
      this.#toolCounter += 1;
      const toolUseId = `${this.id}-tool-${this.#toolCounter}`;
      this.#checker.toolUseEmitted(toolUseId);
      this.#pendingTool = toolUseId;
      const contentId = this.#nextContentId();
      this.#send('contentStart', { contentId, type: 'TOOL', role: 'TOOL', toolUseOutputConfiguration: { mediaType: 'application/json' } });
      this.#send('toolUse', { contentId, toolName: reply.toolUse.name, toolUseId, content: JSON.stringify(reply.toolUse.input) });
      this.#send('contentEnd', { contentId, type: 'TOOL', stopReason: 'TOOL_USE' });
      this.#responding = false;
      return;
    }
    const say = reply.say ?? 'OK.';
    const audioMs = reply.audioMs ?? Math.max(200, say.length * 60);
    const speculative = this.#nextContentId();
    this.#send('contentStart', { contentId: speculative, type: 'TEXT', role: 'ASSISTANT', additionalModelFields: JSON.stringify({ generationStage: 'SPECULATIVE' }), textOutputConfiguration: { mediaType: 'text/plain' } });
    this.#send('textOutput', { contentId: speculative, content: say, role: 'ASSISTANT' });
    this.#send('contentEnd', { contentId: speculative, type: 'TEXT', stopReason: 'PARTIAL_TURN' });
    const audioId = this.#nextContentId();
    this.#send('contentStart', {
      contentId: audioId,
      type: 'AUDIO',
      role: 'ASSISTANT',
      audioOutputConfiguration: { mediaType: 'audio/lpcm', sampleRateHertz: this.#outputRate, sampleSizeBits: 16, channelCount: 1, encoding: 'base64' },
    });
    const samples = tone(audioMs, this.#outputRate, 330, 4000);
    const chunkSamples = Math.round((this.#settings.audioChunkMs * this.#outputRate) / 1000);
    let sentSamples = 0;
    this.#speaking = true;
    for (let offset = 0; offset < samples.length; offset += chunkSamples) {
      if (this.#bargeIn) break;
      const chunk = samples.subarray(offset, Math.min(samples.length, offset + chunkSamples));
      this.#send('audioOutput', { contentId: audioId, content: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64') });
      sentSamples += chunk.length;
      if (!(await this.#pause(this.#settings.audioChunkIntervalMs, generation))) return;
    }
    this.#speaking = false;
    const interrupted = this.#bargeIn;
    const stop = interrupted ? 'INTERRUPTED' : 'END_TURN';
    this.#send('contentEnd', { contentId: audioId, type: 'AUDIO', stopReason: stop });
    const final = this.#nextContentId();
    this.#send('contentStart', { contentId: final, type: 'TEXT', role: 'ASSISTANT', additionalModelFields: JSON.stringify({ generationStage: 'FINAL' }), textOutputConfiguration: { mediaType: 'text/plain' } });
    // What the model got to say: the share of the text its sent audio covers.
    const spoken = interrupted ? say.slice(0, Math.round((say.length * sentSamples) / samples.length)) : say;
    if (spoken !== '') this.#send('textOutput', { contentId: final, content: spoken, role: 'ASSISTANT' });
    if (interrupted) {
      this.bargeIns += 1;
      this.#send('textOutput', { contentId: final, content: INTERRUPTED_SIGNAL, role: 'ASSISTANT' });
    }
    this.#send('contentEnd', { contentId: final, type: 'TEXT', stopReason: stop });
    this.#usage(Math.round((sentSamples * 1000) / this.#outputRate / 20), Math.ceil(spoken.length / 4), userText);
    this.#responding = false;
  }

  #usage(outputSpeech: number, outputText: number, userText: string | undefined): void {
    const inputText = userText === undefined ? 0 : Math.ceil(userText.length / 4);
    this.#totals.inputText += inputText;
    this.#totals.outputSpeech += outputSpeech;
    this.#totals.outputText += outputText;
    const t = this.#totals;
    this.#send('usageEvent', {
      details: {
        delta: { input: { speechTokens: 0, textTokens: inputText }, output: { speechTokens: outputSpeech, textTokens: outputText } },
        total: { input: { speechTokens: t.inputSpeech, textTokens: t.inputText }, output: { speechTokens: t.outputSpeech, textTokens: t.outputText } },
      },
      totalInputTokens: t.inputSpeech + t.inputText,
      totalOutputTokens: t.outputSpeech + t.outputText,
      totalTokens: t.inputSpeech + t.inputText + t.outputSpeech + t.outputText,
    });
  }

  #startCompletion(): void {
    if (this.#completionStarted) return;
    this.#completionStarted = true;
    this.#send('completionStart', {});
  }

  #nextContentId(): string {
    this.#contentCounter += 1;
    return `${this.id}-content-${this.#contentCounter}`;
  }

  #send(name: string, body: Record<string, unknown>): void {
    this.#write(eventMessage({ event: { [name]: { ...this.#base, ...body } } }));
  }

  #write(bytes: Uint8Array): void {
    if (this.#stream.closed || this.#stream.destroyed || this.#stream.writableEnded) return;
    this.#stream.write(bytes);
  }

  #finishResponse(): void {
    if (this.ended !== undefined) return;
    this.ended = 'client';
    this.#stop();
    this.#stream.end();
  }

  // ---- faults and lifecycle -------------------------------------------------------------------------------------

  #violation(message: string): void {
    this.#issue(message);
    this.fail('validationException', message);
  }

  #issue(message: string): void {
    this.issues.push(message);
  }

  /** Waits `ms`; `false` when the response was cancelled or the stream ended meanwhile. */
  #pause(ms: number, generation: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve(this.ended === undefined && generation === this.#generation);
      }, ms);
      this.#timers.add(timer);
    });
  }

  #after(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, ms);
    this.#timers.add(timer);
  }

  #stop(): void {
    this.#generation += 1;
    this.#speaking = false;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #onClose(): void {
    this.ended ??= 'gone';
    this.#stop();
    this.#resolveEnded();
  }
}
