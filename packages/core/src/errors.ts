/**
 * Typed errors. Every error voxframe raises is a {@link VoxframeError} with a stable `code`, a message that says
 * what to do, an optional `cause`, and whether the pipeline can go on (`recoverable`).
 *
 * @packageDocumentation
 */

/** Options shared by all voxframe errors. */
export interface VoxframeErrorOptions {
  /** The underlying error. */
  readonly cause?: unknown;
  /**
   * Whether the pipeline or session can go on after this error.
   * @defaultValue the class's default (most errors are recoverable)
   */
  readonly recoverable?: boolean;
  /** Structured details for logs (never secrets or audio). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Base class of all voxframe errors. */
export class VoxframeError extends Error {
  /** Stable machine-readable code, e.g. `unknown_provider`. */
  readonly code: string;
  /**
   * Whether the component that raised it (a session, a processor) can go on: a property of the error. Not to be
   * confused with an error frame's `fatal`, which says what the error means for the whole run (the default error
   * policy cancels on `fatal`); a processor reporting an error sets `fatal = !recoverable` unless it knows better.
   */
  readonly recoverable: boolean;
  /** Structured details for logs. */
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: VoxframeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.recoverable = options.recoverable ?? true;
    if (options.details !== undefined) this.details = options.details;
  }

  /** Wraps any thrown value in a VoxframeError, keeping VoxframeErrors as they are. */
  static from(value: unknown, code = 'internal', recoverable = true): VoxframeError {
    if (value instanceof VoxframeError) return value;
    const message = value instanceof Error ? value.message : String(value);
    return new VoxframeError(code, message, { cause: value, recoverable });
  }
}

/** A frame type was unknown or defined twice. */
export class FrameTypeError extends VoxframeError {
  constructor(message: string) {
    super('frame_type', message, { recoverable: false });
  }
}

/** A frame did not meet a processor's expectations (wrong sample rate, malformed fields, ...). */
export class InvalidFrameError extends VoxframeError {
  constructor(message: string, options: VoxframeErrorOptions = {}) {
    super('invalid_frame', message, options);
  }
}

/** A processor threw or rejected while handling a frame. */
export class ProcessorError extends VoxframeError {
  constructor(processor: string, message: string, options: VoxframeErrorOptions = {}) {
    super('processor_failed', `${processor}: ${message}`, { ...options, details: { processor, ...options.details } });
  }
}

/** A processor's ordered queue overflowed and frames were dropped under the stated policy. */
export class QueueOverflowError extends VoxframeError {
  constructor(processor: string, capacity: number, policy: string) {
    super(
      'queue_overflow',
      `${processor}: more than ${capacity} frames were waiting; applied policy '${policy}'. ` +
        'A processor downstream is slower than real time: raise maxQueuedFrames or make it faster.',
      { recoverable: true, details: { processor, capacity, policy } },
    );
  }
}

/** Something took longer than allowed (end drain, a tool call, a provider reply). */
export class TimeoutError extends VoxframeError {
  constructor(what: string, timeoutMs: number, options: VoxframeErrorOptions = {}) {
    super('timeout', `${what} did not finish within ${timeoutMs} ms.`, { ...options, details: { timeoutMs, ...options.details } });
  }
}

/** A pipeline or processor was used the wrong way (linked twice, used after dispose, ...). */
export class UsageError extends VoxframeError {
  constructor(message: string, options: VoxframeErrorOptions = {}) {
    super('usage', message, { recoverable: false, ...options });
  }
}

/** No S2S provider is registered under a name. */
export class UnknownProviderError extends VoxframeError {
  constructor(name: string, known: readonly string[]) {
    super(
      'unknown_provider',
      `No S2S provider named '${name}'. Registered: ${known.length ? known.join(', ') : '(none)'}. ` +
        `Import the provider package (e.g. '@voxframe/s2s-openai') so it registers itself, or call registerS2S().`,
      { recoverable: false, details: { name, known } },
    );
  }
}

/** An S2S provider configuration is invalid. */
export class S2SConfigError extends VoxframeError {
  constructor(provider: string, message: string, options: VoxframeErrorOptions = {}) {
    super('invalid_config', `${provider}: ${message}`, { recoverable: false, ...options });
  }
}

/** An S2S provider needs an API key and none was given. */
export class MissingApiKeyError extends S2SConfigError {
  constructor(provider: string, envVar: string, extraKey = 'api_key') {
    super(provider, `no API key. Set ${envVar} in the environment or pass extra.${extraKey} in the config.`);
    Object.defineProperty(this, 'code', { value: 'missing_api_key' });
  }
}

/** An S2S provider reported an error, or its connection failed. */
export class S2SError extends VoxframeError {
  /** Provider name. */
  readonly provider: string;
  constructor(provider: string, code: string, message: string, options: VoxframeErrorOptions = {}) {
    super(code, `${provider}: ${message}`, options);
    this.provider = provider;
  }
}

/** A hook threw. The other hooks still ran. */
export class HookError extends VoxframeError {
  constructor(hook: string, cause: unknown) {
    super('hook_failed', `Hook ${hook} threw: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
