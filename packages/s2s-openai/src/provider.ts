/**
 * The `openai_realtime` engine and its registration: importing `@voxframe/s2s-openai` registers it, so
 * `createS2S('openai_realtime', config)` works.
 *
 * @packageDocumentation
 */
import {
  listS2S,
  registerS2S,
  validateS2SConfig,
  type S2S,
  type S2SAudioFormat,
  type S2SCapabilities,
  type S2SConfig,
  type S2SStartOptions,
} from '@voxframe/core';
import { OPENAI_MAX_SESSION_MS, OPENAI_REALTIME_PROVIDER, resolveOpenAIConfig, type ResolvedOpenAIConfig } from './config';
import { OpenAIRealtimeSession } from './session';

/** The OpenAI Realtime (GA) engine. Each `start()` opens an {@link OpenAIRealtimeSession}. */
export class OpenAIRealtime implements S2S {
  readonly provider = OPENAI_REALTIME_PROVIDER;
  readonly capabilities: S2SCapabilities;
  readonly audioFormat: S2SAudioFormat;
  readonly #config: ResolvedOpenAIConfig;

  /**
   * Validates the config (see `OpenAIRealtimeOptions` for `extra`).
   *
   * @throws `MissingApiKeyError` without `extra.api_key` or `OPENAI_API_KEY`; `S2SConfigError` for a bad setting.
   */
  constructor(config: S2SConfig = {}) {
    validateS2SConfig(OPENAI_REALTIME_PROVIDER, config);
    this.#config = resolveOpenAIConfig(config);
    this.capabilities = openAIRealtimeCapabilities(this.#config);
    this.audioFormat = { inputSampleRate: this.#config.sampleRate, outputSampleRate: this.#config.sampleRate };
  }

  /** Model the sessions use. */
  get model(): string {
    return this.#config.model;
  }

  /**
   * Connects, configures and seeds a session (`options.history`).
   *
   * @throws `S2SError`: `unauthorized`, `connect_timeout`, `connection_failed`, `aborted`, or the service's refusal.
   */
  start(options: S2SStartOptions = {}): Promise<OpenAIRealtimeSession> {
    return OpenAIRealtimeSession.start(this.#config, this.capabilities, options);
  }
}

/** What the provider can do with a configuration, stated truthfully. */
export function openAIRealtimeCapabilities(config: ResolvedOpenAIConfig): S2SCapabilities {
  return {
    truncation: true,
    serverVad: config.turnDetection !== 'none',
    manualTurns: true,
    // A fresh session is re-seeded from a local text mirror; the service has no resumption of its own.
    resumption: false,
    textInput: true,
    toolCalling: true,
    toolCancellation: false,
    midSessionToolUpdate: true,
    userTranscripts: config.transcription !== undefined,
    assistantTranscripts: true,
    maxSessionMs: OPENAI_MAX_SESSION_MS,
    // Any session can put G.711 on the wire (`start({ audioEncoding })` or `extra.audio_format`).
    encodedAudio: ['g711_ulaw', 'g711_alaw'],
  };
}

/** Creates an engine (the registered factory). */
export function createOpenAIRealtime(config: S2SConfig = {}): OpenAIRealtime {
  return new OpenAIRealtime(config);
}

/**
 * Registers `openai_realtime` unless a provider of that name is registered already (an application's own wrapper
 * registered first is kept). Called when the package is imported.
 */
export function registerOpenAIRealtime(): void {
  if (!listS2S().includes(OPENAI_REALTIME_PROVIDER)) registerS2S(OPENAI_REALTIME_PROVIDER, createOpenAIRealtime);
}

registerOpenAIRealtime();
