import type { z } from 'zod';
import type { QuoteStatus, QuoteView } from '@fabflow/contracts';
import { EXPIRING_STATUSES, type QuoteWithFile } from './quotes.repository';

/**
 * The status a customer sees: a priced quote past its validUntil is EXPIRED from that moment,
 * whether or not the periodic sweep has written it yet.
 */
export function effectiveStatus(
  q: Pick<QuoteWithFile, 'status' | 'valid_until'>,
  now: Date,
): QuoteStatus {
  const expiring = (EXPIRING_STATUSES as readonly QuoteStatus[]).includes(q.status);
  return expiring && q.valid_until !== null && q.valid_until <= now ? 'EXPIRED' : q.status;
}

/**
 * Whether the quote will change no more by itself (the progress stream ends): its calculation
 * is over and, for a NEEDS_REVIEW quote, so is its review (READY or FAILED by a manager).
 */
export const isSettled = (status: QuoteStatus) =>
  status !== 'DRAFT' && status !== 'CALCULATING' && status !== 'NEEDS_REVIEW';

export function toQuoteView(q: QuoteWithFile, now = new Date()): z.infer<typeof QuoteView> {
  return {
    id: q.id,
    status: effectiveStatus(q, now),
    mode: q.mode,
    priceMode: q.price_mode,
    fileId: q.file_id,
    filename: q.filename,
    materialId: q.material_id,
    quantity: q.quantity,
    leadTime: q.lead_time,
    progress: {
      stage: q.progress_stage,
      fraction: q.progress_fraction,
      overall: q.progress_overall,
      updatedAt: q.progress_at?.toISOString() ?? null,
    },
    price: q.price,
    priceSource: q.price ? (q.price_source ?? 'ENGINE') : null,
    model: q.model,
    reviewReasons: q.review_reasons,
    review:
      q.review_decision && q.reviewed_at
        ? {
            decision: q.review_decision,
            reason: q.review_reason,
            reviewedAt: q.reviewed_at.toISOString(),
          }
        : null,
    failure:
      q.failure_code !== null ? { code: q.failure_code, reason: q.failure_reason ?? '' } : null,
    validUntil: q.valid_until?.toISOString() ?? null,
    createdAt: q.created_at.toISOString(),
    updatedAt: q.updated_at.toISOString(),
  };
}
