/**
 * Opens a configured connection: handshake, `session.created`, our `session.update`, and the service's
 * `session.updated` (or the `error` that refused our configuration, §2). Events that arrive after that wait until the
 * session attaches, so none is lost between a rotation's connect and its switch-over.
 *
 * @packageDocumentation
 */
import type { Logger, S2SError, ToolDefinition } from '@voxframe/core';
import type { ResolvedOpenAIConfig } from './config';
import { systemClock, type Clock } from './clock';
import { RealtimeConnection } from './connection';
import { OpenAIRealtimeError, connectionError } from './errors';
import type { ServerEvent } from './protocol';
import { buildSessionConfig } from './session-config';

/** Where an attached connection reports. */
export interface AttachedHandlers {
  onEvent(event: ServerEvent): void;
  onGarbage(length: number): void;
  onClose(code: number, reason: string): void;
}

/** A configured connection, not yet attached to the session. */
export interface ConfiguredConnection {
  readonly connection: RealtimeConnection;
  /** Routes events to the session, first replaying those that arrived since `session.updated`. */
  attach(handlers: AttachedHandlers): void;
}

/** Limit on events held before attach; a rotation attaches within one turn, so this only guards against misuse. */
const MAX_HELD_EVENTS = 1000;

/**
 * Opens and configures a connection.
 *
 * @throws `S2SError`: connection failures (see {@link RealtimeConnection.open}), or the service's refusal of the
 * configuration (`OpenAIRealtimeError`, not recoverable: a bad setting stays bad on a retry).
 */
export async function openConfiguredConnection(
  config: ResolvedOpenAIConfig,
  tools: readonly ToolDefinition[],
  logger: Logger,
  nextEventId: () => string,
  signal?: AbortSignal,
  clock: Clock = systemClock,
): Promise<ConfiguredConnection> {
  let attached: AttachedHandlers | undefined;
  const held: ServerEvent[] = [];
  let heldGarbage = 0;
  let closedBeforeAttach: { code: number; reason: string } | undefined;
  let setup: ((event: ServerEvent) => boolean) | undefined;
  let setupFailed: ((error: S2SError) => void) | undefined;

  const connection = await RealtimeConnection.open(
    config,
    logger,
    {
      onEvent: (event) => {
        if (attached) attached.onEvent(event);
        else if (setup?.(event) !== true && held.length < MAX_HELD_EVENTS) held.push(event);
      },
      onGarbage: (length) => {
        if (attached) attached.onGarbage(length);
        else heldGarbage++;
      },
      onClose: (code, reason) => {
        if (attached) {
          attached.onClose(code, reason);
          return;
        }
        closedBeforeAttach = { code, reason };
        setupFailed?.(connectionError('connection_failed', `the service closed the connection during setup (${code} ${reason}).`, true));
      },
    },
    signal,
    clock,
  );

  const updateId = nextEventId();
  try {
    await new Promise<void>((resolve, reject) => {
      const cancelTimer = clock.after(config.connectTimeoutMs, () => {
        finish(connectionError('connect_timeout', `no session.updated within ${config.connectTimeoutMs} ms.`, true));
      });
      const onAbort = (): void => finish(connectionError('aborted', 'connecting was aborted.', false, signal?.reason));
      const finish = (error?: S2SError): void => {
        cancelTimer();
        signal?.removeEventListener('abort', onAbort);
        setup = undefined;
        setupFailed = undefined;
        if (error) reject(error);
        else resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      setupFailed = finish;
      setup = (event) => {
        if (event.type === 'session.updated') {
          finish();
          return true;
        }
        if (event.type === 'error' && event.error && (event.error.event_id === updateId || event.error.event_id == null)) {
          finish(new OpenAIRealtimeError(event.error, false));
          return true;
        }
        return false;
      };
      if (signal?.aborted) onAbort();
      else if (closedBeforeAttach) finish(connectionError('connection_failed', 'the service closed the connection during setup.', true));
      else connection.send({ type: 'session.update', event_id: updateId, session: buildSessionConfig(config, tools) });
    });
  } catch (error) {
    connection.terminate();
    throw error;
  }

  return {
    connection,
    attach(handlers) {
      attached = handlers;
      for (const event of held.splice(0)) handlers.onEvent(event);
      for (; heldGarbage > 0; heldGarbage--) handlers.onGarbage(0);
      if (closedBeforeAttach) handlers.onClose(closedBeforeAttach.code, closedBeforeAttach.reason);
    },
  };
}
