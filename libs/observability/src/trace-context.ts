import {
  context,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  trace,
  type Context,
  type TextMapGetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** W3C trace context as it travels in an outbox row, an event envelope and AMQP headers. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

// The envelope's wire format is W3C trace context whatever propagators the process configures.
const w3c = new W3CTraceContextPropagator();

/** AMQP header values arrive as strings, Buffers or numbers; only strings carry trace context. */
const headerGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const v = carrier[key];
    return typeof v === 'string' ? v : undefined;
  },
};

/**
 * The trace context of the active span (or of `ctx`) as `traceparent`/`tracestate`; empty when
 * there is no valid span (tracing off and no remote parent).
 */
export function traceHeaders(ctx: Context = context.active()): TraceHeaders {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  const out: TraceHeaders = {};
  if (carrier.traceparent) out.traceparent = carrier.traceparent;
  if (carrier.tracestate) out.tracestate = carrier.tracestate;
  return out;
}

/**
 * A context whose (remote) parent is the trace context in `headers`; the root context when they
 * hold none or a malformed one. Built from the root, never from the active context: a message's
 * parent is whoever published it, not whatever happens to be active in the consumer.
 */
export function contextFromTraceHeaders(headers: Record<string, unknown> | undefined): Context {
  if (!headers) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** The trace and span id of the active span, for log lines; undefined when there is none. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const sc = trace.getActiveSpan()?.spanContext();
  if (!sc || !trace.isSpanContextValid(sc)) return undefined;
  return { trace_id: sc.traceId, span_id: sc.spanId };
}
