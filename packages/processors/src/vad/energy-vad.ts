/**
 * `energyVad()`: the VAD processor on the energy (RMS level) analyzer. No native module, no model file.
 *
 * @packageDocumentation
 */
import { energyAnalyzerFactory, type EnergyAnalyzerOptions } from './energy-analyzer';
import { VadProcessor, type VadProcessorOptions } from './vad-processor';

/** Options of {@link energyVad}: the processor's and the energy analyzer's. */
export interface EnergyVadOptions extends Omit<VadProcessorOptions, 'analyzer'>, EnergyAnalyzerOptions {}

/**
 * Creates an energy VAD processor: for deployments that cannot install onnxruntime. It detects loudness, not speech:
 * background music or noise bursts count as speech. Prefer {@link sileroVad} where you can.
 *
 * @example
 * ```ts
 * const vad = energyVad({ silenceDb: -45, minSilenceMs: 600 });
 * ```
 * @throws {@link VadOptionsError} on invalid options.
 */
export function energyVad(options: EnergyVadOptions = {}): VadProcessor {
  const { silenceDb, rangeDb, adaptive, noiseMarginDb, noiseWindowMs, ...rest } = options;
  const analyzer = energyAnalyzerFactory({ silenceDb, rangeDb, adaptive, noiseMarginDb, noiseWindowMs });
  return new VadProcessor({ name: 'EnergyVad', ...rest, analyzer });
}
