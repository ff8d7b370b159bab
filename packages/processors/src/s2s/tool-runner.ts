/**
 * Runs the model's tool calls beside the audio path: concurrently, each with its own `AbortController`, cancelled
 * by the provider, by barge-in (tools with `cancelOnInterruption`) or by shutdown.
 *
 * @packageDocumentation
 */
import type { SchedulerLike } from 'rxjs';
import type { Logger } from '@voxframe/core';
import type { ToolCancelReason } from '../tools/errors';
import type { ToolCallRequest, ToolRegistry } from '../tools/tool-registry';
import type { ToolOutcome } from '../tools/tool-outcome';

interface InflightCall {
  readonly controller: AbortController;
  readonly cancelOnInterruption: boolean;
}

/** What the runner needs from its owner. */
export interface ToolRunnerHost {
  readonly scheduler: SchedulerLike;
  readonly logger: Logger;
  /** A call finished (any way); `cancelReason` says why when it was cancelled. */
  onOutcome(outcome: ToolOutcome, cancelReason: ToolCancelReason | undefined): void;
}

/** The calls in flight of one session. */
export class ToolRunner {
  readonly #registry: ToolRegistry;
  readonly #host: ToolRunnerHost;
  readonly #inflight = new Map<string, InflightCall>();

  constructor(registry: ToolRegistry, host: ToolRunnerHost) {
    this.#registry = registry;
    this.#host = host;
  }

  /** Whether the registry has a handler for `name`. */
  knows(name: string): boolean {
    return this.#registry.has(name);
  }

  /** Calls in flight. */
  get size(): number {
    return this.#inflight.size;
  }

  /** Starts a call; returns at once (the handler runs on a later microtask). */
  run(call: ToolCallRequest): void {
    const controller = new AbortController();
    this.#inflight.get(call.callId)?.controller.abort('provider');
    this.#inflight.set(call.callId, {
      controller,
      cancelOnInterruption: this.#registry.get(call.name)?.cancelOnInterruption === true,
    });
    void this.#registry
      .execute(call, { scheduler: this.#host.scheduler, signal: controller.signal, logger: this.#host.logger })
      .then((outcome) => {
        if (this.#inflight.get(call.callId)?.controller === controller) this.#inflight.delete(call.callId);
        const reason = controller.signal.aborted && typeof controller.signal.reason === 'string' ? controller.signal.reason : undefined;
        this.#host.onOutcome(outcome, outcome.status === 'cancelled' ? reason : undefined);
      });
  }

  /** Cancels the given calls (the provider withdrew them). Unknown ids are ignored. */
  cancel(callIds: readonly string[], reason: ToolCancelReason): number {
    let cancelled = 0;
    for (const id of callIds) {
      const call = this.#inflight.get(id);
      if (call === undefined) continue;
      call.controller.abort(reason);
      cancelled += 1;
    }
    return cancelled;
  }

  /** Barge-in: cancels the calls of tools marked `cancelOnInterruption`. */
  cancelForInterruption(): number {
    const ids = [...this.#inflight].filter(([, call]) => call.cancelOnInterruption).map(([id]) => id);
    return this.cancel(ids, 'interruption');
  }

  /** Shutdown: cancels everything. */
  cancelAll(reason: ToolCancelReason = 'shutdown'): number {
    return this.cancel([...this.#inflight.keys()], reason);
  }
}
