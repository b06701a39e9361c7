import { SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import type { Job } from 'bullmq';
import { MessagingAttr } from '@fabflow/messaging';
import { contextFromTraceHeaders } from '@fabflow/observability';

const tracer = trace.getTracer('@fabflow/pricing-worker');

/**
 * The CONSUMER span `<queue> process` of one run of a pricing job, a child of the MES
 * dispatcher's `<queue> publish` span whose context travels in the job data. The result's
 * outbox rows are written inside it, so the QuotePriced publish continues the same trace.
 */
export function startPricingProcessSpan(
  queue: string,
  job: Job,
  quoteId: string,
  parent: { traceparent?: string; tracestate?: string },
): { span: Span; context: Context } {
  const parentContext = contextFromTraceHeaders({ ...parent });
  const span = tracer.startSpan(
    `${queue} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [MessagingAttr.SYSTEM]: 'bullmq',
        [MessagingAttr.OPERATION_TYPE]: 'process',
        [MessagingAttr.OPERATION_NAME]: 'process',
        [MessagingAttr.DESTINATION]: queue,
        [MessagingAttr.MESSAGE_ID]: job.id ?? quoteId,
        [MessagingAttr.ORDER_ID]: quoteId,
        [MessagingAttr.QUOTE_ID]: quoteId,
        [MessagingAttr.ATTEMPT]: job.attemptsStarted,
      },
    },
    parentContext,
  );
  return { span, context: trace.setSpan(parentContext, span) };
}

/** A finished engine stage as a child span, from the times the calculation thread measured. */
export function recordStageSpan(
  parent: Context,
  stage: string,
  mode: string,
  startedAt: number,
  endedAt: number,
): void {
  tracer
    .startSpan(
      `pricing-engine ${stage}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: startedAt,
        attributes: { 'fabflow.pricing.mode': mode },
      },
      parent,
    )
    .end(endedAt);
}
