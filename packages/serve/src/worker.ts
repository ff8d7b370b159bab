/**
 * `createVoiceWorker(...)`: one process's voice server for production. It mounts the browser WebSocket, Twilio and
 * Telnyx endpoints on one HTTP server, runs a pipeline per call from an agent factory, and behaves well behind a
 * load balancer and an orchestrator:
 *
 * - `/healthz` (alive) and `/readyz` (takes calls: false while draining or over capacity);
 * - `/metrics` in Prometheus format;
 * - admission control: over the session limit or the event-loop lag threshold, upgrades get HTTP 503 (retried on
 *   another worker by the balancer), and per-IP connection limits answer 429;
 * - graceful drain on SIGTERM/SIGINT: readiness goes false at once, live calls go on until they end or the drain
 *   deadline passes, then end cleanly (browser close 1001, telephony sockets closed normally), then exit 0;
 * - OpenTelemetry spans per session and turn (a no-op without an SDK);
 * - refuses to listen on a non-loopback address with unauthenticated endpoints unless told to.
 *
 * One call is one WebSocket is one pipeline in one process; any L4/L7 balancer spreads calls, no sticky sessions.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PipelineRunner, createLogger, pipeline, type FinishReason, type FrameNode, type Logger } from '@voxframe/core';
import {
  attachTelnyxServer,
  attachTwilioServer,
  attachVoiceServer,
  type TelnyxServerOptions,
  type MediaStreamTransport,
  type TwilioServerOptions,
  type VoiceServerOptions,
  type WebSocketEndpoint,
  type WebSocketTransport,
} from '@voxframe/transports';
import { AdmissionController, admissionDefaults, type AdmissionOptions } from './admission';
import { WorkerMetrics } from './metrics';
import { assertSafeBind } from './security';
import { SessionTrace } from './tracing';

/** The transports a worker can serve. */
export type TransportKind = 'browser' | 'twilio' | 'telnyx';

/** What the agent factory gets for each call. */
export interface AgentSession {
  /** Which endpoint the call came in on. */
  readonly transport: TransportKind;
  /**
   * The call's transport object, for processors that talk to the client themselves (a browser page's own control
   * messages): a `WebSocketTransport` for `browser`, a `MediaStreamTransport` for the telephony endpoints.
   */
  readonly connection: WebSocketTransport | MediaStreamTransport;
  /** Worker-unique id, also in every log line of the session. */
  readonly sessionId: string;
  /** The upgrade request (headers, URL with query). */
  readonly request: IncomingMessage;
  /** The session's logger. */
  readonly logger: Logger;
}

/**
 * Builds the processors between a call's input and output transport (e.g. `[sileroVad(), s2sProcessor(...),
 * outputPacer()]`), fresh for every call.
 */
export type AgentFactory = (session: AgentSession) => FrameNode[] | Promise<FrameNode[]>;

type EndpointOptions<T> = Partial<Omit<T, 'onSession' | 'logger'>>;

/** Options of {@link createVoiceWorker}. */
export interface VoiceWorkerOptions extends AdmissionOptions {
  /** Builds each call's pipeline middle. */
  readonly agent: AgentFactory;
  /** Port; `0` picks a free one. @defaultValue `Number(process.env.PORT ?? 3000)` */
  readonly port?: number;
  /** Address to listen on. @defaultValue `process.env.HOST ?? '127.0.0.1'` */
  readonly host?: string;
  /** The browser endpoint (`/voice`), or `false`. @defaultValue mounted with its defaults */
  readonly browser?: EndpointOptions<VoiceServerOptions> | false;
  /** The Twilio Media Streams endpoint (`/twilio`), or `false`. @defaultValue mounted with its defaults */
  readonly twilio?: EndpointOptions<TwilioServerOptions> | false;
  /** The Telnyx endpoint (`/telnyx`), or `false`. @defaultValue mounted with its defaults */
  readonly telnyx?: EndpointOptions<TelnyxServerOptions> | false;
  /**
   * Listen on a non-loopback address although some endpoint has no `authenticate` hook. Only for deployments where
   * something in front authenticates. @defaultValue `false`
   */
  readonly allowUnauthenticated?: boolean;
  /** How long live calls may go on after a drain starts before they are ended. @defaultValue `30_000` */
  readonly drainTimeoutMs?: number;
  /** Graceful end of one pipeline (then it is cancelled). @defaultValue `3_000` */
  readonly endTimeoutMs?: number;
  /** End a call after this long without activity; `0` disables it. @defaultValue `600_000` */
  readonly idleTimeoutMs?: number;
  /** Drain and exit 0 on SIGTERM and SIGINT. @defaultValue `true` */
  readonly handleSignals?: boolean;
  /** The application's own HTTP routes (pages, TwiML); return `true` when it answered. Asked before the 404. */
  readonly requestHandler?: (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;
  /** Collect Node's default process metrics too. @defaultValue `true` */
  readonly defaultMetrics?: boolean;
  /** Logger. @defaultValue `createLogger({ name: 'voxframe-worker' })` */
  readonly logger?: Logger;
}

/** Defaults of {@link VoiceWorkerOptions}. */
export const voiceWorkerDefaults = {
  ...admissionDefaults,
  drainTimeoutMs: 30_000,
  endTimeoutMs: 3_000,
  idleTimeoutMs: 600_000,
  handleSignals: true,
  allowUnauthenticated: false,
} as const satisfies Omit<VoiceWorkerOptions, 'agent'>;

interface LiveSession {
  readonly runner: PipelineRunner;
  readonly done: Promise<void>;
}

/** A running worker; create it with {@link createVoiceWorker}. */
export class VoiceWorker {
  /** The HTTP server (add your own routes through `requestHandler`). */
  readonly server: Server;
  /** Prometheus metrics. */
  readonly metrics: WorkerMetrics;
  readonly #options: VoiceWorkerOptions;
  readonly #logger: Logger;
  readonly #admission: AdmissionController;
  readonly #endpoints: WebSocketEndpoint[] = [];
  readonly #sessions = new Set<LiveSession>();
  #drained: Promise<void> | undefined;
  readonly #signalHandler = (signal: NodeJS.Signals) => {
    this.#logger.info({ signal }, 'signal received: draining');
    void this.drain(`signal ${signal}`).then(() => process.exit(0));
  };

  constructor(options: VoiceWorkerOptions) {
    if (typeof options?.agent !== 'function') throw new TypeError('createVoiceWorker needs an agent factory: agent: (session) => processors.');
    this.#options = options;
    this.#logger = options.logger ?? createLogger({ name: 'voxframe-worker' });
    this.metrics = new WorkerMetrics({ defaultMetrics: options.defaultMetrics });
    this.#admission = new AdmissionController(options, (p99) => this.metrics.eventLoopLag.set(p99 / 1000));
    this.server = createServer((request, response) => void this.#onRequest(request, response));
    this.#mount();
  }

  /** Sessions running now. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** Whether the worker takes new calls (what `/readyz` says). */
  get ready(): boolean {
    return this.#admission.ready;
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<AddressInfo> {
    const host = this.#options.host ?? process.env.HOST ?? '127.0.0.1';
    const port = this.#options.port ?? Number(process.env.PORT ?? 3000);
    assertSafeBind(host, this.#unauthenticatedEndpoints(), this.#options.allowUnauthenticated ?? voiceWorkerDefaults.allowUnauthenticated);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    if (this.#options.handleSignals ?? voiceWorkerDefaults.handleSignals) {
      process.once('SIGTERM', this.#signalHandler);
      process.once('SIGINT', this.#signalHandler);
    }
    const address = this.server.address() as AddressInfo;
    this.#logger.info({ host: address.address, port: address.port }, 'voice worker listening');
    return address;
  }

  /**
   * Stops taking calls at once (readiness false, upgrades 503), lets live calls go on until they end or
   * `drainTimeoutMs` passes, then ends the rest cleanly and closes the server. Safe to call twice.
   */
  drain(reason = 'drain'): Promise<void> {
    this.#drained ??= this.#drain(reason);
    return this.#drained;
  }

  async #drain(reason: string): Promise<void> {
    this.#admission.drain();
    const deadlineMs = this.#options.drainTimeoutMs ?? voiceWorkerDefaults.drainTimeoutMs;
    this.#logger.info({ reason, sessions: this.#sessions.size, deadlineMs }, 'draining: no new calls; waiting for live calls');
    const live = () => Promise.all([...this.#sessions].map((s) => s.done)).then(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
    });
    const outcome = await Promise.race([live().then(() => 'empty' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'deadline' && this.#sessions.size > 0) {
      this.#logger.warn({ sessions: this.#sessions.size }, 'drain deadline passed: ending the remaining calls');
      for (const session of this.#sessions) void session.runner.end();
      await live();
    }
    await Promise.all(this.#endpoints.map((e) => e.close()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    this.#admission.close();
    process.off('SIGTERM', this.#signalHandler);
    process.off('SIGINT', this.#signalHandler);
    this.#logger.info({ reason }, 'drained');
  }

  // ------------------------------------------------------------------------------------------------ internals

  #mount(): void {
    const admit = (request: IncomingMessage) => {
      const decision = this.#admission.check(request);
      if (decision === undefined) return undefined;
      this.metrics.sessionsRefused.inc({ reason: decision.reason });
      this.#logger.info({ reason: decision.reason, sessions: this.#sessions.size }, 'call refused');
      return decision.refusal;
    };
    const logger = this.#logger;
    const { browser, twilio, telnyx } = this.#options;
    if (browser !== false) {
      this.#endpoints.push(attachVoiceServer(this.server, { ...browser, logger, admit, onSession: (t, req) => this.#run('browser', t, req) }));
    }
    if (twilio !== false) {
      this.#endpoints.push(attachTwilioServer(this.server, { ...twilio, logger, admit, onSession: (t, req) => this.#run('twilio', t, req) }));
    }
    if (telnyx !== false) {
      this.#endpoints.push(attachTelnyxServer(this.server, { ...telnyx, logger, admit, onSession: (t, req) => this.#run('telnyx', t, req) }));
    }
  }

  #unauthenticatedEndpoints(): string[] {
    const open: string[] = [];
    const { browser, twilio, telnyx } = this.#options;
    if (browser !== false && browser?.authenticate === undefined) open.push(browser?.path ?? '/voice');
    if (twilio !== false && twilio?.authenticate === undefined && twilio?.authToken === undefined) open.push(twilio?.path ?? '/twilio');
    if (telnyx !== false && telnyx?.authenticate === undefined) open.push(telnyx?.path ?? '/telnyx');
    return open;
  }

  async #run(kind: TransportKind, transport: WebSocketTransport | MediaStreamTransport, request: IncomingMessage): Promise<void> {
    const sessionId = randomUUID();
    const logger = this.#logger.child({ session: sessionId, transport: kind });
    const release = this.#admission.open(request);
    const trace = new SessionTrace({ transport: kind, sessionId });
    this.metrics.sessionsStarted.inc({ transport: kind });
    this.metrics.activeSessions.inc({ transport: kind });
    let middle: FrameNode[];
    try {
      middle = await this.#options.agent({ transport: kind, connection: transport, sessionId, request, logger });
    } catch (error) {
      release();
      this.metrics.activeSessions.dec({ transport: kind });
      this.metrics.sessionsEnded.inc({ transport: kind, reason: 'error' });
      trace.end('error');
      throw error; // the endpoint closes the socket with 1011 and logs it
    }
    const runner = new PipelineRunner(pipeline(transport.input(), ...middle, transport.output()), {
      logger,
      endTimeoutMs: this.#options.endTimeoutMs ?? voiceWorkerDefaults.endTimeoutMs,
      idleTimeoutMs: this.#options.idleTimeoutMs ?? voiceWorkerDefaults.idleTimeoutMs,
    });
    runner.events.subscribe((event) => this.metrics.observeRunnerEvent(event));
    const observe = (frame: Parameters<WorkerMetrics['observeFrame']>[0]) => {
      this.metrics.observeFrame(frame);
      trace.observe(frame);
    };
    runner.output.subscribe(observe);
    runner.upstreamOutput.subscribe(observe);
    void transport.closed.then(() => runner.cancel(`${kind} peer left`));
    const done = runner.run().then(
      (reason: FinishReason) => this.#finished(kind, live, reason, release, trace, logger),
      (error: unknown) => {
        logger.error({ err: error }, 'session run failed');
        this.#finished(kind, live, 'error', release, trace, logger);
      },
    );
    const live: LiveSession = { runner, done };
    this.#sessions.add(live);
  }

  #finished(kind: TransportKind, live: LiveSession, reason: FinishReason, release: () => void, trace: SessionTrace, logger: Logger): void {
    this.#sessions.delete(live);
    release();
    const reported = this.#admission.draining && reason !== 'ended' ? 'drained' : reason;
    this.metrics.activeSessions.dec({ transport: kind });
    this.metrics.sessionsEnded.inc({ transport: kind, reason: reported });
    trace.end(reported);
    logger.info({ reason: reported }, 'session finished');
  }

  async #onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    try {
      if (path === '/healthz') return json(response, 200, { ok: true });
      if (path === '/readyz') {
        const ready = this.#admission.ready;
        return json(response, ready ? 200 : 503, { ready, draining: this.#admission.draining, sessions: this.#sessions.size, eventLoopLagP99Ms: this.#admission.eventLoopLagP99Ms });
      }
      if (path === '/metrics') {
        response.writeHead(200, { 'content-type': this.metrics.registry.contentType });
        response.end(await this.metrics.registry.metrics());
        return;
      }
      if (this.#options.requestHandler && (await this.#options.requestHandler(request, response))) return;
      json(response, 404, { error: 'not found' });
    } catch (error) {
      this.#logger.error({ err: error, path }, 'request handler failed');
      if (!response.headersSent) json(response, 500, { error: 'internal error' });
      else response.destroy();
    }
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/**
 * Creates a voice worker (see the module docs). Call `listen()` to start it.
 *
 * @example
 * ```ts
 * const worker = createVoiceWorker({
 *   agent: () => [sileroVad(), s2sProcessor({ s2s: createS2S('openai_realtime', config) }), outputPacer()],
 *   browser: { authenticate: (req) => checkToken(req) },
 *   twilio: { authenticate: (req) => validTwilioSignature(req) },
 *   maxSessions: 50,
 * });
 * await worker.listen();
 * ```
 */
export function createVoiceWorker(options: VoiceWorkerOptions): VoiceWorker {
  return new VoiceWorker(options);
}
