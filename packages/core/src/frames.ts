/**
 * Frames: the typed units that flow through a voxframe pipeline.
 *
 * Every frame is a plain readonly object, discriminated on `type`, with a `kind` that decides how
 * processors schedule it (see {@link FrameKind}). Frames are created with {@link makeFrame}; custom
 * frames are declared with {@link defineFrame} and added to the {@link Frame} union by augmenting
 * {@link CustomFrames}.
 *
 * @packageDocumentation
 */
import { FrameTypeError, type VoxframeError } from './errors';

/**
 * How a frame is scheduled inside a processor.
 * - `system`: handled at once, never queued behind data (start, cancel, error, interruption, speaking state, metrics).
 * - `data`: ordered; dropped by an interruption unless uninterruptible (audio, text, transcripts, tool calls).
 * - `control`: ordered like data; marks structure in the stream (end, turn end, response started/ended).
 */
export type FrameKind = 'system' | 'data' | 'control';

/** Which way a frame travels: towards the output (`downstream`) or back towards the input (`upstream`). */
export type FrameDirection = 'downstream' | 'upstream';

/** Fields every frame carries. */
export interface FrameBase<T extends string = string, K extends FrameKind = FrameKind> {
  /** Discriminant. Built-in types are listed in {@link BuiltinFrames}. */
  readonly type: T;
  /** Scheduling class; see {@link FrameKind}. */
  readonly kind: K;
  /** Process-unique, increasing id. A frame keeps its id as it passes through processors. */
  readonly id: number;
  /**
   * Media time in milliseconds: for audio, the start of the chunk on its stream's timeline; for other frames, the
   * media time they refer to when the producer knows it, else 0.
   */
  readonly ptsMs: number;
  /** An interruption keeps this frame (end, tool results, settings updates are uninterruptible by default). */
  readonly uninterruptible?: boolean;
  /** Free-form annotations for applications. The framework never reads audio parameters from here. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Fields shared by audio frames: interleaved PCM16 samples and their true rate. */
export interface AudioFields {
  /** Interleaved signed 16-bit PCM. May be a view over a pooled buffer: copy it if you keep it past the call. */
  readonly samples: Int16Array;
  /** Samples per second per channel. */
  readonly sampleRate: number;
  /** Channel count (1 for the voice path). */
  readonly channels: number;
}

/** Audio captured from the user, flowing towards the models. */
export interface InputAudioFrame extends FrameBase<'audio.input', 'data'>, AudioFields {}

/** Audio produced for the user, flowing towards the output transport. */
export interface OutputAudioFrame extends FrameBase<'audio.output', 'data'>, AudioFields {
  /** The bot utterance (provider item or response) this audio belongs to; playback progress refers to it. */
  readonly utteranceId?: string;
}

/** Who said a piece of text. */
export type Role = 'user' | 'assistant' | 'system';

/** Text: user text input towards a model, or assistant text output towards the user. */
export interface TextFrame extends FrameBase<'text', 'data'> {
  readonly text: string;
  readonly role: Role;
}

/**
 * A transcript of speech. A partial frame (`final: false`) carries a delta to append to the segment's text so far; the
 * final frame carries the whole segment's text, replacing the deltas (as providers report them).
 */
export interface TranscriptFrame extends FrameBase<'transcript', 'data'> {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  /** `false` for partial (interim) text, `true` once the segment is final. */
  readonly final: boolean;
  /** Provider item the transcript belongs to, when known. */
  readonly itemId?: string;
  /**
   * `true` on a partial that carries the whole current hypothesis of the segment (streaming STT), replacing the
   * earlier partials instead of appending to them.
   */
  readonly hypothesis?: boolean;
}

/** A message in an LLM conversation context. */
export interface LlmMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  /** For `tool` messages: the call this message answers. */
  readonly toolCallId?: string;
  /** For `assistant` messages: tool calls the model made. */
  readonly toolCalls?: readonly { readonly callId: string; readonly name: string; readonly arguments: string }[];
}

/** LLM context messages to append to, or replace, a conversation. */
export interface LlmMessagesFrame extends FrameBase<'llm.messages', 'data'> {
  readonly messages: readonly LlmMessage[];
  /** `append` (default) adds to the context; `replace` swaps it. */
  readonly mode: 'append' | 'replace';
}

/**
 * Run the LLM on this context: the conversation so far, ending with the user's new turn. Emitted by the context
 * aggregator's user side at the end of a user turn; `llmProcessor` answers each one with a response.
 */
export interface LlmContextFrame extends FrameBase<'llm.context', 'data'> {
  readonly messages: readonly LlmMessage[];
}

/** The model asks for a tool to be run. */
export interface ToolCallFrame extends FrameBase<'tool.call', 'data'> {
  readonly callId: string;
  readonly name: string;
  /** Arguments as the model produced them (JSON text). */
  readonly arguments: string;
}

/** The outcome of a tool call. Uninterruptible: the model must learn what happened. */
export interface ToolResultFrame extends FrameBase<'tool.result', 'data'> {
  readonly callId: string;
  readonly name: string;
  /** The result the model sees (JSON text or plain text). */
  readonly output: string;
  /** `true` when the tool failed, timed out or was cancelled; `output` then explains it to the model. */
  readonly isError: boolean;
}

/** A DTMF key press from a telephony transport. */
export interface DtmfFrame extends FrameBase<'dtmf', 'data'> {
  readonly digit: string;
}

/** Starts the pipeline; carries pipeline-wide settings. Processors set themselves up when they see it. */
export interface StartFrame extends FrameBase<'start', 'system'> {
  /** Sample rate of audio entering the pipeline, when the input transport knows it. */
  readonly audioInSampleRate?: number;
  /** Sample rate the output transport wants, when it knows it. */
  readonly audioOutSampleRate?: number;
  /** Whether user speech may interrupt the bot. */
  readonly allowInterruptions: boolean;
  /** Whether processors report TTFB and processing-time metrics. */
  readonly enableMetrics: boolean;
}

/** Ends the pipeline gracefully: ordered behind all data, so everything before it is processed first. */
export interface EndFrame extends FrameBase<'end', 'control'> {
  readonly reason?: string;
}

/** Stops the pipeline at once: overtakes queued data, which is discarded. */
export interface CancelFrame extends FrameBase<'cancel', 'system'> {
  readonly reason?: string;
}

/** An error raised by a processor. Travels upstream to the runner, whose policy decides what happens next. */
export interface ErrorFrame extends FrameBase<'error', 'system'> {
  readonly error: VoxframeError;
  /**
   * What the error means for the run: `true` = the run cannot usefully go on (the default error policy cancels it).
   * Set by the reporting processor, `!error.recoverable` unless it knows better (a processor can make a recoverable
   * session error fatal for its pipeline). `recoverable` describes the error, `fatal` the run: one meaning each.
   */
  readonly fatal: boolean;
  /** Name of the processor that raised it. */
  readonly processor?: string;
}

/** Why an interruption happened. */
export type InterruptionReason = 'user-speech' | 'request' | 'provider' | (string & {});

/** Flushes the ordered lanes downstream of where it was raised and cancels in-flight work (barge-in). */
export interface StartInterruptionFrame extends FrameBase<'interruption.start', 'system'> {
  readonly reason: InterruptionReason;
}

/** The interrupting user speech ended. Informational: nothing is flushed. */
export interface StopInterruptionFrame extends FrameBase<'interruption.stop', 'system'> {}

/** Sent upstream by any processor to ask the runner to interrupt the whole pipeline from its head. */
export interface InterruptionRequestFrame extends FrameBase<'interruption.request', 'system'> {
  readonly reason: InterruptionReason;
}

/** The user started speaking (from a VAD or a provider's server VAD). */
export interface UserStartedSpeakingFrame extends FrameBase<'user.started-speaking', 'system'> {}
/** The user stopped speaking. */
export interface UserStoppedSpeakingFrame extends FrameBase<'user.stopped-speaking', 'system'> {}
/** The bot's audio started to go out to the user (from what was actually sent). */
export interface BotStartedSpeakingFrame extends FrameBase<'bot.started-speaking', 'system'> {}
/** The bot's audio stopped going out to the user. */
export interface BotStoppedSpeakingFrame extends FrameBase<'bot.stopped-speaking', 'system'> {}

/** Token and audio usage reported by a model. All fields optional: providers report different subsets. */
export interface Usage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly totalTokens?: number;
  readonly inputTextTokens?: number;
  readonly inputAudioTokens?: number;
  readonly cachedTokens?: number;
  readonly outputTextTokens?: number;
  readonly outputAudioTokens?: number;
  readonly inputAudioMs?: number;
  readonly outputAudioMs?: number;
}

/** One measurement carried by a {@link MetricsFrame}. */
export type Metric =
  | { readonly kind: 'ttfb'; readonly processor: string; readonly valueMs: number; readonly model?: string }
  | { readonly kind: 'processing'; readonly processor: string; readonly valueMs: number }
  | { readonly kind: 'usage'; readonly processor: string; readonly usage: Usage; readonly model?: string }
  | { readonly kind: 'queue-overflow'; readonly processor: string; readonly dropped: number }
  /**
   * A per-turn latency of a cascade stage: `stt.final` (VAD end of speech -> final transcript), `llm.ttft` (request
   * -> first token), `tts.first-audio` (text sent -> first audio), `voice-to-voice` (user stopped speaking -> first
   * bot audio played).
   */
  | { readonly kind: 'latency'; readonly name: LatencyMetricName; readonly processor: string; readonly valueMs: number };

/** Names of {@link Metric} `latency` measurements. */
export type LatencyMetricName = 'stt.final' | 'llm.ttft' | 'tts.first-audio' | 'voice-to-voice' | (string & {});

/** Measurements: time to first byte, processing time, usage, overflow counts. */
export interface MetricsFrame extends FrameBase<'metrics', 'system'> {
  readonly metrics: readonly Metric[];
}

/**
 * The playback clock: how much output media the user has actually heard. Sent upstream by the output side
 * (pacer, browser acknowledgements, Twilio marks) so the S2S processor can truncate the model's memory.
 */
export interface PlaybackProgressFrame extends FrameBase<'playback.progress', 'system'> {
  /** The utterance this progress refers to (see {@link OutputAudioFrame.utteranceId}). */
  readonly utteranceId?: string;
  /** Milliseconds of that utterance played so far. */
  readonly playedMs: number;
  /** `true` when playback of the utterance ended (completed or flushed). */
  readonly final: boolean;
}

/** End of an utterance / turn, for the user (speech ended) or the assistant (response audio ended). */
export interface TurnEndFrame extends FrameBase<'turn.end', 'control'> {
  readonly role: 'user' | 'assistant';
  /** How the turn ended. */
  readonly status: 'completed' | 'interrupted' | 'cancelled' | 'failed' | 'incomplete';
  readonly utteranceId?: string;
}

/** A model response started. */
export interface ResponseStartedFrame extends FrameBase<'response.started', 'control'> {
  readonly responseId?: string;
}

/** A model response ended. */
export interface ResponseEndedFrame extends FrameBase<'response.ended', 'control'> {
  readonly responseId?: string;
  readonly status: 'completed' | 'interrupted' | 'cancelled' | 'failed' | 'incomplete';
}

/** A TTS engine started producing audio for a piece of text. */
export interface TtsStartedFrame extends FrameBase<'tts.started', 'control'> {}
/** A TTS engine finished producing audio. */
export interface TtsStoppedFrame extends FrameBase<'tts.stopped', 'control'> {}

/** A word (or character run) of spoken text and where it lies on its utterance's audio timeline. */
export interface SpokenWord {
  readonly text: string;
  /** Start, in ms from the start of the utterance's audio. */
  readonly startMs: number;
  /** End, in ms from the start of the utterance's audio. */
  readonly endMs: number;
}

/**
 * Text a TTS engine speaks, placed on the utterance's audio timeline, so the assistant's context can be cut to what
 * the playback clock says was heard. Emitted just before the audio it describes.
 */
export interface TtsTextFrame extends FrameBase<'tts.text', 'data'> {
  /** The text spoken (one sentence or text chunk), as sent to the TTS service. */
  readonly text: string;
  /** The utterance (see {@link OutputAudioFrame.utteranceId}) whose audio speaks it. */
  readonly utteranceId?: string;
  /** Where this text's audio starts, in ms from the start of the utterance's audio. */
  readonly startMs: number;
  /** Where this text's audio ends (ms from the utterance start), once known; absent while it is still synthesized. */
  readonly endMs?: number;
  /** Word timings from the service (ms from the utterance start), where it gives them. */
  readonly words?: readonly SpokenWord[];
}

/** New settings for processors (a voice, instructions, tools). Uninterruptible. */
export interface SettingsUpdateFrame extends FrameBase<'settings.update', 'control'> {
  /** Which processor the settings are for (its name); all processors see them when absent. */
  readonly target?: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

/** The built-in frames, keyed by `type`. */
export interface BuiltinFrames {
  'audio.input': InputAudioFrame;
  'audio.output': OutputAudioFrame;
  text: TextFrame;
  transcript: TranscriptFrame;
  'llm.messages': LlmMessagesFrame;
  'llm.context': LlmContextFrame;
  'tool.call': ToolCallFrame;
  'tool.result': ToolResultFrame;
  dtmf: DtmfFrame;
  start: StartFrame;
  end: EndFrame;
  cancel: CancelFrame;
  error: ErrorFrame;
  'interruption.start': StartInterruptionFrame;
  'interruption.stop': StopInterruptionFrame;
  'interruption.request': InterruptionRequestFrame;
  'user.started-speaking': UserStartedSpeakingFrame;
  'user.stopped-speaking': UserStoppedSpeakingFrame;
  'bot.started-speaking': BotStartedSpeakingFrame;
  'bot.stopped-speaking': BotStoppedSpeakingFrame;
  metrics: MetricsFrame;
  'playback.progress': PlaybackProgressFrame;
  'turn.end': TurnEndFrame;
  'response.started': ResponseStartedFrame;
  'response.ended': ResponseEndedFrame;
  'tts.started': TtsStartedFrame;
  'tts.stopped': TtsStoppedFrame;
  'tts.text': TtsTextFrame;
  'settings.update': SettingsUpdateFrame;
}

/**
 * Custom frames, added by module augmentation so they join the {@link Frame} union:
 *
 * ```ts
 * const Sentiment = defineFrame<'acme.sentiment', 'data', { score: number }>('acme.sentiment', 'data');
 * declare module '@voxframe/core' {
 *   interface CustomFrames { 'acme.sentiment': FrameOf<typeof Sentiment> }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CustomFrames {}

/** Every frame type, built-in and custom, keyed by `type`. */
export type FrameMap = BuiltinFrames & CustomFrames;
/** A frame type name. */
export type FrameType = keyof FrameMap & string;
/** The union of all frames. Narrow it with `frame.type`. */
export type Frame = FrameMap[FrameType];
/** The frame with a given type name. */
export type FrameByType<T extends FrameType> = FrameMap[T];

/** The payload fields of a frame type: what {@link makeFrame} asks for. */
export type FrameFields<T extends FrameType> = Omit<FrameMap[T], keyof FrameBase>;

/** Optional common fields accepted by {@link makeFrame}. */
export interface FrameOptions {
  readonly ptsMs?: number;
  readonly meta?: Readonly<Record<string, unknown>>;
  /** Overrides the type's default. */
  readonly uninterruptible?: boolean;
}

interface FrameTypeInfo {
  readonly kind: FrameKind;
  readonly uninterruptible: boolean;
}

const frameTypes = new Map<string, FrameTypeInfo>();

const builtinKinds: { readonly [T in keyof BuiltinFrames]: BuiltinFrames[T]['kind'] } = {
  'audio.input': 'data',
  'audio.output': 'data',
  text: 'data',
  transcript: 'data',
  'llm.messages': 'data',
  'llm.context': 'data',
  'tool.call': 'data',
  'tool.result': 'data',
  dtmf: 'data',
  start: 'system',
  end: 'control',
  cancel: 'system',
  error: 'system',
  'interruption.start': 'system',
  'interruption.stop': 'system',
  'interruption.request': 'system',
  'user.started-speaking': 'system',
  'user.stopped-speaking': 'system',
  'bot.started-speaking': 'system',
  'bot.stopped-speaking': 'system',
  metrics: 'system',
  'playback.progress': 'system',
  'turn.end': 'control',
  'response.started': 'control',
  'response.ended': 'control',
  'tts.started': 'control',
  'tts.stopped': 'control',
  'tts.text': 'data',
  'settings.update': 'control',
};

const uninterruptibleByDefault = new Set<string>(['end', 'tool.result', 'settings.update']);

for (const [type, kind] of Object.entries(builtinKinds)) {
  frameTypes.set(type, { kind, uninterruptible: uninterruptibleByDefault.has(type) });
}

let lastFrameId = 0;

/**
 * Returns a fresh process-unique frame id.
 * @internal
 */
export function nextFrameId(): number {
  lastFrameId += 1;
  return lastFrameId;
}

/**
 * Creates a frame of a built-in or registered custom type, with a fresh id and the type's kind.
 *
 * @example
 * ```ts
 * const hello = makeFrame('text', { text: 'hello', role: 'user' });
 * const audio = makeFrame('audio.input', { samples, sampleRate: 16000, channels: 1 }, { ptsMs: 40 });
 * ```
 * @throws {@link FrameTypeError} when the type was never defined.
 */
export function makeFrame<T extends FrameType>(type: T, fields: FrameFields<T>, options?: FrameOptions): FrameMap[T] {
  const info = frameTypes.get(type);
  if (info === undefined) throw unknownFrameType(type);
  const uninterruptible = options?.uninterruptible ?? info.uninterruptible;
  const frame: Record<string, unknown> = {
    type,
    kind: info.kind,
    id: nextFrameId(),
    ptsMs: options?.ptsMs ?? 0,
    ...fields,
  };
  if (uninterruptible) frame.uninterruptible = true;
  if (options?.meta !== undefined) frame.meta = options.meta;
  return frame as unknown as FrameMap[T];
}

/** A custom frame type made by {@link defineFrame}: a factory and a type guard. */
export interface FrameDefinition<T extends string, K extends FrameKind, P extends object> {
  readonly type: T;
  readonly kind: K;
  /** Creates a frame of this type. */
  create(fields: P, options?: FrameOptions): FrameBase<T, K> & Readonly<P>;
  /** Narrows any frame to this type. */
  is(frame: { readonly type: string }): frame is FrameBase<T, K> & Readonly<P>;
}

/** The frame type produced by a {@link FrameDefinition}. */
export type FrameOf<D> = D extends FrameDefinition<infer T, infer K, infer P> ? FrameBase<T, K> & Readonly<P> : never;

/**
 * Defines a custom frame type. Use a namespaced type name (`'acme.sentiment'`) so it cannot clash with built-ins.
 * Processors that do not know the type pass it through unchanged and in order.
 *
 * @throws {@link FrameTypeError} when the name is taken by a built-in or an earlier definition of another kind.
 */
export function defineFrame<T extends string, K extends FrameKind, P extends object>(
  type: T,
  kind: K,
  options: { readonly uninterruptible?: boolean } = {},
): FrameDefinition<T, K, P> {
  const existing = frameTypes.get(type);
  if (existing !== undefined && (type in builtinKinds || existing.kind !== kind)) {
    throw new FrameTypeError(
      `Frame type '${type}' is already defined as a ${existing.kind} frame. Pick another name, namespaced like 'yourpkg.${type}'.`,
    );
  }
  frameTypes.set(type, { kind, uninterruptible: options.uninterruptible ?? false });
  return {
    type,
    kind,
    create: (fields, frameOptions) => makeFrame(type as never, fields as never, frameOptions) as never,
    is: (frame): frame is FrameBase<T, K> & Readonly<P> => frame.type === type,
  };
}

/** Whether a frame type name is known (built-in or defined). */
export function isKnownFrameType(type: string): boolean {
  return frameTypes.has(type);
}

/** Narrows a frame by type name. */
export function isFrame<T extends FrameType>(frame: Frame, type: T): frame is FrameMap[T] {
  return frame.type === type;
}

/** Whether the frame is an audio frame (input or output). */
export function isAudioFrame(frame: Frame): frame is InputAudioFrame | OutputAudioFrame {
  return frame.type === 'audio.input' || frame.type === 'audio.output';
}

/** Duration in milliseconds of an audio frame's samples. */
export function audioDurationMs(frame: AudioFields): number {
  return (frame.samples.length / frame.channels / frame.sampleRate) * 1000;
}

/** Returns a copy of a frame with some fields changed. The copy keeps the id: it is the same frame, updated. */
export function withFields<F extends Frame>(frame: F, fields: Partial<Omit<F, 'type' | 'kind' | 'id'>>): F {
  return { ...frame, ...fields };
}

function unknownFrameType(type: string): Error {
  return new FrameTypeError(
    `Unknown frame type '${type}'. Define custom frames with defineFrame('${type}', kind) before creating them.`,
  );
}
