/**
 * Logging on pino. One root logger per application, child loggers per processor and per session, and redaction
 * of secrets and audio payloads so neither API keys nor raw audio/base64 ever reach a log line.
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
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
  /**
   * Line format: `json` (one JSON object per line, for production and log shippers), `pretty` (human-readable, for
   * development; needs the optional `pino-pretty` package in your app: `npm i -D pino-pretty`, else JSON with one
   * warning line), or `auto`: `pretty` when no `destination` is given, standard output is a terminal and
   * `pino-pretty` is installed; `json` otherwise.
   * @defaultValue `process.env.VOXFRAME_LOG_FORMAT`, else `'auto'`
   */
  readonly format?: LogFormat;
}

/** Line formats of {@link createLogger}. */
export type LogFormat = 'json' | 'pretty' | 'auto';

/** Defaults of {@link CreateLoggerOptions} (level and format also read `VOXFRAME_LOG_LEVEL` / `VOXFRAME_LOG_FORMAT`). */
export const loggerDefaults = {
  level: 'info',
  name: 'voxframe',
  format: 'auto',
} as const satisfies CreateLoggerOptions;

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
  const level = options.level ?? process.env.VOXFRAME_LOG_LEVEL ?? loggerDefaults.level;
  const config: LoggerOptions = {
    name: options.name ?? loggerDefaults.name,
    level,
    redact: { paths: redactionPaths([...REDACTED_KEYS, ...(options.redact ?? [])]), censor: '[redacted]' },
    formatters: {
      log: (object) => summarizeBinary(object, 0) as Record<string, unknown>,
    },
    serializers: { err: stdSerializers.err, error: stdSerializers.err },
  };
  const format = options.format ?? parseFormat(process.env.VOXFRAME_LOG_FORMAT) ?? loggerDefaults.format;
  const wantsPretty = format === 'pretty' || (format === 'auto' && options.destination === undefined && process.stdout.isTTY === true);
  if (wantsPretty) {
    const pretty = loadPinoPretty();
    if (pretty !== undefined) {
      return pino(
        config,
        pretty({
          colorize: options.destination === undefined && process.stdout.isTTY === true,
          sync: true,
          ...(options.destination === undefined ? {} : { destination: options.destination }),
        }),
      );
    }
  }
  const logger = options.destination ? pino(config, options.destination) : pino(config);
  if (wantsPretty && format === 'pretty') {
    logger.warn('log format "pretty" needs the optional pino-pretty package (npm i -D pino-pretty); writing JSON lines instead');
  }
  return logger;
}

function parseFormat(value: string | undefined): LogFormat | undefined {
  return value === 'json' || value === 'pretty' || value === 'auto' ? value : undefined;
}

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

/** Loads the optional `pino-pretty` from the application (the working directory), or `undefined` if absent. */
function loadPinoPretty(): PrettyFactory | undefined {
  try {
    const required = createRequire(join(process.cwd(), 'package.json'))('pino-pretty') as PrettyFactory | { default: PrettyFactory };
    return typeof required === 'function' ? required : required.default;
  } catch {
    return undefined;
  }
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
