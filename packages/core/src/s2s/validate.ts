/**
 * Validation of the provider-independent part of an {@link S2SConfig}, with errors that say what to fix.
 *
 * @packageDocumentation
 */
import { MissingApiKeyError, S2SConfigError } from '../errors';
import type { SchedulerLike } from 'rxjs';
import type { S2SConfig, S2SStartOptions, ToolDefinition } from './types';

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks the common fields of a config: types of voice/model/instructions/temperature, tool names and parameter
 * schemas, and that `extra` is a plain object.
 *
 * @throws {@link S2SConfigError} naming the field and what is expected.
 */
export function validateS2SConfig(provider: string, config: S2SConfig): void {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new S2SConfigError(provider, `config must be an object, got ${describeType(config)}.`);
  }
  for (const field of ['voice', 'model', 'instructions'] as const) {
    const value = config[field];
    if (value !== undefined && typeof value !== 'string') {
      throw new S2SConfigError(provider, `config.${field} must be a string, got ${describeType(value)}.`);
    }
    if (field !== 'instructions' && value === '') throw new S2SConfigError(provider, `config.${field} must not be empty.`);
  }
  if (config.temperature !== undefined && (typeof config.temperature !== 'number' || !Number.isFinite(config.temperature))) {
    throw new S2SConfigError(provider, `config.temperature must be a finite number, got ${describeType(config.temperature)}.`);
  }
  if (config.tools !== undefined) validateTools(provider, config.tools);
  if (config.extra !== undefined && (config.extra === null || typeof config.extra !== 'object' || Array.isArray(config.extra))) {
    throw new S2SConfigError(provider, `config.extra must be an object of provider settings, got ${describeType(config.extra)}.`);
  }
}

function validateTools(provider: string, tools: readonly ToolDefinition[]): void {
  if (!Array.isArray(tools)) throw new S2SConfigError(provider, `config.tools must be an array, got ${describeType(tools)}.`);
  const seen = new Set<string>();
  tools.forEach((tool: ToolDefinition, index: number) => {
    const where = `config.tools[${index}]`;
    if (tool === null || typeof tool !== 'object') throw new S2SConfigError(provider, `${where} must be an object.`);
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
      throw new S2SConfigError(provider, `${where}.name must be 1-64 letters, digits, '_' or '-', got ${JSON.stringify(tool.name)}.`);
    }
    if (seen.has(tool.name)) throw new S2SConfigError(provider, `${where}.name '${tool.name}' is used twice.`);
    seen.add(tool.name);
    if (tool.description !== undefined && typeof tool.description !== 'string') {
      throw new S2SConfigError(provider, `${where}.description must be a string.`);
    }
    const parameters = tool.parameters as unknown as { type?: unknown } | null | undefined;
    if (parameters === null || typeof parameters !== 'object' || parameters.type !== 'object') {
      throw new S2SConfigError(provider, `${where}.parameters must be a JSON Schema with type 'object'.`);
    }
  });
}

/** Options of {@link resolveApiKey}. */
export interface ResolveApiKeyOptions {
  /** Provider name for messages. */
  readonly provider: string;
  /** Environment variable consulted when the config has no key, e.g. `OPENAI_API_KEY`. */
  readonly envVar: string;
  /** Field of `config.extra` holding the key. @defaultValue `'api_key'` */
  readonly extraKey?: string;
  /** Environment to read. @defaultValue `process.env` */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Returns the API key from `config.extra[extraKey]` or the environment.
 *
 * @throws {@link MissingApiKeyError} when neither has a non-empty string.
 */
export function resolveApiKey(config: S2SConfig, options: ResolveApiKeyOptions): string {
  const extraKey = options.extraKey ?? 'api_key';
  const fromConfig = config.extra?.[extraKey];
  if (fromConfig !== undefined && typeof fromConfig !== 'string') {
    throw new S2SConfigError(options.provider, `extra.${extraKey} must be a string.`);
  }
  const key = fromConfig ?? (options.env ?? process.env)[options.envVar];
  if (key === undefined || key.trim() === '') throw new MissingApiKeyError(options.provider, options.envVar, extraKey);
  return key;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/**
 * For providers: a resolved config with what `start()` may set per session, `tools` (validated; the S2S processor
 * passes its tool registry's definitions there, so tools are given in one place) and `scheduler` (the run's clock).
 *
 * @throws {@link S2SConfigError} for an invalid tool.
 */
export function applyStartOptions<C extends { readonly tools?: readonly ToolDefinition[]; readonly scheduler?: SchedulerLike }>(
  provider: string,
  config: C,
  options: S2SStartOptions,
): C {
  if (options.tools !== undefined) validateS2SConfig(provider, { tools: options.tools });
  return {
    ...config,
    ...(options.tools === undefined ? {} : { tools: options.tools }),
    ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
  };
}
