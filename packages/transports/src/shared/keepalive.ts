/**
 * WebSocket keepalive: ping the peer, and end a connection whose peer went quiet (a half-open socket, a crashed
 * browser tab, a carrier that vanished) so its pipeline and provider session are released promptly instead of when
 * TCP gives up, minutes later.
 *
 * @packageDocumentation
 */
import type { WebSocket } from 'ws';

/** Timer functions, injectable so tests run with a virtual clock. */
export interface KeepaliveTimers {
  now(): number;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Options of keepalive on a server-side socket. */
export interface KeepaliveOptions {
  /**
   * Interval between pings. `0` turns keepalive off.
   * @defaultValue 5000
   */
  readonly pingIntervalMs?: number;
  /**
   * A peer from which nothing arrived (no message, no pong) for this long is dead: the socket is terminated
   * (close code 1006) and the session ends. Any message counts as a sign of life, so a carrier that streams audio
   * every 20 ms is never cut for a late pong. Signs of life are noted at the next ping tick (no clock read per
   * message), so a dead peer is cut between `deadAfterMs` and `deadAfterMs + pingIntervalMs` after its last word.
   * @defaultValue 15000
   */
  readonly deadAfterMs?: number;
  /** Timers. @defaultValue the global timers (unref'd) and `performance.now()` */
  readonly timers?: KeepaliveTimers;
}

/** Defaults of {@link KeepaliveOptions}. */
export const keepaliveDefaults = {
  pingIntervalMs: 5000,
  deadAfterMs: 15_000,
} as const satisfies KeepaliveOptions;

const globalTimers: KeepaliveTimers = {
  now: () => performance.now(),
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

/**
 * Pings `socket` every `pingIntervalMs` and terminates it when nothing arrived for `deadAfterMs`. Stops by itself
 * when the socket closes. `onDead` runs once, before the termination (log it, report it).
 */
export class Keepalive {
  readonly #socket: WebSocket;
  readonly #timers: KeepaliveTimers;
  readonly #deadAfterMs: number;
  readonly #onDead: (silentMs: number) => void;
  #handle: unknown;
  #lastHeardMs: number;
  /** Set by every message and pong; read and reset by the timer (no clock read on the per-message path). */
  #heard = false;
  #pings = 0;

  constructor(socket: WebSocket, options: KeepaliveOptions, onDead: (silentMs: number) => void) {
    this.#socket = socket;
    this.#timers = options.timers ?? globalTimers;
    this.#deadAfterMs = options.deadAfterMs ?? keepaliveDefaults.deadAfterMs;
    this.#onDead = onDead;
    this.#lastHeardMs = this.#timers.now();
    const interval = options.pingIntervalMs ?? keepaliveDefaults.pingIntervalMs;
    if (interval <= 0) return;
    const heard = (): void => {
      this.#heard = true;
    };
    socket.on('message', heard);
    socket.on('pong', heard);
    socket.once('close', () => this.stop());
    this.#handle = this.#timers.setInterval(() => this.#tick(), interval);
  }

  /** Pings sent so far. */
  get pings(): number {
    return this.#pings;
  }

  /** Stops pinging (the socket closed). */
  stop(): void {
    if (this.#handle === undefined) return;
    this.#timers.clearInterval(this.#handle);
    this.#handle = undefined;
  }

  #tick(): void {
    if (this.#socket.readyState !== 1) return;
    const now = this.#timers.now();
    if (this.#heard) {
      this.#heard = false;
      this.#lastHeardMs = now;
    }
    const silentMs = now - this.#lastHeardMs;
    if (silentMs >= this.#deadAfterMs) {
      this.stop();
      this.#onDead(silentMs);
      this.#socket.terminate();
      return;
    }
    this.#pings += 1;
    this.#socket.ping();
  }
}
