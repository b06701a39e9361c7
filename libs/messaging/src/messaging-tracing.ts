import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { contextFromTraceHeaders, traceHeaders } from '@fabflow/observability';

/**
 * OpenTelemetry messaging semantic conventions (semconv 1.45; incubating, so copied here as the
 * semconv package advises rather than imported from its unstable entry point).
 */
export const MessagingAttr = {
  SYSTEM: 'messaging.system.name',
  OPERATION_TYPE: 'messaging.operation.type',
  OPERATION_NAME: 'messaging.operation.name',
  DESTINATION: 'messaging.destination.name',
  MESSAGE_ID: 'messaging.message.id',
  CONVERSATION_ID: 'messaging.message.conversation_id',
  BODY_SIZE: 'messaging.message.body.size',
  ROUTING_KEY: 'rabbitmq.destination.routing_key',
  DELIVERY_TAG: 'rabbitmq.message.delivery_tag',
  EVENT_TYPE: 'cloudevents.event_type',
  EVENT_SUBJECT: 'cloudevents.event_subject',
  ERROR_TYPE: 'error.type',
  /** The order (or quote) the message is about: one query finds every trace of an order. */
  ORDER_ID: 'fabflow.order_id',
  /** The quote the message names (a quote's events, and an order placed from a quote). */
  QUOTE_ID: 'fabflow.quote_id',
  /** handled | duplicate | retried | dead_lettered */
  OUTCOME: 'fabflow.consume.outcome',
  /** 1 for the first delivery, 2 after the first retry, … */
  ATTEMPT: 'fabflow.delivery.attempt',
} as const;

const tracer = trace.getTracer('@fabflow/messaging');

/** The order or quote an event is about, from its data (`orderId`, else `quoteId`). */
export function orderIdOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { orderId, quoteId } = data as { orderId?: unknown; quoteId?: unknown };
  if (typeof orderId === 'string') return orderId;
  return typeof quoteId === 'string' ? quoteId : undefined;
}

/**
 * The quote an event names, from its data (`quoteId`, else the ordered item's `item.quoteId` of
 * a version-1 order event, else the one line's `lines[0].quoteId` of a one-line order): a
 * quote's pricing and the order placed from it are found by one query. An order of several
 * lines names no one quote.
 */
export function quoteIdOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { quoteId, item, lines } = data as { quoteId?: unknown; item?: unknown; lines?: unknown };
  if (typeof quoteId === 'string') return quoteId;
  const only = Array.isArray(lines) && lines.length === 1 ? (lines[0] as unknown) : item;
  if (typeof only !== 'object' || only === null) return undefined;
  const nested = (only as { quoteId?: unknown }).quoteId;
  return typeof nested === 'string' ? nested : undefined;
}

export interface PublishSpanInput {
  id: string;
  exchange: string;
  routingKey: string;
  /** The outbox row's headers: CloudEvents attributes and the emitter's trace context. */
  headers: Record<string, string>;
  data: unknown;
  bodySize: number;
}

/**
 * Starts the PRODUCER span `<exchange> publish` of one outbox row, as a child of the span that
 * wrote the row, and returns the headers to publish: the same, with the trace context of this
 * publish span, so the consumer's span becomes its child.
 */
export function startPublishSpan(input: PublishSpanInput): {
  span: Span;
  headers: Record<string, string>;
} {
  const attributes: Attributes = {
    [MessagingAttr.SYSTEM]: 'rabbitmq',
    [MessagingAttr.OPERATION_TYPE]: 'send',
    [MessagingAttr.OPERATION_NAME]: 'publish',
    [MessagingAttr.DESTINATION]: input.exchange,
    [MessagingAttr.ROUTING_KEY]: input.routingKey,
    [MessagingAttr.MESSAGE_ID]: input.id,
    [MessagingAttr.BODY_SIZE]: input.bodySize,
  };
  const h = input.headers;
  if (h['ce-type']) attributes[MessagingAttr.EVENT_TYPE] = h['ce-type'];
  if (h['ce-subject']) attributes[MessagingAttr.EVENT_SUBJECT] = h['ce-subject'];
  if (h.correlationid) attributes[MessagingAttr.CONVERSATION_ID] = h.correlationid;
  const orderId = orderIdOf(input.data);
  if (orderId) attributes[MessagingAttr.ORDER_ID] = orderId;
  const quoteId = quoteIdOf(input.data);
  if (quoteId) attributes[MessagingAttr.QUOTE_ID] = quoteId;

  const parent = contextFromTraceHeaders(h);
  const span = tracer.startSpan(
    `${input.exchange} publish`,
    { kind: SpanKind.PRODUCER, attributes },
    parent,
  );
  const { traceparent: _tp, tracestate: _ts, ...rest } = h;
  const headers: Record<string, string> = {
    ...rest,
    ...traceHeaders(trace.setSpan(parent, span)),
  };
  return { span, headers };
}

/** Ends publish spans once the broker has confirmed (or failed) their batch. */
export function endPublishSpans(spans: Span[], error?: Error): void {
  for (const span of spans) {
    if (error) failSpan(span, error, error.name);
    span.end();
  }
}

export interface ProcessSpanInput {
  queue: string;
  messageId?: string;
  routingKey: string;
  deliveryTag: number;
  attempt: number;
  headers: Record<string, unknown> | undefined;
}

/**
 * Starts the CONSUMER span `<queue> process` of one delivery, as a child of the publish span
 * whose context the message carries, and returns it with the context to run the handling in
 * (so its queries and the events it emits are children of it).
 */
export function startProcessSpan(input: ProcessSpanInput): { span: Span; context: Context } {
  const attributes: Attributes = {
    [MessagingAttr.SYSTEM]: 'rabbitmq',
    [MessagingAttr.OPERATION_TYPE]: 'process',
    [MessagingAttr.OPERATION_NAME]: 'process',
    [MessagingAttr.DESTINATION]: input.queue,
    [MessagingAttr.ROUTING_KEY]: input.routingKey,
    [MessagingAttr.DELIVERY_TAG]: input.deliveryTag,
    [MessagingAttr.ATTEMPT]: input.attempt,
  };
  if (input.messageId) attributes[MessagingAttr.MESSAGE_ID] = input.messageId;
  const parent = contextFromTraceHeaders(input.headers);
  const span = tracer.startSpan(
    `${input.queue} process`,
    { kind: SpanKind.CONSUMER, attributes },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/** Marks a span failed: the exception as an event, error status, `error.type`. */
export function failSpan(span: Span, error: Error | string, type: string): void {
  const message = typeof error === 'string' ? error : error.message;
  span.recordException(typeof error === 'string' ? { name: type, message } : error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute(MessagingAttr.ERROR_TYPE, type);
}
