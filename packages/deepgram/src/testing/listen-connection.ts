/**
 * One emulated `/v1/listen` stream: it reads PCM16 audio, finds speech with an energy detector over 10 ms frames,
 * and answers as Deepgram's API reference describes: `SpeechStarted` (with `vad_events`), interim `Results` (with
 * `interim_results`), a final `Results` with `speech_final` after `endpointing` ms of silence, `UtteranceEnd` (with
 * `utterance_end_ms`), a `from_finalize` result for `Finalize`, `Metadata` and close 1000 for `CloseStream`, and
 * close 1011 `NET-0001` when neither audio nor `KeepAlive` arrived for the idle timeout. What was said comes from
 * the emulator's script.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import type { WireResults, WireServerMessage } from '../protocol';

/** The stream's query parameters that the emulator honours. */
export interface ListenParams {
  readonly model: string;
  readonly language: string;
  readonly sampleRate: number;
  readonly interimResults: boolean;
  /** Silence (ms) that ends an utterance, or `false`. */
  readonly endpointingMs: number | false;
  readonly utteranceEndMs: number | false;
  readonly vadEvents: boolean;
  /** Every query parameter as sent. */
  readonly query: Readonly<Record<string, string>>;
}

/** How a connection gets the text of an utterance and tunes its detector. */
export interface ListenBehaviour {
  /** Text of the next utterance. */
  nextTranscript(info: { readonly audioMs: number }): string;
  readonly speechThreshold: number;
  readonly interimEveryMs: number;
  readonly idleTimeoutMs: number;
}

/** A control message the client sent, with the audio position it arrived at. */
export interface ReceivedControl {
  readonly type: string;
  readonly atAudioMs: number;
}

const FRAME_MS = 10;

/** One emulated stream (see the module docs). */
export class ListenConnection {
  readonly params: ListenParams;
  readonly requestId = randomUUID();
  /** Control messages received, in order. */
  readonly controls: ReceivedControl[] = [];
  /** Every message sent to the client, in order. */
  readonly sent: WireServerMessage[] = [];
  /** Messages that were not valid control messages. */
  readonly issues: string[] = [];
  /** The audio received, as PCM16 chunks (copies). */
  readonly audio: Int16Array[] = [];
  readonly #socket: WebSocket;
  readonly #behaviour: ListenBehaviour;
  readonly #frameSamples: number;
  #carryByte: number | undefined;
  #frame: Int16Array;
  #frameFill = 0;
  #samples = 0;
  /** Start of audio not yet covered by a final result (samples). */
  #segmentStart = 0;
  #speechStart: number | undefined;
  #lastSpeech = 0;
  #inSpeech = false;
  #utterancePending = false;
  #utteranceEndSent = true;
  #currentText: string | undefined;
  #interimWords = 0;
  #lastInterimAt = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(socket: WebSocket, params: ListenParams, behaviour: ListenBehaviour) {
    this.#socket = socket;
    this.params = params;
    this.#behaviour = behaviour;
    this.#frameSamples = Math.round((params.sampleRate * FRAME_MS) / 1000);
    this.#frame = new Int16Array(this.#frameSamples);
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => this.#onMessage(toBuffer(data), isBinary));
    socket.on('close', () => {
      this.#closed = true;
      clearTimeout(this.#idleTimer);
    });
    this.#armIdle();
  }

  /** Milliseconds of audio received. */
  get audioMs(): number {
    return (this.#samples / this.params.sampleRate) * 1000;
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the stream with a code and reason, as the service does on an error. */
  closeWith(code: number, reason: string): void {
    if (!this.#closed) this.#socket.close(code, reason);
  }

  /** Drops the TCP connection without a close frame (the client sees 1006). */
  drop(): void {
    if (!this.#closed) this.#socket.terminate();
  }

  /** Sends any message (for scripting unusual server behaviour). */
  send(message: WireServerMessage | Record<string, unknown>): void {
    if (this.#closed) return;
    this.sent.push(message as WireServerMessage);
    this.#socket.send(JSON.stringify(message));
  }

  #armIdle(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.closeWith(1011, 'NET-0001: no audio received within the timeout window'), this.#behaviour.idleTimeoutMs);
    this.#idleTimer.unref();
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (this.#closed) return;
    if (isBinary) {
      this.#armIdle();
      this.#onAudio(data);
      return;
    }
    let message: { type?: unknown };
    try {
      message = JSON.parse(data.toString('utf8')) as { type?: unknown };
    } catch {
      this.issues.push('a text frame was not JSON');
      return;
    }
    const type = typeof message.type === 'string' ? message.type : '';
    this.controls.push({ type, atAudioMs: this.audioMs });
    if (type === 'KeepAlive') this.#armIdle();
    else if (type === 'Finalize') this.#finalize(true);
    else if (type === 'CloseStream') this.#closeStream();
    else this.issues.push(`unknown control message type '${type}'`);
  }

  #onAudio(data: Buffer): void {
    let bytes = data;
    if (this.#carryByte !== undefined) {
      bytes = Buffer.concat([Buffer.from([this.#carryByte]), data]);
      this.#carryByte = undefined;
    }
    if (bytes.length % 2 === 1) {
      this.#carryByte = bytes[bytes.length - 1];
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    const aligned = Buffer.from(bytes);
    const samples = new Int16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2);
    this.audio.push(samples.slice());
    for (let i = 0; i < samples.length; i++) {
      this.#frame[this.#frameFill++] = samples[i]!;
      if (this.#frameFill === this.#frameSamples) {
        this.#frameFill = 0;
        this.#samples += this.#frameSamples;
        this.#onFrame(rms(this.#frame) >= this.#behaviour.speechThreshold);
      }
    }
  }

  #onFrame(speech: boolean): void {
    const rate = this.params.sampleRate;
    if (speech) {
      if (!this.#inSpeech) {
        this.#inSpeech = true;
        if (this.#speechStart === undefined) {
          this.#speechStart = this.#samples - this.#frameSamples;
          if (this.params.vadEvents) this.send({ type: 'SpeechStarted', channel: [0, 1], timestamp: this.#speechStart / rate });
        }
      }
      this.#lastSpeech = this.#samples;
      this.#utterancePending = true;
      this.#utteranceEndSent = false;
      const sinceInterimMs = ((this.#samples - this.#lastInterimAt) / rate) * 1000;
      if (this.params.interimResults && sinceInterimMs >= this.#behaviour.interimEveryMs) this.#sendInterim();
      return;
    }
    this.#inSpeech = false;
    const silenceMs = ((this.#samples - this.#lastSpeech) / rate) * 1000;
    if (this.#utterancePending && this.params.endpointingMs !== false && silenceMs >= this.params.endpointingMs) {
      this.#sendFinal({ speechFinal: true, fromFinalize: false });
    }
    if (!this.#utteranceEndSent && this.params.utteranceEndMs !== false && silenceMs >= this.params.utteranceEndMs) {
      this.#utteranceEndSent = true;
      this.send({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: this.#lastSpeech / rate });
    }
  }

  #text(): string {
    this.#currentText ??= this.#behaviour.nextTranscript({ audioMs: this.audioMs });
    return this.#currentText;
  }

  #sendInterim(): void {
    this.#lastInterimAt = this.#samples;
    const words = this.#text().split(/\s+/).filter(Boolean);
    if (words.length === 0) return;
    this.#interimWords = Math.min(words.length, this.#interimWords + 1);
    this.send(this.#results(words.slice(0, this.#interimWords), { isFinal: false, speechFinal: false, fromFinalize: false, end: this.#samples }));
  }

  #sendFinal(flags: { speechFinal: boolean; fromFinalize: boolean }): void {
    const words = this.#utterancePending ? this.#text().split(/\s+/).filter(Boolean) : [];
    // A final covers the audio up to the last complete frame received.
    const end = this.#samples;
    this.send(this.#results(words, { isFinal: true, ...flags, end }));
    this.#segmentStart = end;
    this.#utterancePending = false;
    this.#speechStart = undefined;
    this.#currentText = undefined;
    this.#interimWords = 0;
  }

  #finalize(fromFinalize: boolean): void {
    // Deepgram answers Finalize with a from_finalize result when it holds unfinalized audio.
    if (this.#samples > this.#segmentStart || this.#utterancePending) this.#sendFinal({ speechFinal: false, fromFinalize });
  }

  #closeStream(): void {
    if (this.#utterancePending) this.#sendFinal({ speechFinal: false, fromFinalize: false });
    this.send({
      type: 'Metadata',
      transaction_key: 'deprecated',
      request_id: this.requestId,
      sha256: '0'.repeat(64),
      created: new Date().toISOString(),
      duration: this.#samples / this.params.sampleRate,
      channels: 1,
    });
    this.closeWith(1000, '');
  }

  #results(words: readonly string[], flags: { isFinal: boolean; speechFinal: boolean; fromFinalize: boolean; end: number }): WireResults {
    const rate = this.params.sampleRate;
    const start = this.#segmentStart / rate;
    const end = flags.end / rate;
    const speechStart = (this.#speechStart ?? this.#segmentStart) / rate;
    const speechEnd = Math.max(speechStart, (this.#utterancePending ? this.#lastSpeech : flags.end) / rate);
    const step = words.length > 0 ? (speechEnd - speechStart) / words.length : 0;
    return {
      type: 'Results',
      channel_index: [0, 1],
      duration: Math.max(0, end - start),
      start,
      is_final: flags.isFinal,
      speech_final: flags.speechFinal,
      ...(flags.fromFinalize ? { from_finalize: true } : {}),
      channel: {
        alternatives: [
          {
            transcript: words.join(' '),
            confidence: words.length > 0 ? 0.98 : 0,
            words: words.map((word, i) => ({
              word: word.toLowerCase().replace(/[^\p{L}\p{N}']/gu, ''),
              punctuated_word: word,
              start: speechStart + i * step,
              end: speechStart + (i + 1) * step,
              confidence: 0.98,
            })),
          },
        ],
      },
      metadata: {
        request_id: this.requestId,
        model_uuid: '00000000-0000-4000-8000-000000000000',
        model_info: { name: `${this.params.model}-emulated`, version: 'emulator', arch: this.params.model },
      },
    };
  }
}

function rms(frame: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += frame[i]! * frame[i]!;
  return Math.sqrt(sum / frame.length);
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
