import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type {
  OrderStatus,
  OrderStatusChangedWebhookData,
  QuoteCompletedWebhookData,
  QuoteFailedWebhookData,
  WebhookEventType,
} from '@fabflow/contracts';
import type { OrderFacts, QuoteFacts, SourceEvent } from '../notification-facts';
import type { WebhookEvent } from './webhook-outbox';

/**
 * The webhook event id for the change a source event (a CloudEvents envelope) caused: a UUID
 * (version 8, RFC 9562) derived from the source event's id and the webhook type, so a
 * redelivered or replayed source event can never make a second webhook event.
 */
export function webhookEventId(sourceEventId: string, type: WebhookEventType): string {
  const h = createHash('sha256').update(`fabflow.webhook:${type}:${sourceEventId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** `quote.completed`: a B2B quote was priced (READY, or NEEDS_REVIEW before it can be accepted). */
export function quoteCompleted(q: QuoteFacts, src: SourceEvent): WebhookEvent {
  const price = q.price!;
  const data: z.infer<typeof QuoteCompletedWebhookData> = {
    quoteId: q.id,
    status: q.status === 'NEEDS_REVIEW' ? 'NEEDS_REVIEW' : 'READY',
    priceMode: q.price_mode ?? q.mode,
    price: {
      currency: price.currency,
      totalCents: price.totalCents,
      unitPriceCents: price.unitPriceCents,
    },
    quantity: q.quantity,
    materialId: q.material_id,
    validUntil: q.valid_until!.toISOString(),
    reviewReasons: q.review_reasons,
    priceSource: q.price_source ?? 'ENGINE',
    links: {
      quote: `/b2b/v1/quotes/${q.id}`,
      accept: q.status === 'READY' ? `/b2b/v1/quotes/${q.id}/accept` : null,
    },
  };
  return event(q.customer_id, 'quote.completed', data, src);
}

/** `quote.failed`: no price could be made; the reason says what to change. */
export function quoteFailed(q: QuoteFacts, src: SourceEvent): WebhookEvent {
  const data: z.infer<typeof QuoteFailedWebhookData> = {
    quoteId: q.id,
    status: 'FAILED',
    failure: { code: q.failure_code ?? 'FAILED', reason: q.failure_reason ?? '' },
    links: { quote: `/b2b/v1/quotes/${q.id}` },
  };
  return event(q.customer_id, 'quote.failed', data, src);
}

/** `order.status_changed`: a B2B order (or one of its lines) moved; every line's status with it. */
export function orderStatusChanged(
  o: OrderFacts,
  from: OrderStatus,
  to: OrderStatus,
  src: SourceEvent,
): WebhookEvent {
  const data: z.infer<typeof OrderStatusChangedWebhookData> = {
    orderId: o.id,
    quoteId: o.lines.length === 1 ? o.lines[0]!.quote_id : null,
    from,
    to,
    lines: o.lines.map((l) => ({
      lineId: l.id,
      lineNo: l.line_no,
      quoteId: l.quote_id,
      status: l.status,
      cancellationOutcome: l.cancellation_outcome,
    })),
    at: new Date(src.time).toISOString(),
    links: { order: `/b2b/v1/orders/${o.id}` },
  };
  return event(o.customer_id, 'order.status_changed', data, src);
}

function event(
  organisationId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
  src: SourceEvent,
): WebhookEvent {
  return {
    organisationId,
    type,
    data,
    eventId: webhookEventId(src.id, type),
    occurredAt: new Date(src.time),
  };
}
