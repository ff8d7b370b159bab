/**
 * OpenTelemetry traces through `@opentelemetry/api`: a span per session and one per assistant turn with its latency
 * attributes. A no-op unless the application installs an OpenTelemetry SDK.
 *
 * @packageDocumentation
 */
import { SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Frame, FinishReason } from '@voxframe/core';

const tracer: Tracer = trace.getTracer('@voxframe/serve');

/** Traces one session: the session span, and a span per turn (user stopped speaking -> bot audio). */
export class SessionTrace {
  readonly #session: Span;
  #turn: Span | undefined;
  #turns = 0;

  constructor(attributes: { readonly transport: string; readonly sessionId: string }) {
    this.#session = tracer.startSpan('voxframe.session', { attributes: { 'voxframe.transport': attributes.transport, 'voxframe.session_id': attributes.sessionId } });
  }

  /** Feeds a frame leaving the pipeline. */
  observe(frame: Frame): void {
    switch (frame.type) {
      case 'user.stopped-speaking':
        this.#turn?.end();
        this.#turns += 1;
        this.#turn = tracer.startSpan('voxframe.turn', { attributes: { 'voxframe.turn': this.#turns } });
        return;
      case 'metrics':
        for (const metric of frame.metrics) {
          if ('valueMs' in metric && typeof metric.valueMs === 'number') this.#turn?.setAttribute(`voxframe.${metric.kind}_ms.${metric.processor}`, metric.valueMs);
        }
        return;
      case 'bot.stopped-speaking':
        this.#turn?.end();
        this.#turn = undefined;
        return;
      default:
        return;
    }
  }

  /** Ends the session span. */
  end(reason: FinishReason | 'drained'): void {
    this.#turn?.end();
    this.#session.setAttribute('voxframe.finish_reason', reason);
    this.#session.setAttribute('voxframe.turns', this.#turns);
    if (reason === 'error') this.#session.setStatus({ code: SpanStatusCode.ERROR });
    this.#session.end();
  }
}
