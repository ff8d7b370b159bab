/**
 * The `nova` engine and its registration: importing `@voxframe/s2s-nova` registers it, so `createS2S('nova', config)`
 * works.
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
import { NOVA_INPUT_SAMPLE_RATE, NOVA_MAX_STREAM_MS, resolveNovaConfig, type ResolvedNovaConfig } from './config';
import { NOVA_SONIC_PROVIDER } from './errors';
import { NovaSonicSession } from './session';

/** The Amazon Nova Sonic engine. Each `start()` opens a {@link NovaSonicSession}. */
export class NovaSonic implements S2S {
  readonly provider = NOVA_SONIC_PROVIDER;
  readonly capabilities: S2SCapabilities;
  readonly audioFormat: S2SAudioFormat;
  readonly #config: ResolvedNovaConfig;

  /**
   * Validates the config (see `NovaSonicOptions` for `extra`).
   *
   * @throws `S2SConfigError` for a bad setting.
   */
  constructor(config: S2SConfig = {}) {
    validateS2SConfig(NOVA_SONIC_PROVIDER, config);
    this.#config = resolveNovaConfig(config);
    this.capabilities = novaSonicCapabilities(this.#config);
    this.audioFormat = { inputSampleRate: NOVA_INPUT_SAMPLE_RATE, outputSampleRate: this.#config.outputSampleRate };
  }

  /** Model the sessions use. */
  get model(): string {
    return this.#config.model;
  }

  /** Region the sessions call. */
  get region(): string {
    return this.#config.region;
  }

  /**
   * Opens a session seeded with `options.history`.
   *
   * @throws `S2SError` when no credentials are found, the endpoint cannot be reached, or `signal` aborts.
   */
  start(options: S2SStartOptions = {}): Promise<NovaSonicSession> {
    let config;
    try {
      config = applyStartOptions(NOVA_SONIC_PROVIDER, this.#config, options);
    } catch (error) {
      return Promise.reject(error as Error); // a bad per-session tool rejects start(), as every other start failure does
    }
    return NovaSonicSession.start(config, this.capabilities, options);
  }
}

/** What the provider can do with a configuration, stated truthfully. */
export function novaSonicCapabilities(config: ResolvedNovaConfig): S2SCapabilities {
  return {
    // No truncate call: the model handles barge-in itself; the local mirror is cut by the playback clock.
    truncation: false,
    serverVad: true,
    manualTurns: false,
    resumption: false,
    textInput: config.modelInfo.textInput,
    toolCalling: true,
    toolCancellation: false,
    midSessionToolUpdate: false,
    userTranscripts: true,
    assistantTranscripts: true,
    maxSessionMs: NOVA_MAX_STREAM_MS,
  };
}

/** Creates an engine (the registered factory). */
export function createNovaSonic(config: S2SConfig = {}): NovaSonic {
  return new NovaSonic(config);
}

/**
 * Registers `nova` unless a provider of that name is registered already (an application's own wrapper registered
 * first is kept). Called when the package is imported.
 */
export function registerNovaSonic(): void {
  if (!listS2S().includes(NOVA_SONIC_PROVIDER)) registerS2S(NOVA_SONIC_PROVIDER, createNovaSonic);
}

registerNovaSonic();

