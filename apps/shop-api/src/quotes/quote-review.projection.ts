import { Injectable } from '@nestjs/common';
import { QUOTE_TRANSITIONS, type EventData, type QuoteReviewed } from '@fabflow/contracts';
import { PermanentError, type EventEnvelope, type HandlerContext } from '@fabflow/messaging';
import { Notifications } from '../notifications/notifications';
import type { ShopDatabase } from '../shop.database';
import { QuoteMetrics } from './quote-metrics';
import { QuoteNotifier } from './quote-notifier';
import { effectiveStatus } from './quote.mapper';
import { QuotesRepository, type QuoteChange } from './quotes.repository';

type Review = EventData<typeof QuoteReviewed>;

/** The failure code of a quote a manager rejected in review (the reason is the manager's). */
export const REJECTED_IN_REVIEW = 'REJECTED_IN_REVIEW';

/**
 * Applies a manager's review (`QuoteReviewed`) to a NEEDS_REVIEW quote: approved, it is READY
 * at the reviewed price, FIRM, with price source REVIEWED, the reviewed lead time and a new
 * validUntil; rejected, FAILED with the manager's reason. The review is decided once in the CRM
 * (its own versions are not the MES's, so the quote's status guards it, not a version): a quote
 * no longer NEEDS_REVIEW (expired, say) ignores it; one not priced yet waits for its price
 * (the error retries the message). The customer's open streams and, for B2B, the
 * `quote.completed` / `quote.failed` webhooks hear of it as of a priced or failed quote.
 */
@Injectable()
export class QuoteReviewProjection {
  constructor(
    private readonly quotes: QuotesRepository,
    private readonly notifier: QuoteNotifier,
    private readonly metrics: QuoteMetrics,
    private readonly notifications: Notifications,
  ) {}

  async apply(
    { tx, logger, afterCommit }: HandlerContext<ShopDatabase>,
    e: EventEnvelope<Review>,
  ): Promise<void> {
    const d = e.data;
    const quote = await this.quotes.lock(tx, d.quoteId);
    if (!quote) throw new Error(`quote ${d.quoteId} not found in the shop`);
    if (quote.customer_id !== d.customerId)
      throw new PermanentError(`QuoteReviewed for quote ${d.quoteId} names another customer`);
    const status = effectiveStatus(quote, new Date());
    if (status === 'DRAFT' || status === 'CALCULATING')
      throw new Error(`quote ${d.quoteId} is ${status}: its price has not arrived yet`);
    const to = d.decision === 'APPROVED' ? 'READY' : 'FAILED';
    if (status !== 'NEEDS_REVIEW' || !QUOTE_TRANSITIONS[status].includes(to)) {
      logger.info({ quoteId: d.quoteId, status }, 'review of a quote no longer in review ignored');
      return;
    }
    await this.quotes.update(tx, d.quoteId, change(d, quote.lead_time, quote.valid_until));
    const now = (await this.quotes.lock(tx, d.quoteId))!;
    if (to === 'READY') await this.notifications.quoteCompleted(tx, now, e);
    else await this.notifications.quoteFailed(tx, now, e);
    afterCommit(() => {
      this.notifier.changed(d.quoteId);
      this.metrics.outcome(to);
    });
  }
}

function change(
  d: Review,
  leadTime: QuoteChange['lead_time'],
  validUntil: Date | null,
): QuoteChange {
  const review = {
    review_decision: d.decision,
    review_reason: d.reason,
    reviewed_at: new Date(d.reviewedAt),
  };
  if (d.decision === 'REJECTED')
    return {
      ...review,
      status: 'FAILED',
      failure_code: REJECTED_IN_REVIEW,
      failure_reason: d.reason ?? 'rejected in review',
    };
  return {
    ...review,
    status: 'READY',
    price_mode: 'FIRM',
    price: JSON.stringify(d.price),
    price_source: 'REVIEWED',
    lead_time: d.leadTime ?? leadTime,
    valid_until: d.validUntil ? new Date(d.validUntil) : validUntil,
  };
}
