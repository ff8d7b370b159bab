/**
 * The speech-to-speech (S2S) contract: one interface for OpenAI Realtime, Gemini Live and Nova Sonic.
 *
 * A provider package implements {@link S2S} (a configured engine) whose {@link S2S.start} opens an
 * {@link S2SSession}. The S2S processor (`@voxframe/processors`) drives sessions; applications may drive them
 * directly too.
 *
 * @packageDocumentation
 */
import type { Observable, SchedulerLike } from 'rxjs';
import type { VoxframeError } from '../errors';
import type { LlmMessage, Usage } from '../frames';
import type { Logger } from '../logger';
import type { Hooks } from './hooks';

/** G.711 encodings (8 kHz) a provider may exchange with its service as they are, without PCM resampling. */
export type S2SEncodedAudio = 'g711_ulaw' | 'g711_alaw';

/**
 * What a provider can do, so the processor adapts instead of guessing (after LiveKit's `RealtimeCapabilities`).
 */
export interface S2SCapabilities {
  /** Can drop the unplayed tail of assistant audio from the model's memory (OpenAI `conversation.item.truncate`). */
  readonly truncation: boolean;
  /** Detects turns itself (server VAD). When `false`, a local VAD must call {@link S2SSession.commitUserTurn}. */
  readonly serverVad: boolean;
  /** Can let a local VAD drive turns: {@link S2SSession.commitUserTurn} is implemented. */
  readonly manualTurns: boolean;
  /** Can resume a session on a new connection without losing context (Gemini resumption handles). */
  readonly resumption: boolean;
  /** Accepts text input ({@link S2SSession.sendText}). */
  readonly textInput: boolean;
  /** Calls tools. */
  readonly toolCalling: boolean;
  /** Cancels tool calls it made (then emits `tool.cancelled`). */
  readonly toolCancellation: boolean;
  /** Can change its tools mid-session ({@link S2SSession.updateTools}). */
  readonly midSessionToolUpdate: boolean;
  /** Emits transcripts of the user's speech. */
  readonly userTranscripts: boolean;
  /** Emits transcripts of its own speech. */
  readonly assistantTranscripts: boolean;
  /** Hard cap on one provider session or connection in ms (the session rotates before it), if any. */
  readonly maxSessionMs?: number;
  /**
   * G.711 encodings the provider can put on the wire instead of PCM, chosen per session with
   * {@link S2SStartOptions.audioEncoding}: telephony audio (8 kHz mu-law/A-law) then crosses without resampling.
   * Absent or empty: PCM only.
   */
  readonly encodedAudio?: readonly S2SEncodedAudio[];
}

/** Audio the session takes and gives: PCM16 mono at these rates. */
export interface S2SAudioFormat {
  /** Rate {@link S2SSession.sendAudio} expects. */
  readonly inputSampleRate: number;
  /** Rate of `audio` events. */
  readonly outputSampleRate: number;
}

/** A JSON Schema object describing tool parameters. */
export interface JsonSchemaObject {
  readonly type: 'object';
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly required?: readonly string[];
  readonly [keyword: string]: unknown;
}

/** A tool the model may call. */
export interface ToolDefinition {
  /** Name the model calls it by: letters, digits, `_` and `-`, at most 64 characters. */
  readonly name: string;
  /** What it does, for the model. */
  readonly description?: string;
  /** Its parameters. */
  readonly parameters: JsonSchemaObject;
}

/**
 * Provider configuration given to `createS2S(name, config)`. Provider-specific settings (API key, base URL,
 * region, turn detection, ...) go into `extra`, documented by each provider package.
 */
export interface S2SConfig {
  /** Voice name. @defaultValue the provider's default */
  readonly voice?: string;
  /** Model name. @defaultValue the provider's current GA model */
  readonly model?: string;
  /** System instructions. */
  readonly instructions?: string;
  /** Tools the model may call. */
  readonly tools?: readonly ToolDefinition[];
  /** Sampling temperature, where the provider supports it. */
  readonly temperature?: number;
  /** Provider-specific settings: `api_key`, `base_url`, `region`, ... */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/**
 * Typed provider settings, filled in by each provider package through declaration merging, so that
 * `createS2S('openai_realtime', { extra: { ... } })` is checked at compile time (the runtime check stays):
 *
 * ```ts
 * declare module '@voxframe/core' {
 *   interface S2SProviderExtras { my_provider: MyProviderExtra }
 * }
 * ```
 *
 * Keys of `extra` may keep the provider's own casing (`api_key`, `base_url`), as its docs spell them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface S2SProviderExtras {}

/** The config of a named provider: {@link S2SConfig} with `extra` typed when the provider declared its settings. */
export type S2SConfigFor<N extends string> = N extends keyof S2SProviderExtras
  ? Omit<S2SConfig, 'extra'> & { readonly extra?: S2SProviderExtras[N] }
  : S2SConfig;

/** What {@link S2SSession.updateSession} may change mid-session. Fields left out stay as they are. */
export interface S2SSessionUpdate {
  /** New system instructions. */
  readonly instructions?: string;
  /** New tools (replace the current set). */
  readonly tools?: readonly ToolDefinition[];
}

/** Options of {@link S2S.start}. */
export interface S2SStartOptions {
  /** Aborts connecting. */
  readonly signal?: AbortSignal;
  /** Conversation to seed the session with (restored context, failover from another provider). */
  readonly history?: readonly LlmMessage[];
  /** Logger for the session. @defaultValue a silent logger */
  readonly logger?: Logger;
  /**
   * Tools for this session, replacing the engine's `config.tools` (the S2S processor passes its tool registry's
   * definitions here, so tools are given in one place). @defaultValue the engine's tools
   */
  readonly tools?: readonly ToolDefinition[];
  /**
   * Clock and timers of the session (connect and keepalive timeouts, reconnect backoff, rotation): the run's
   * scheduler, so tests drive a session in virtual time. @defaultValue real time (`Date.now`, `setTimeout`)
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Hooks the session itself calls (turns, barge-ins, tool calls, errors), for applications that drive a session
   * without the S2S processor. The processor passes none (it calls its own hooks), so nothing is called twice.
   */
  readonly hooks?: Hooks;
  /**
   * Wire encoding for this session when the provider lists it in {@link S2SCapabilities.encodedAudio} (telephony
   * pass-through): `audioFormat` rates are then 8000 and no resampling happens on the way. Ignored (with a warning)
   * by providers that cannot. @defaultValue the provider's configured format
   */
  readonly audioEncoding?: S2SEncodedAudio;
}

/** Options of {@link S2SSession.sendText}. */
export interface SendTextOptions {
  /** Who says it. @defaultValue `'user'` */
  readonly role?: 'user' | 'system';
  /** Ask the model to respond now. @defaultValue `true` */
  readonly respond?: boolean;
}

/** Options of {@link S2SSession.interrupt}. */
export interface InterruptOptions {
  /**
   * Milliseconds of the current assistant utterance the user actually heard (the playback clock). Providers that
   * can truncate cut the model's memory there.
   */
  readonly playedMs?: number;
  /** The utterance (provider item) `playedMs` refers to. @defaultValue the latest one */
  readonly utteranceId?: string;
  /**
   * Utterances after `utteranceId` that were already sent to the output but never played (queued behind it): the
   * user heard none of them, so providers that can truncate drop them from the model's memory.
   */
  readonly unplayedUtteranceIds?: readonly string[];
}

/** The result of a tool call, for {@link S2SSession.sendToolResult}. */
export interface S2SToolResult {
  readonly callId: string;
  readonly name: string;
  /** What the model sees: JSON text or plain text. */
  readonly output: string;
  /** The tool failed, timed out or was cancelled; `output` explains it to the model. */
  readonly isError?: boolean;
  /** Ask the model to respond after this result. @defaultValue `true` */
  readonly respond?: boolean;
}

/** How a response or turn ended. */
export type S2STurnStatus = 'completed' | 'interrupted' | 'cancelled' | 'failed' | 'incomplete';

/**
 * Events a session emits. Names are `noun.past-participle` in kebab case (`speech.started`, `session.rotated`,
 * `session.go-away`) or a single word (`audio`, `closed`). `error` events carry the error's `recoverable` flag:
 * `true` means the session goes on; see {@link VoxframeError.recoverable}.
 */
export type S2SEvent =
  /** Assistant audio, PCM16 mono at `sampleRate` (the provider's true rate). */
  | {
      readonly type: 'audio';
      readonly samples: Int16Array;
      readonly sampleRate: number;
      readonly utteranceId?: string;
      readonly responseId?: string;
    }
  /** Assistant text output (a delta). */
  | { readonly type: 'text'; readonly text: string; readonly utteranceId?: string; readonly responseId?: string }
  /**
   * A transcript of user or assistant speech. Partial events (`final: false`) carry a delta to append to the
   * segment's text so far; the final event (`final: true`) carries the whole segment's text, which replaces the deltas.
   */
  | {
      readonly type: 'transcript';
      readonly role: 'user' | 'assistant';
      readonly text: string;
      readonly final: boolean;
      readonly utteranceId?: string;
    }
  /** The model calls a tool. `arguments` is the complete JSON text. */
  | { readonly type: 'tool.call'; readonly callId: string; readonly name: string; readonly arguments: string }
  /** The provider cancelled tool calls (their results are no longer wanted). */
  | { readonly type: 'tool.cancelled'; readonly callIds: readonly string[] }
  /** Server VAD heard the user start speaking. */
  | { readonly type: 'speech.started'; readonly audioStartMs?: number }
  /** Server VAD heard the user stop speaking. */
  | { readonly type: 'speech.stopped'; readonly audioEndMs?: number }
  /** A response started. */
  | { readonly type: 'response.started'; readonly responseId?: string }
  /** The assistant's turn ended (its response finished, was interrupted or failed). */
  | { readonly type: 'turn.end'; readonly responseId?: string; readonly status: S2STurnStatus }
  /** The provider stopped its output because of an interruption (barge-in or {@link S2SSession.interrupt}). */
  | { readonly type: 'interrupted'; readonly playedMs?: number; readonly utteranceId?: string }
  /** Token/audio usage of a response. */
  | { readonly type: 'usage'; readonly usage: Usage; readonly model?: string }
  /** A provider error. With `recoverable: true` the session goes on; otherwise it is closing. */
  | { readonly type: 'error'; readonly error: VoxframeError; readonly recoverable: boolean }
  /** The provider warned that the connection ends soon (the session will rotate). */
  | { readonly type: 'session.go-away'; readonly timeLeftMs: number }
  /**
   * Old name of `session.go-away`, kept so existing providers and consumers compile.
   * @deprecated Emit and handle `session.go-away`; this name is removed in the next minor release.
   */
  | { readonly type: 'go-away'; readonly timeLeftMs: number }
  /** The session moved to a fresh provider session or connection, context restored. */
  | { readonly type: 'session.rotated'; readonly reason: 'expiry' | 'reconnect' | 'go-away' | 'failover' }
  /** The session ended; no more events follow. */
  | { readonly type: 'closed'; readonly reason: string };

/** The `type` names of {@link S2SEvent}. */
export type S2SEventType = S2SEvent['type'];

/** A live conversation with a speech-to-speech model. */
export interface S2SSession {
  /** Local session id (stable across rotations). */
  readonly id: string;
  /** Provider name, as registered. */
  readonly provider: string;
  /** What the provider can do. */
  readonly capabilities: S2SCapabilities;
  /** Rates of audio in and out. */
  readonly audioFormat: S2SAudioFormat;
  /** Every event, in order. Hot: subscribe before sending. Completes when the session is closed. */
  readonly events: Observable<S2SEvent>;
  /**
   * Sends user audio: PCM16 mono at `audioFormat.inputSampleRate`. The session must not keep `samples` after the
   * call returns (it may be a view over a pooled buffer): encode it at once or copy what it keeps.
   */
  sendAudio(samples: Int16Array): void;
  /** Sends text input. */
  sendText(text: string, options?: SendTextOptions): void;
  /** Returns a tool's result to the model. */
  sendToolResult(result: S2SToolResult): void;
  /** Stops the current response at once (barge-in); truncates to `playedMs` where the provider can. */
  interrupt(options?: InterruptOptions): void;
  /** Local VAD turn-taking: the user finished speaking; commit the audio and ask for a response. */
  commitUserTurn?(): void;
  /** Replaces the tools mid-session (when `capabilities.midSessionToolUpdate`). */
  updateTools?(tools: readonly ToolDefinition[]): void;
  /**
   * Changes instructions and/or tools mid-session. Providers that cannot change a live session apply it at their
   * next rotation and say so in their README.
   */
  updateSession?(update: S2SSessionUpdate): void;
  /**
   * The conversation so far in provider-neutral form: user transcripts, the assistant's words **as heard** (cut at
   * the playback clock on barge-in), tool calls and results. Seed another session with it through
   * `start({ history })` (failover, switching to a cascade). A fresh array each read.
   */
  readonly conversation: readonly LlmMessage[];
  /** Ends the session; resolves when the connection is closed. Safe to call twice. */
  close(): Promise<void>;
  /**
   * The events as an async iterator: the same events as {@link S2SSession.events}, from the first `next()` call on, buffered
   * while the consumer is busy up to 1024 (then the oldest are dropped, as in a processor's ordered lane). Build it
   * with {@link observableToAsyncIterator}.
   */
  [Symbol.asyncIterator](): AsyncIterator<S2SEvent>;
}

/** A configured speech-to-speech engine: start as many sessions as you need. */
export interface S2S {
  /** Provider name, as registered. */
  readonly provider: string;
  /** What the provider can do. */
  readonly capabilities: S2SCapabilities;
  /** Rates of audio in and out. */
  readonly audioFormat: S2SAudioFormat;
  /** Opens a session. Rejects with an `S2SError` when the provider cannot be reached or refuses. */
  start(options?: S2SStartOptions): Promise<S2SSession>;
}
