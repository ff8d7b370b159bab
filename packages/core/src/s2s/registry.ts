/**
 * The S2S provider registry: providers register a factory under a name when their package is imported; applications
 * create engines by name with a validated config.
 *
 * @packageDocumentation
 */
import { S2SConfigError, UnknownProviderError, UsageError } from '../errors';
import type { S2S, S2SConfig, S2SConfigFor } from './types';
import { validateS2SConfig } from './validate';

/** Creates an engine from a validated config. Throw `S2SConfigError` / `MissingApiKeyError` for bad config. */
export type S2SFactory = (config: S2SConfig) => S2S;

/** Options of {@link registerS2S}. */
export interface RegisterS2SOptions {
  /** Replace an existing registration (tests, wrappers). @defaultValue `false` */
  readonly override?: boolean;
}

const factories = new Map<string, S2SFactory>();

/**
 * Registers a provider under a name (`openai_realtime`, `gemini_live`, `nova`, or your own).
 *
 * @throws {@link UsageError} when the name is taken and `override` is not set.
 */
export function registerS2S(name: string, factory: S2SFactory, options: RegisterS2SOptions = {}): void {
  if (!/^[a-z][a-z0-9_.-]*$/.test(name)) {
    throw new UsageError(`registerS2S: provider name '${name}' must be lower-case letters, digits, '_', '-' or '.'.`);
  }
  if (factories.has(name) && options.override !== true) {
    throw new UsageError(`registerS2S: a provider named '${name}' is already registered. Pass { override: true } to replace it.`);
  }
  factories.set(name, factory);
}

/** Removes a registration; returns whether there was one. */
export function unregisterS2S(name: string): boolean {
  return factories.delete(name);
}

/**
 * Creates an engine by provider name. The config is validated first (common fields here, provider fields by the
 * provider's factory).
 *
 * @throws {@link UnknownProviderError} when no provider has that name.
 * @throws {@link S2SConfigError} (or its subclass `MissingApiKeyError`) when the config is invalid.
 */
export function createS2S<N extends string>(name: N, typedConfig: S2SConfigFor<N> = {} as S2SConfigFor<N>): S2S {
  // Provider settings interfaces carry no index signature; at run time every config is an S2SConfig.
  const config = typedConfig as S2SConfig;
  const factory = factories.get(name);
  if (factory === undefined) throw new UnknownProviderError(name, listS2S());
  validateS2SConfig(name, config);
  const engine = factory(config);
  if (engine === null || typeof engine !== 'object' || typeof engine.start !== 'function') {
    throw new S2SConfigError(name, 'the registered factory did not return an S2S engine (an object with start()).');
  }
  return engine;
}

/** Names of the registered providers, sorted. */
export function listS2S(): string[] {
  return [...factories.keys()].sort();
}
