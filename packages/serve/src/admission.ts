/**
 * Admission control: whether this worker takes another call. Over a limit, an upgrade gets HTTP 503, which a load
 * balancer retries on another worker (haproxy `retry-on 503`, an ingress' `proxy-next-upstream http_503`).
 *
 * @packageDocumentation
 */
import type { IncomingMessage } from 'node:http';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { UpgradeRefusal } from '@voxframe/transports';

/** Options of {@link AdmissionController}. */
export interface AdmissionOptions {
  /** Most sessions at once. @defaultValue `100` */
  readonly maxSessions?: number;
  /** Refuse new calls while the event loop's delay p99 (over the last window) is above this. `0` disables it. @defaultValue `200` */
  readonly maxEventLoopLagMs?: number;
  /** Most simultaneous connections from one client address. `0` disables it. @defaultValue `20` */
  readonly maxConnectionsPerIp?: number;
  /** How often the event-loop delay window restarts. @defaultValue `5_000` */
  readonly lagWindowMs?: number;
}

/** Defaults of {@link AdmissionOptions}. */
export const admissionDefaults = {
  maxSessions: 100,
  maxEventLoopLagMs: 200,
  maxConnectionsPerIp: 20,
  lagWindowMs: 5_000,
} as const satisfies AdmissionOptions;

/** Why a call was refused. */
export type RefusalReason = 'draining' | 'capacity' | 'event-loop' | 'per-ip';

/** Counts sessions and load; decides admission. */
export class AdmissionController {
  readonly #options: Required<AdmissionOptions>;
  readonly #histogram: IntervalHistogram;
  readonly #timer: NodeJS.Timeout;
  readonly #perIp = new Map<string, number>();
  #sessions = 0;
  #draining = false;
  #lagP99Ms = 0;

  constructor(options: AdmissionOptions = {}, onLag?: (p99Ms: number) => void) {
    this.#options = { ...admissionDefaults, ...options };
    this.#histogram = monitorEventLoopDelay({ resolution: 10 });
    this.#histogram.enable();
    this.#timer = setInterval(() => {
      this.#lagP99Ms = this.#histogram.percentile(99) / 1e6;
      this.#histogram.reset();
      onLag?.(this.#lagP99Ms);
    }, this.#options.lagWindowMs);
    this.#timer.unref();
  }

  /** Sessions running. */
  get sessions(): number {
    return this.#sessions;
  }

  /** Event-loop delay p99 of the last window, ms. */
  get eventLoopLagP99Ms(): number {
    return this.#lagP99Ms;
  }

  /** Draining: no new calls, ever again. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Whether `/readyz` says yes: not draining, below the session limit and the lag threshold. */
  get ready(): boolean {
    return this.#refusal() === undefined;
  }

  /** Starts draining. */
  drain(): void {
    this.#draining = true;
  }

  /** Decides on an upgrade request; `undefined` admits it. */
  check(request: IncomingMessage): { readonly refusal: UpgradeRefusal; readonly reason: RefusalReason } | undefined {
    const reason = this.#refusal() ?? this.#perIpRefusal(request);
    if (reason === undefined) return undefined;
    const refusal: UpgradeRefusal =
      reason === 'per-ip' ? { status: 429, reason: 'Too Many Requests', retryAfterS: 5 } : { status: 503, reason: 'Service Unavailable', retryAfterS: 1 };
    return { refusal, reason };
  }

  /** A session started (after admission); returns its release function. */
  open(request: IncomingMessage): () => void {
    this.#sessions += 1;
    const ip = clientAddress(request);
    this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#sessions -= 1;
      const left = (this.#perIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.#perIp.delete(ip);
      else this.#perIp.set(ip, left);
    };
  }

  /** Stops sampling. */
  close(): void {
    clearInterval(this.#timer);
    this.#histogram.disable();
  }

  #refusal(): RefusalReason | undefined {
    if (this.#draining) return 'draining';
    if (this.#sessions >= this.#options.maxSessions) return 'capacity';
    if (this.#options.maxEventLoopLagMs > 0 && this.#lagP99Ms > this.#options.maxEventLoopLagMs) return 'event-loop';
    return undefined;
  }

  #perIpRefusal(request: IncomingMessage): RefusalReason | undefined {
    const max = this.#options.maxConnectionsPerIp;
    if (max <= 0) return undefined;
    return (this.#perIp.get(clientAddress(request)) ?? 0) >= max ? 'per-ip' : undefined;
  }
}

/** The peer's address (behind a proxy this is the proxy's: per-IP limits then belong at the proxy). */
function clientAddress(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}
