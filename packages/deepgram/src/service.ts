/**
 * `createDeepgramStt()`: the {@link SttService} for Deepgram's live streaming transcription.
 *
 * @packageDocumentation
 */
import { silentLogger, type SttCapabilities, type SttService, type SttStartOptions } from '@voxframe/core';
import { DEEPGRAM_SERVICE } from './errors';
import { resolveDeepgramOptions, type DeepgramSttOptions, type ResolvedDeepgramSttOptions } from './options';
import { DeepgramSttSession } from './session';

/** Deepgram as an {@link SttService}. */
export class DeepgramStt implements SttService {
  readonly name = DEEPGRAM_SERVICE;
  readonly sampleRate: number;
  readonly capabilities: SttCapabilities;
  readonly #options: ResolvedDeepgramSttOptions;

  constructor(options: DeepgramSttOptions = {}) {
    this.#options = resolveDeepgramOptions(options);
    this.sampleRate = this.#options.sampleRate;
    this.capabilities = { interim: this.#options.interimResults, segmented: false, endpointing: this.#options.endpointingMs !== false };
  }

  /** The model the sessions use. */
  get model(): string {
    return this.#options.model;
  }

  start(options: SttStartOptions = {}): Promise<DeepgramSttSession> {
    return DeepgramSttSession.start(this.#options, options.logger ?? silentLogger(), options.signal);
  }
}

/**
 * Creates the Deepgram STT service. Throws a `DeepgramError` (`missing_api_key`, `invalid_config`) on bad options.
 *
 * ```ts
 * const stt = createDeepgramStt({ model: 'nova-3', language: 'en' }); // key from DEEPGRAM_API_KEY
 * ```
 */
export function createDeepgramStt(options: DeepgramSttOptions = {}): DeepgramStt {
  return new DeepgramStt(options);
}
