import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { QuoteReviewed, type EventData, type LeadTimeTier } from '@fabflow/contracts';
import type { UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { APP_CONFIG, UNIT_OF_WORK } from '@fabflow/platform';
import type { CrmDatabase } from '../crm.database';
import {
  QuotesRepository,
  type CrmQuoteRow,
  type ReviewCursor,
  type ReviewStatus,
} from './quotes.repository';
import { reviewedPrice } from './review-price';

export interface ApproveReview {
  unitPriceCents?: number;
  leadTime?: LeadTimeTier;
  reason?: string;
}

/**
 * A manager's review of a NEEDS_REVIEW quote, decided once: approved (READY, FIRM, at the
 * engine's or an adjusted price) or rejected with a reason the customer can act on. The decision
 * and `QuoteReviewed` commit together; the shop and the MES follow the event.
 */
@Injectable()
export class QuoteReviewsService {
  constructor(
    private readonly quotes: QuotesRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<CrmDatabase>,
    @Inject(APP_CONFIG) private readonly config: { REVIEWED_QUOTE_VALID_DAYS: number },
  ) {}

  async get(quoteId: string): Promise<CrmQuoteRow> {
    const q = await this.quotes.findReview(quoteId);
    if (!q) throw new NotFoundException(`no review of quote ${quoteId}`);
    return q;
  }

  list(status: ReviewStatus, limit: number, after?: ReviewCursor) {
    return this.quotes.listReviews(status, limit, after);
  }

  approve(quoteId: string, managerId: string, input: ApproveReview): Promise<void> {
    return this.decide(quoteId, managerId, (q, now) => {
      const price = reviewedPrice(q.price!, q.quantity!, input.unitPriceCents);
      const validUntil = new Date(
        now.getTime() + this.config.REVIEWED_QUOTE_VALID_DAYS * 86_400_000,
      );
      return {
        decision: 'APPROVED',
        reason: input.reason ?? null,
        price,
        leadTime: input.leadTime ?? (q.lead_time as LeadTimeTier),
        validUntil: validUntil.toISOString(),
      };
    });
  }

  reject(quoteId: string, managerId: string, reason: string): Promise<void> {
    return this.decide(quoteId, managerId, () => ({
      decision: 'REJECTED',
      reason,
      price: null,
      leadTime: null,
      validUntil: null,
    }));
  }

  private async decide(
    quoteId: string,
    managerId: string,
    decision: (
      q: CrmQuoteRow,
      now: Date,
    ) => Pick<
      EventData<typeof QuoteReviewed>,
      'decision' | 'reason' | 'price' | 'leadTime' | 'validUntil'
    >,
  ): Promise<void> {
    annotateContext('quote_id', quoteId);
    await this.uow.run(async (tx, events) => {
      const q = await this.pending(tx, quoteId);
      const now = new Date();
      const d = decision(q, now);
      const version = await this.quotes.update(tx, quoteId, {
        review_status: d.decision,
        reviewed_by: managerId,
        review_reason: d.reason,
        reviewed_price: d.price ? JSON.stringify(d.price) : null,
        reviewed_lead_time: d.leadTime,
        reviewed_at: now,
      });
      await events.emit(
        QuoteReviewed,
        {
          quoteId,
          customerId: q.customer_id!,
          reviewedBy: managerId,
          reviewedAt: now.toISOString(),
          ...d,
        },
        { subject: quoteId, version },
      );
    });
  }

  /** The review, locked; 404 if there is none, 409 once it is decided. */
  private async pending(tx: Transaction<CrmDatabase>, quoteId: string): Promise<CrmQuoteRow> {
    const q = await this.quotes.lock(tx, quoteId);
    if (!q?.review_status || !q.customer_id || !q.priced_at)
      throw new NotFoundException(`no review of quote ${quoteId}`);
    if (q.review_status !== 'PENDING')
      throw new ConflictException(
        `the review of quote ${quoteId} was already decided: ${q.review_status} at ${q.reviewed_at?.toISOString() ?? '?'}`,
      );
    return q;
  }
}
