import { SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import type { SalesChannel } from '@fabflow/contracts';
import { MessagingAttr } from '@fabflow/messaging';
import { contextFromTraceHeaders, traceHeaders, type TraceHeaders } from '@fabflow/observability';

const tracer = trace.getTracer('@fabflow/mes-api');

/**
 * The PRODUCER span `<queue> publish` of adding one pricing job to BullMQ, a child of the
 * `mes.quotes process` span that recorded the job (its context is stored on the row). Returns
 * the context to add the job in and the trace headers to put into the job data, so the worker's
 * `<queue> process` span becomes this span's child.
 */
export function startPricingPublishSpan(input: {
  queue: string;
  quoteId: string;
  channel: SalesChannel;
  priority: number;
  parent: TraceHeaders | null;
}): { span: Span; context: Context; headers: TraceHeaders } {
  const parent = contextFromTraceHeaders({ ...(input.parent ?? {}) });
  const span = tracer.startSpan(
    `${input.queue} publish`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [MessagingAttr.SYSTEM]: 'bullmq',
        [MessagingAttr.OPERATION_TYPE]: 'send',
        [MessagingAttr.OPERATION_NAME]: 'publish',
        [MessagingAttr.DESTINATION]: input.queue,
        [MessagingAttr.MESSAGE_ID]: input.quoteId,
        [MessagingAttr.ORDER_ID]: input.quoteId,
        [MessagingAttr.QUOTE_ID]: input.quoteId,
        'fabflow.pricing.channel': input.channel,
        'fabflow.pricing.priority': input.priority,
      },
    },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  return { span, context: ctx, headers: traceHeaders(ctx) };
}
