/**
 * `@voxframe/core`: frames, the processor base, pipelines and the runner, the S2S contract, the STT/LLM/TTS service
 * contracts, errors, logging and metrics. The test kit is at `@voxframe/core/testing`.
 *
 * The exports below are the public API, listed on purpose (an API report guards changes): helpers the core uses
 * internally (its queue, node bookkeeping) are not exported.
 *
 * @packageDocumentation
 */

// Frames
export {
  audioDurationMs,
  defineFrame,
  isAudioFrame,
  isFrame,
  isKnownFrameType,
  makeFrame,
  withFields,
} from './frames';
export type {
  AudioFields,
  BotStartedSpeakingFrame,
  BotStoppedSpeakingFrame,
  BuiltinFrames,
  CancelFrame,
  CustomFrames,
  DtmfFrame,
  EndFrame,
  ErrorFrame,
  Frame,
  FrameBase,
  FrameByType,
  FrameDefinition,
  FrameDirection,
  FrameFields,
  FrameKind,
  FrameMap,
  FrameOf,
  FrameOptions,
  FrameType,
  InputAudioFrame,
  InterruptionReason,
  InterruptionRequestFrame,
  LatencyMetricName,
  LlmContextFrame,
  LlmMessage,
  LlmMessagesFrame,
  Metric,
  MetricsFrame,
  OutputAudioFrame,
  PlaybackProgressFrame,
  ResponseEndedFrame,
  ResponseStartedFrame,
  Role,
  S2SSessionFrame,
  ServiceSwitchFrame,
  ServiceSwitchedFrame,
  SettingsUpdateFrame,
  SpokenWord,
  StartFrame,
  StartInterruptionFrame,
  StopInterruptionFrame,
  TextFrame,
  ToolCallFrame,
  ToolResultFrame,
  TranscriptFrame,
  TtsStartedFrame,
  TtsStoppedFrame,
  TtsTextFrame,
  TurnEndFrame,
  Usage,
  UserStartedSpeakingFrame,
  UserStoppedSpeakingFrame,
} from './frames';

// Errors
export {
  FrameTypeError,
  HookError,
  InvalidFrameError,
  MissingApiKeyError,
  ProcessorError,
  QueueOverflowError,
  S2SConfigError,
  S2SError,
  TimeoutError,
  UnknownProviderError,
  UsageError,
  VoxframeError,
} from './errors';
export type { VoxframeErrorOptions } from './errors';

// Logging
export { REDACTED_KEYS, createLogger, loggerDefaults, silentLogger } from './logger';
export type { CreateLoggerOptions, LogFormat, Logger } from './logger';

// Processors, composition, the runner
export { ObserverHub, createProcessorContext } from './context';
export type { FrameObservation, FrameObserver, ProcessorContext, ProcessorContextOptions } from './context';
export type { FrameNode, FrameTarget } from './node';
export type { OverflowPolicy } from './frame-queue';
export { FrameProcessor, assertFrameNode, frameProcessorDefaults } from './processor';
export type { FrameProcessorOptions, ProcessResult, ProcessorState, StartInterruptionOptions } from './processor';
export { Pipeline, claimNode, pipeline } from './pipeline';
export type { PipelineOptions } from './pipeline';
export { ParallelPipeline, parallel } from './parallel';
export { PipelineRunner, defaultErrorPolicy, runnerDefaults } from './runner';
export type { ErrorAction, ErrorPolicy, FinishReason, RunnerEvent, RunnerOptions } from './runner';
export { asOperator, fromOperator } from './operators';

// The S2S contract
export { FULLY_HEARD_TOLERANCE_MS, cutAtWord, heardText, isFullyHeard } from './s2s';
export { applyStartOptions, asyncIteratorDefaults, composeHooks, createS2S, invokeHook, listS2S, observableToAsyncIterator, registerS2S, resolveApiKey, unregisterS2S, validateS2SConfig } from './s2s';
export type {
  AsyncIteratorOptions,
  HookName,
  Hooks,
  InterruptInfo,
  InterruptOptions,
  JsonSchemaObject,
  RegisterS2SOptions,
  ResolveApiKeyOptions,
  S2S,
  S2SAudioFormat,
  S2SCapabilities,
  S2SConfig,
  S2SConfigFor,
  S2SEncodedAudio,
  S2SEvent,
  S2SEventType,
  S2SFactory,
  S2SProviderExtras,
  S2SSession,
  S2SSessionUpdate,
  S2SStartOptions,
  S2SToolResult,
  S2STurnStatus,
  SendTextOptions,
  ToolCallInfo,
  ToolDefinition,
  TurnInfo,
} from './s2s';

// The cascade service contracts (STT, LLM, TTS)
export type {
  LlmRequest,
  LlmService,
  LlmStopReason,
  LlmStreamEvent,
  LlmStreamOptions,
  SttCapabilities,
  SttEvent,
  SttService,
  SttSession,
  SttStartOptions,
  TtsChunk,
  TtsOptions,
  TtsService,
  TtsStream,
  TtsStreamEvent,
  WordTiming,
} from './services';
