/**
 * Streams one scripted response as the service does (protocol note §10.1, §10.3, §10.4): `response.created`,
 * `rate_limits.updated`, the assistant message (content part, interleaved transcript and audio deltas, the `.done`
 * events), the function calls (argument deltas, `.done`), and `response.done` with deterministic usage (§14.9).
 * Deltas are paced (`deltaIntervalMs`, or one event-loop turn) so client events such as `response.cancel` interleave;
 * a cancellation closes the open item with its `.done` events and ends the response `cancelled` (§14.7).
 *
 * @packageDocumentation
 */
import { encodeG711 } from '../g711';
import { newId } from './ids';
import type { EmittedUsage } from './usage';
import { scriptedAudioMs, type EmulatedItem, type ScriptedResponse } from './script';
import { formatRate, type EmulatorSessionConfig } from './session-state';
import { tone } from './signals';

/** What a response needs from its session. */
export interface ResponseHost {
  readonly session: EmulatorSessionConfig;
  readonly conversationId: string;
  send(event: Record<string, unknown>): void;
  /** Appends an item to the conversation; returns the previous item's id. */
  addItem(item: EmulatedItem): string | null;
  /** Usage of this response, from the conversation and what it generated. */
  usage(outputAudioMs: number, outputText: string): EmittedUsage;
  /** The response ended (any status). */
  onDone(response: ResponseStream): void;
}

/** Pacing of output deltas. */
export interface StreamPacing {
  /** Audio per delta, ms. */
  readonly audioChunkMs: number;
  /** Pause between deltas, ms; 0 yields one event-loop turn. */
  readonly deltaIntervalMs: number;
  /**
   * Deltas still sent after a cancellation, as the real service may (they were in flight): a client must drop them.
   * @defaultValue `0`
   */
  readonly deltasAfterCancel?: number;
}

/** One response in flight. */
export class ResponseStream {
  readonly id = newId('resp');
  #status: 'in_progress' | 'completed' | 'cancelled' | 'incomplete' | 'failed' = 'in_progress';
  #cancelReason: 'turn_detected' | 'client_cancelled' | undefined;
  readonly #host: ResponseHost;
  readonly #script: ScriptedResponse;
  readonly #pacing: StreamPacing;
  readonly #output: Record<string, unknown>[] = [];
  #outputAudioMs = 0;
  #outputText = '';

  constructor(host: ResponseHost, script: ScriptedResponse, pacing: StreamPacing) {
    this.#host = host;
    this.#script = script;
    this.#pacing = { ...pacing, deltaIntervalMs: script.deltaIntervalMs ?? pacing.deltaIntervalMs };
  }

  /** Status so far. */
  get status(): string {
    return this.#status;
  }

  /** Starts streaming. */
  start(): void {
    void this.#run().catch((error: unknown) => {
      this.#host.send(errorEvent('server_error', `emulator response failed: ${String(error)}`));
    });
  }

  /** Stops the response; it ends `cancelled` with this reason. */
  cancel(reason: 'turn_detected' | 'client_cancelled'): void {
    if (this.#status === 'in_progress' && this.#cancelReason === undefined) this.#cancelReason = reason;
  }

  async #run(): Promise<void> {
    const host = this.#host;
    const modality = host.session.output_modalities[0];
    host.send({ type: 'response.created', event_id: newId('event'), response: this.#responseObject('in_progress', null) });
    host.send({
      type: 'rate_limits.updated',
      event_id: newId('event'),
      rate_limits: [
        { name: 'requests', limit: 10000, remaining: 9999, reset_seconds: 0.006 },
        { name: 'tokens', limit: 1000000, remaining: 995000, reset_seconds: 0.3 },
      ],
    });
    const toolCalls = this.#script.toolCalls ?? [];
    const say = this.#script.say ?? (toolCalls.length > 0 && this.#script.audio === undefined ? undefined : 'OK.');
    if (say !== undefined && !(await this.#message(say, modality))) return this.#finish();
    for (const call of toolCalls) {
      if (this.#cancelReason !== undefined) break;
      await this.#functionCall(call.name, typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments), call.callId ?? newId('call'));
    }
    this.#finish();
  }

  /** Streams the assistant message; returns `false` when cancelled part way. */
  async #message(transcript: string, modality: 'audio' | 'text'): Promise<boolean> {
    const host = this.#host;
    const outputIndex = this.#output.length;
    const item: EmulatedItem = { id: newId('item'), type: 'message', role: 'assistant', text: '', audioMs: 0, status: 'in_progress' };
    const previous = host.addItem(item);
    const wireItem = { id: item.id, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    const at = { response_id: this.id, item_id: item.id, output_index: outputIndex, content_index: 0 };
    host.send({ type: 'response.output_item.added', event_id: newId('event'), response_id: this.id, output_index: outputIndex, item: wireItem });
    host.send({ type: 'conversation.item.added', event_id: newId('event'), previous_item_id: previous, item: wireItem });
    const partType = modality === 'audio' ? 'audio' : 'text';
    host.send({ type: 'response.content_part.added', event_id: newId('event'), ...at, part: modality === 'audio' ? { type: 'audio', transcript: '' } : { type: 'text', text: '' } });
    const chunks = modality === 'audio' ? this.#audioChunks(transcript) : [];
    const words = transcript.split(/(?<=\s)/);
    const steps = Math.max(1, chunks.length);
    let wordsSent = 0;
    let said = '';
    let lateLeft = this.#pacing.deltasAfterCancel ?? 0;
    for (let step = 0; step < steps; step++) {
      if (this.#cancelReason !== undefined && lateLeft-- <= 0) break;
      const wordsDue = Math.ceil(((step + 1) * words.length) / steps);
      if (wordsDue > wordsSent) {
        const delta = words.slice(wordsSent, wordsDue).join('');
        wordsSent = wordsDue;
        said += delta;
        const type = modality === 'audio' ? 'response.output_audio_transcript.delta' : 'response.output_text.delta';
        host.send({ type, event_id: newId('event'), ...at, delta });
      }
      const chunk = chunks[step];
      if (chunk !== undefined) {
        host.send({ type: 'response.output_audio.delta', event_id: newId('event'), ...at, delta: chunk.base64 });
        item.audioMs += chunk.ms;
        this.#outputAudioMs += chunk.ms;
      }
      await this.#pace();
    }
    const complete = this.#cancelReason === undefined;
    item.text = said;
    item.status = complete ? 'completed' : 'incomplete';
    this.#outputText += said;
    if (modality === 'audio') {
      host.send({ type: 'response.output_audio.done', event_id: newId('event'), ...at });
      host.send({ type: 'response.output_audio_transcript.done', event_id: newId('event'), ...at, transcript: said });
    } else {
      host.send({ type: 'response.output_text.done', event_id: newId('event'), ...at, text: said });
    }
    const part = partType === 'audio' ? { type: 'audio', transcript: said } : { type: 'text', text: said };
    host.send({ type: 'response.content_part.done', event_id: newId('event'), ...at, part });
    const finalItem = {
      ...wireItem,
      status: item.status,
      content: [modality === 'audio' ? { type: 'output_audio', transcript: said } : { type: 'output_text', text: said }],
    };
    host.send({ type: 'conversation.item.done', event_id: newId('event'), previous_item_id: previous, item: finalItem });
    host.send({ type: 'response.output_item.done', event_id: newId('event'), response_id: this.id, output_index: outputIndex, item: finalItem });
    this.#output.push(finalItem);
    return complete;
  }

  async #functionCall(name: string, args: string, callId: string): Promise<void> {
    const host = this.#host;
    const outputIndex = this.#output.length;
    const item: EmulatedItem = { id: newId('item'), type: 'function_call', name, callId, arguments: args, text: '', audioMs: 0, status: 'completed' };
    const previous = host.addItem(item);
    const base = { id: item.id, object: 'realtime.item', type: 'function_call', name, call_id: callId };
    const at = { response_id: this.id, item_id: item.id, output_index: outputIndex, call_id: callId };
    host.send({ type: 'response.output_item.added', event_id: newId('event'), response_id: this.id, output_index: outputIndex, item: { ...base, status: 'in_progress', arguments: '' } });
    host.send({ type: 'conversation.item.added', event_id: newId('event'), previous_item_id: previous, item: { ...base, status: 'in_progress', arguments: '' } });
    const half = Math.ceil(args.length / 2);
    for (const delta of [args.slice(0, half), args.slice(half)]) {
      if (delta === '') continue;
      host.send({ type: 'response.function_call_arguments.delta', event_id: newId('event'), ...at, delta });
      await this.#pace();
    }
    host.send({ type: 'response.function_call_arguments.done', event_id: newId('event'), ...at, name, arguments: args });
    const done = { ...base, status: 'completed', arguments: args };
    host.send({ type: 'conversation.item.done', event_id: newId('event'), previous_item_id: previous, item: done });
    host.send({ type: 'response.output_item.done', event_id: newId('event'), response_id: this.id, output_index: outputIndex, item: done });
    this.#output.push(done);
  }

  #finish(): void {
    if (this.#cancelReason !== undefined) this.#status = 'cancelled';
    else this.#status = this.#script.status ?? 'completed';
    const details =
      this.#status === 'cancelled'
        ? { type: 'cancelled', reason: this.#cancelReason }
        : this.#status === 'incomplete'
          ? { type: 'incomplete', reason: 'max_output_tokens' }
          : this.#status === 'failed'
            ? { type: 'failed', error: { type: 'server_error', code: 'scripted_failure', message: 'The scripted response failed.' } }
            : null;
    const response = this.#responseObject(this.#status, details);
    this.#host.send({ type: 'response.done', event_id: newId('event'), response: { ...response, usage: this.#host.usage(this.#outputAudioMs, this.#outputText) } });
    this.#host.onDone(this);
  }

  #responseObject(status: string, details: unknown): Record<string, unknown> {
    const session = this.#host.session;
    return {
      object: 'realtime.response',
      id: this.id,
      status,
      status_details: details,
      output: [...this.#output],
      conversation_id: this.#host.conversationId,
      output_modalities: session.output_modalities,
      max_output_tokens: session.max_output_tokens,
      audio: { output: { format: session.audio.output.format, voice: session.audio.output.voice } },
      usage: null,
      metadata: null,
    };
  }

  /** The audio of the message, in wire format, cut into deltas. */
  #audioChunks(transcript: string): { base64: string; ms: number }[] {
    const format = this.#host.session.audio.output.format;
    const rate = formatRate(format);
    let pcm = this.#script.audio ?? tone(scriptedAudioMs(this.#script, transcript), 24000, 330, 6000);
    if (rate === 8000) pcm = decimate(pcm, 3);
    const chunkSamples = Math.max(1, Math.round((this.#pacing.audioChunkMs * rate) / 1000));
    const chunks: { base64: string; ms: number }[] = [];
    for (let i = 0; i < pcm.length; i += chunkSamples) {
      const part = pcm.subarray(i, Math.min(pcm.length, i + chunkSamples));
      const bytes =
        format.type === 'audio/pcm'
          ? Buffer.from(part.buffer, part.byteOffset, part.byteLength)
          : Buffer.from(encodeG711(format.type === 'audio/pcmu' ? 'mulaw' : 'alaw', part));
      chunks.push({ base64: bytes.toString('base64'), ms: (part.length / rate) * 1000 });
    }
    return chunks;
  }

  #pace(): Promise<void> {
    const ms = this.#pacing.deltaIntervalMs;
    return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
  }
}

/** Keeps every `factor`-th sample (test audio only: a tone well below the new Nyquist frequency). */
function decimate(samples: Int16Array, factor: number): Int16Array {
  const out = new Int16Array(Math.floor(samples.length / factor));
  for (let i = 0; i < out.length; i++) out[i] = samples[i * factor];
  return out;
}

/** An `error` server event (§11). */
export function errorEvent(code: string | null, message: string, options: { type?: string; param?: string | null; eventId?: string | null } = {}): Record<string, unknown> {
  return {
    type: 'error',
    event_id: newId('event'),
    error: { type: options.type ?? 'invalid_request_error', code, message, param: options.param ?? null, event_id: options.eventId ?? null },
  };
}
