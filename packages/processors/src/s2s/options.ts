/**
 * Options of the S2S processor, with their checked defaults.
 *
 * @packageDocumentation
 */
import type { FrameProcessorOptions, Hooks, S2S, S2SEncodedAudio, S2SSession, S2SStartOptions } from '@voxframe/core';
import type { ToolDef, ToolRegistry } from '../tools';
import { S2SProcessorOptionsError } from './errors';

/**
 * Who decides that the user finished a turn.
 * - `auto`: the provider when it has server VAD, else the local VAD (its `user.stopped-speaking` commits the turn);
 * - `server`: always the provider; local VAD frames never commit;
 * - `local`: always the local VAD (needs `capabilities.manualTurns`; configure the provider's own VAD off).
 */
export type TurnTaking = 'auto' | 'server' | 'local';

/**
 * What happens to input audio with more than one channel: `downmix` averages the channels to mono, `reject`
 * drops the frame. Either way one recoverable error frame says so (once per run), since the voice path is mono.
 */
export type MultichannelInputPolicy = 'downmix' | 'reject';

/**
 * Who answers a tool call whose name the registry does not know: `error` sends the model an error result at
 * once; `external` leaves it to the application, which sends a `tool.result` frame (either direction) into the
 * processor when done.
 */
export type UnknownToolPolicy = 'error' | 'external';

/** Options of {@link s2sProcessor}. Give `s2s` (an engine) or `session` (already started). */
export interface S2SProcessorOptions extends FrameProcessorOptions {
  /** The engine (from `createS2S`); a session is started when the pipeline starts and closed when it ends. */
  readonly s2s?: S2S;
  /** An already started session to drive instead of starting one. It is closed when the pipeline ends. */
  readonly session?: S2SSession;
  /**
   * Tools that answer the model's calls. Their definitions go to the session at start (`startOptions.tools`), so
   * `createS2S` needs no `tools` of its own: tools are given in one place.
   */
  readonly tools?: ToolRegistry | readonly ToolDef[];
  /** Application callbacks (turns, interruptions, tool calls, errors). Compose several with `composeHooks`. */
  readonly hooks?: Hooks;
  /**
   * Passed to `s2s.start()` (history to seed the conversation with, ...). The processor sets the signal, logger
   * and clock itself, passes the tool registry's definitions as `tools` unless given here, and calls the hooks
   * itself (none go to the session).
   */
  readonly startOptions?: Omit<S2SStartOptions, 'signal' | 'logger' | 'scheduler' | 'hooks'>;
  /**
   * What the input transport carries on the wire, for telephony (Twilio and Telnyx media streams are 8 kHz
   * `g711_ulaw`). When the provider lists it in `capabilities.encodedAudio`, the session is started with that
   * encoding: 8 kHz caller audio then crosses without resampling (G.711 pass-through), and the bot's audio comes
   * back at 8 kHz. Ignored (logged) for a provider that cannot. @defaultValue none: the provider's PCM format
   */
  readonly inputEncoding?: S2SEncodedAudio;
  /**
   * Also pass `audio.input` frames downstream (for a recorder or a parallel STT after this processor).
   * @defaultValue `false`: input audio is consumed
   */
  readonly passThroughInput?: boolean;
  /** @defaultValue `'auto'` */
  readonly turnTaking?: TurnTaking;
  /** @defaultValue `'downmix'` */
  readonly multichannelInput?: MultichannelInputPolicy;
  /**
   * Resampler quality for input audio at another rate than the provider's: `default` (>= 75 dB stopband) or `hq`.
   * @defaultValue `'default'`
   */
  readonly resamplerQuality?: 'default' | 'hq';
  /** @defaultValue `'error'` */
  readonly unknownTools?: UnknownToolPolicy;
  /**
   * Barge-in on the provider's own VAD: when it hears the user while the bot is speaking (and the start frame
   * allows interruptions), the processor flushes the output downstream with an `interruption.start`.
   * @defaultValue `true`
   */
  readonly interruptOnServerVad?: boolean;
  /**
   * How long closing the session may take when the pipeline ends before it is left behind (logged).
   * @defaultValue 3000
   */
  readonly closeTimeoutMs?: number;
}

/** Defaults of {@link S2SProcessorOptions}. */
export const s2sProcessorDefaults = {
  passThroughInput: false,
  turnTaking: 'auto',
  multichannelInput: 'downmix',
  resamplerQuality: 'default',
  unknownTools: 'error',
  interruptOnServerVad: true,
  closeTimeoutMs: 3000,
} as const satisfies Pick<
  S2SProcessorOptions,
  'passThroughInput' | 'turnTaking' | 'multichannelInput' | 'resamplerQuality' | 'unknownTools' | 'interruptOnServerVad' | 'closeTimeoutMs'
>;

/** Checks the options; throws {@link S2SProcessorOptionsError} naming what is wrong. */
export function assertS2SProcessorOptions(options: S2SProcessorOptions): void {
  if (options === null || typeof options !== 'object') throw new S2SProcessorOptionsError('options must be an object.');
  if (options.s2s === undefined && options.session === undefined) {
    throw new S2SProcessorOptionsError("give 's2s' (an engine from createS2S) or 'session' (a started session).");
  }
  if (options.s2s !== undefined && options.session !== undefined) {
    throw new S2SProcessorOptionsError("give either 's2s' or 'session', not both.");
  }
  if (options.s2s !== undefined && typeof options.s2s.start !== 'function') {
    throw new S2SProcessorOptionsError("'s2s' must be an S2S engine (an object with start()).");
  }
  const oneOf = <T>(name: string, value: T | undefined, allowed: readonly T[]): void => {
    if (value !== undefined && !allowed.includes(value)) {
      throw new S2SProcessorOptionsError(`${name} must be one of ${allowed.map((v) => `'${String(v)}'`).join(', ')}, got ${String(value)}.`);
    }
  };
  oneOf('turnTaking', options.turnTaking, ['auto', 'server', 'local']);
  oneOf('multichannelInput', options.multichannelInput, ['downmix', 'reject']);
  oneOf('resamplerQuality', options.resamplerQuality, ['default', 'hq']);
  oneOf('unknownTools', options.unknownTools, ['error', 'external']);
  if (options.closeTimeoutMs !== undefined && !(Number.isFinite(options.closeTimeoutMs) && options.closeTimeoutMs > 0)) {
    throw new S2SProcessorOptionsError(`closeTimeoutMs must be > 0, got ${options.closeTimeoutMs}.`);
  }
}
