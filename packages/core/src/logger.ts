/**
 * Logging on pino. One root logger per application, child loggers per processor and per session, and redaction
 * of secrets and audio payloads so neither API keys nor raw audio/base64 ever reach a log line.
 *
 * @packageDocumentation
 */
import { pino, stdSerializers, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values are never logged: secrets and audio payloads. */
export const REDACTED_KEYS: readonly string[] = [
  'apiKey',
  'api_key',
  'api-key',
  'authorization',
  'Authorization',
  'token',
  'accessToken',
  'access_token',
  'secretAccessKey',
  'sessionToken',
  'password',
  'key',
  'samples',
  'audio',
  'payload',
  'delta',
  'bytes',
  'data',
];

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  /**
   * Minimum level.
   * @defaultValue `process.env.VOXFRAME_LOG_LEVEL`, else `'info'`
   */
  readonly level?: LoggerOptions['level'];
  /** Logger name, shown on every line. @defaultValue `'voxframe'` */
  readonly name?: string;
  /** Where lines go. @defaultValue standard output */
  readonly destination?: DestinationStream;
  /** Extra field names to redact, on top of {@link REDACTED_KEYS}. */
  readonly redact?: readonly string[];
}

/** Builds the pino redaction paths: each key at the top level and up to three levels deep. */
function redactionPaths(keys: readonly string[]): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const join = (prefix: string) => (safe.startsWith('[') ? `${prefix}${safe}` : `${prefix}.${safe}`);
    paths.push(safe, join('*'), join('*.*'), join('*.*.*'));
  }
  return paths;
}

/**
 * Creates a root logger. Secrets and audio fields are replaced by `[redacted]`, typed arrays and buffers by a
 * length summary (`[Int16Array 480]`), so a stray frame in a log line never dumps audio.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? process.env.VOXFRAME_LOG_LEVEL ?? 'info';
  const config: LoggerOptions = {
    name: options.name ?? 'voxframe',
    level,
    redact: { paths: redactionPaths([...REDACTED_KEYS, ...(options.redact ?? [])]), censor: '[redacted]' },
    formatters: {
      log: (object) => summarizeBinary(object, 0) as Record<string, unknown>,
    },
    serializers: { err: stdSerializers.err, error: stdSerializers.err },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** A logger that writes nothing; the default for processors used outside a runner. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

function summarizeBinary(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${(value as ArrayBufferView).byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[ArrayBuffer ${value.byteLength} bytes]`;
  if (value instanceof Error || depth > 4) return value;
  if (Array.isArray(value)) return value.map((item) => summarizeBinary(item, depth + 1));
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const summarized = summarizeBinary(item, depth + 1);
    if (summarized !== item) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = summarized;
    }
  }
  return copy ?? value;
}
