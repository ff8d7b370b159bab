/**
 * The `gemini_live` engine and its registration: importing `@voxframe/s2s-gemini` registers it, so
 * `createS2S('gemini_live', config)` works, with `extra` typed as {@link GeminiLiveOptions}.
 *
 * @packageDocumentation
 */
import {
  applyStartOptions,
  listS2S,
  registerS2S,
  validateS2SConfig,
  type S2S,
  type S2SAudioFormat,
  type S2SCapabilities,
  type S2SConfig,
  type S2SStartOptions,
} from '@voxframe/core';
import { resolveGeminiConfig, type GeminiLiveOptions, type ResolvedGeminiConfig } from './config';
import { GEMINI_INPUT_SAMPLE_RATE, GEMINI_LIVE_PROVIDER, GEMINI_OUTPUT_SAMPLE_RATE } from './names';
import { GeminiLiveSession } from './session';

declare module '@voxframe/core' {
  interface S2SProviderExtras {
    /** Settings of `@voxframe/s2s-gemini`. */
    gemini_live: GeminiLiveOptions;
  }
}

/** The connection lifetime the service documents (~10 minutes); a `goAway` precedes its end. */
export const GEMINI_CONNECTION_MS = 10 * 60 * 1000;

/** The Gemini Live engine. Each `start()` opens a {@link GeminiLiveSession}. */
export class GeminiLive implements S2S {
  readonly provider = GEMINI_LIVE_PROVIDER;
  readonly capabilities: S2SCapabilities;
  readonly audioFormat: S2SAudioFormat = { inputSampleRate: GEMINI_INPUT_SAMPLE_RATE, outputSampleRate: GEMINI_OUTPUT_SAMPLE_RATE };
  readonly #config: ResolvedGeminiConfig;

  /**
   * Validates the config (see {@link GeminiLiveOptions} for `extra`).
   *
   * @throws `MissingApiKeyError` without a key; `S2SConfigError` for a bad setting.
   */
  constructor(config: S2SConfig = {}) {
    validateS2SConfig(GEMINI_LIVE_PROVIDER, config);
    this.#config = resolveGeminiConfig(config);
    this.capabilities = geminiLiveCapabilities(this.#config);
  }

  /** Model the sessions use. */
  get model(): string {
    return this.#config.model;
  }

  /**
   * Connects, sets up and seeds a session (`options.history`).
   *
   * @throws `GeminiLiveError` (1007/1008 refusal) or `S2SError` (`unauthorized`, `connect_timeout`, `connection_failed`, `aborted`).
   */
  start(options: S2SStartOptions = {}): Promise<GeminiLiveSession> {
    let config;
    try {
      config = applyStartOptions(GEMINI_LIVE_PROVIDER, this.#config, options);
    } catch (error) {
      return Promise.reject(error as Error); // a bad per-session tool rejects start(), as every other start failure does
    }
    return GeminiLiveSession.start(config, this.capabilities, options);
  }
}

/** What the provider can do with a configuration, stated truthfully. */
export function geminiLiveCapabilities(config: ResolvedGeminiConfig): S2SCapabilities {
  return {
    // No server-side truncation: the local mirror keeps what was heard, the model's own memory is not cut.
    truncation: false,
    serverVad: config.turnDetection === 'server_vad',
    manualTurns: true,
    resumption: config.sessionResumption,
    textInput: true,
    toolCalling: true,
    toolCancellation: true,
    // contextUpdate: in @google/genai's types; which models accept it is not documented yet.
    midSessionToolUpdate: true,
    userTranscripts: config.inputTranscription,
    assistantTranscripts: config.outputTranscription,
    maxSessionMs: GEMINI_CONNECTION_MS,
  };
}

/** Creates an engine (the registered factory). */
export function createGeminiLive(config: S2SConfig = {}): GeminiLive {
  return new GeminiLive(config);
}

/** Registers `gemini_live` unless a provider of that name is registered already. Called on import. */
export function registerGeminiLive(): void {
  if (!listS2S().includes(GEMINI_LIVE_PROVIDER)) registerS2S(GEMINI_LIVE_PROVIDER, createGeminiLive);
}

registerGeminiLive();

