/**
 * The user-audio path of a session: encode and `input_audio_buffer.append` while connected; hold audio in a bounded
 * backlog while reconnecting or rotating and flush it to the fresh session (with the pre-roll: the last few hundred
 * ms before the switch, so a word just begun is not cut); bound the uncommitted buffer when a local VAD drives turns;
 * pad a commit to the service's 100 ms minimum (protocol note §4, §13).
 *
 * @packageDocumentation
 */
import type { Logger } from '@voxframe/core';
import { AudioCodec, base64ByteLength } from './audio-codec';
import { AudioRing } from './audio-ring';
import type { ResolvedOpenAIConfig } from './config';
import type { ClientEvent } from './protocol';

/** The service refuses to commit less than 100 ms of audio (§4). */
const MIN_COMMIT_MS = 100;
/** Backlog flushes are sent in chunks of this length (well under the 15 MiB per append limit). */
const FLUSH_CHUNK_MS = 200;

/** One session's input audio. */
export class InputAudio {
  readonly #codec: AudioCodec;
  readonly #send: (event: ClientEvent) => boolean;
  readonly #logger: Logger;
  readonly #manualTurns: boolean;
  readonly #manualBufferMaxMs: number;
  readonly #preRollSamples: number;
  readonly #samplesPerMs: number;
  readonly #preRoll: AudioRing;
  readonly #backlog: AudioRing;
  /** Pre-roll taken when the connection went away, replayed first to the fresh session. */
  #replay: Int16Array | undefined;
  /** Recent pass-through payloads (base64), kept undecoded: decoding them per frame would cost more than sending. */
  readonly #recentEncoded = new EncodedRing();
  /** Whether the latest audio came encoded (then the pre-roll is built from {@link #recentEncoded}). */
  #lastEncoded = false;
  #online = false;
  #uncommittedMs = 0;
  #droppedReported = 0;

  constructor(config: ResolvedOpenAIConfig, send: (event: ClientEvent) => boolean, logger: Logger) {
    this.#codec = new AudioCodec(config.audioFormat);
    this.#send = send;
    this.#logger = logger;
    this.#manualTurns = config.turnDetection === 'none';
    this.#manualBufferMaxMs = config.manualBufferMaxMs;
    this.#samplesPerMs = config.sampleRate / 1000;
    this.#preRollSamples = Math.round(config.preRollMs * this.#samplesPerMs);
    this.#preRoll = new AudioRing(this.#preRollSamples);
    this.#backlog = new AudioRing(Math.round(config.backlogMs * this.#samplesPerMs));
  }

  /** Samples dropped from the backlog because it was full, since the session started. */
  get droppedSamples(): number {
    return this.#backlog.dropped;
  }

  /** Milliseconds appended since the last commit or clear. */
  get uncommittedMs(): number {
    return this.#uncommittedMs;
  }

  /** PCM16 user audio. */
  push(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.#lastEncoded = false;
    if (this.#preRollSamples > 0) this.#preRoll.push(samples);
    if (this.#online) this.#append(samples);
    else this.#backlog.push(samples);
  }

  /** User audio already in the wire format, base64 (G.711 pass-through from telephony): sent without re-encoding. */
  pushEncoded(base64: string): void {
    if (base64.length === 0) return;
    const ms = this.#codec.durationMs(base64ByteLength(base64));
    if (!this.#online) {
      this.#backlog.push(this.#codec.decode(base64));
      return;
    }
    this.#lastEncoded = true;
    if (this.#preRollSamples > 0) this.#recentEncoded.push(base64, ms, this.#preRollSamples / this.#samplesPerMs);
    if (this.#send({ type: 'input_audio_buffer.append', audio: base64 })) this.#afterAppend(ms);
  }

  /** The connection went away: hold audio from now on, and keep the pre-roll for the fresh session. */
  goOffline(): void {
    if (!this.#online) return;
    this.#online = false;
    this.#replay = this.#preRollTail();
  }

  /**
   * A connection is ready: flush the held audio to it (preceded by the pre-roll when `replayPreRoll`, i.e. when the
   * service on the other side has not heard it) and send live from now on.
   */
  goOnline(replayPreRoll: boolean): void {
    this.#uncommittedMs = 0;
    if (replayPreRoll && this.#replay !== undefined && this.#replay.length > 0) this.#append(this.#replay);
    this.#replay = undefined;
    for (const chunk of this.#backlog.drain(Math.round(FLUSH_CHUNK_MS * this.#samplesPerMs))) this.#append(chunk);
    this.#online = true;
    const dropped = this.#backlog.dropped;
    if (dropped > this.#droppedReported) {
      this.#logger.warn(
        { droppedMs: Math.round((dropped - this.#droppedReported) / this.#samplesPerMs) },
        'user audio backlog overflowed while reconnecting; the oldest audio was dropped (raise extra.backlog_ms)',
      );
      this.#droppedReported = dropped;
    }
  }

  /** The service committed or cleared its input buffer. */
  onBufferEmptied(): void {
    this.#uncommittedMs = 0;
  }

  /**
   * Makes the buffer committable: pads it with silence to the 100 ms minimum. Returns `false` when a commit is
   * pointless: with server VAD and nothing meaningful uncommitted (the service already committed the turn).
   */
  prepareCommit(serverVad: boolean): boolean {
    if (serverVad && this.#uncommittedMs < MIN_COMMIT_MS) return false;
    const missingMs = MIN_COMMIT_MS - this.#uncommittedMs;
    if (missingMs > 0) this.#append(new Int16Array(Math.ceil(missingMs * this.#samplesPerMs)));
    return true;
  }

  #append(samples: Int16Array): void {
    if (this.#send({ type: 'input_audio_buffer.append', audio: this.#codec.encode(samples) })) this.#afterAppend(samples.length / this.#samplesPerMs);
  }

  #afterAppend(ms: number): void {
    this.#uncommittedMs += ms;
    if (this.#manualTurns && this.#uncommittedMs > this.#manualBufferMaxMs) this.#trimManualBuffer();
  }

  /** The latest `pre_roll_ms` of user audio, from whichever path it came. */
  #preRollTail(): Int16Array {
    if (!this.#lastEncoded) return this.#preRoll.tail(this.#preRollSamples);
    const decoded = this.#recentEncoded.payloads().map((payload) => this.#codec.decode(payload));
    const all = new Int16Array(decoded.reduce((n, d) => n + d.length, 0));
    let offset = 0;
    for (const chunk of decoded) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    return all.subarray(Math.max(0, all.length - this.#preRollSamples));
  }

  /**
   * Nobody committed for a long time (a local VAD heard no speech): clear the service buffer so it does not grow
   * without bound, keeping the pre-roll in case the user just started speaking.
   */
  #trimManualBuffer(): void {
    this.#send({ type: 'input_audio_buffer.clear' });
    const tail = this.#preRollTail();
    this.#uncommittedMs = 0;
    if (tail.length > 0 && this.#send({ type: 'input_audio_buffer.append', audio: this.#codec.encode(tail) })) {
      this.#uncommittedMs = tail.length / this.#samplesPerMs;
    }
    this.#logger.debug({ keptMs: this.#uncommittedMs }, 'cleared the uncommitted input buffer (no turn committed)');
  }
}

/** Capacity of the pass-through ring: 64 payloads cover the pre-roll for any frame size of 10 ms or more. */
const ENCODED_RING_CAPACITY = 64;

/** The newest base64 payloads covering at least the pre-roll, in a fixed ring (no per-frame allocation). */
class EncodedRing {
  readonly #payloads: string[] = new Array<string>(ENCODED_RING_CAPACITY).fill('');
  readonly #ms = new Float64Array(ENCODED_RING_CAPACITY);
  #start = 0;
  #count = 0;
  #totalMs = 0;

  push(payload: string, ms: number, keepMs: number): void {
    if (this.#count === ENCODED_RING_CAPACITY) this.#dropOldest();
    const at = (this.#start + this.#count) % ENCODED_RING_CAPACITY;
    this.#payloads[at] = payload;
    this.#ms[at] = ms;
    this.#count += 1;
    this.#totalMs += ms;
    while (this.#count > 1 && this.#totalMs - this.#ms[this.#start] >= keepMs) this.#dropOldest();
  }

  /** The payloads, oldest first. */
  payloads(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.#count; i++) out.push(this.#payloads[(this.#start + i) % ENCODED_RING_CAPACITY]);
    return out;
  }

  #dropOldest(): void {
    this.#totalMs -= this.#ms[this.#start];
    this.#payloads[this.#start] = '';
    this.#start = (this.#start + 1) % ENCODED_RING_CAPACITY;
    this.#count -= 1;
  }
}
