import type { LeadTimeTier } from '@fabflow/contracts';
import type { CrmQuoteRow } from './quotes.repository';

/** The reviewer's view of a quote (only rows `QuotesRepository` returns as reviews). */
export function toQuoteReviewView(q: CrmQuoteRow) {
  return {
    quoteId: q.id,
    customerId: q.customer_id!,
    channel: q.channel!,
    filename: q.filename ?? '',
    materialId: q.material_id!,
    technology: q.technology!,
    quantity: q.quantity!,
    leadTime: q.lead_time! as LeadTimeTier,
    model: q.model!,
    reasons: q.review_reasons ?? [],
    proposedPrice: q.price!,
    machineId: q.machine_id,
    machineSeconds: q.machine_seconds,
    priceListVersion: q.price_list_version!,
    pricedAt: q.priced_at!.toISOString(),
    status: q.review_status!,
    decision:
      q.reviewed_at && q.reviewed_by
        ? {
            reviewedBy: q.reviewed_by,
            reason: q.review_reason,
            price: q.reviewed_price,
            leadTime: q.reviewed_lead_time as LeadTimeTier | null,
            at: q.reviewed_at.toISOString(),
          }
        : null,
  };
}
