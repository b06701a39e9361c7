import { Injectable } from '@nestjs/common';
import { QuotePriced, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../../crm.database';
import { QuotesRepository } from '../quotes.repository';

/**
 * The engine's result; a NEEDS_REVIEW quote enters the review queue (once: a review already
 * decided is not reopened by a redelivery).
 */
@Injectable()
export class QuotePricedHandler implements EventHandler<CrmDatabase, typeof QuotePriced> {
  readonly event = QuotePriced;
  constructor(private readonly quotes: QuotesRepository) {}

  async handle(
    { tx }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof QuotePriced>>,
  ) {
    const d = e.data;
    const existing = await this.quotes.lock(tx, d.quoteId);
    if (existing?.priced_at) return;
    await this.quotes.upsert(tx, d.quoteId, {
      priced_status: d.status,
      mode: d.mode,
      technology: d.technology,
      machine_id: d.machineId,
      machine_seconds: d.machineSeconds,
      model: JSON.stringify(d.model),
      price: JSON.stringify(d.price),
      review_reasons: JSON.stringify(d.reviewReasons),
      price_list_version: d.priceListVersion,
      valid_until: new Date(d.validUntil),
      priced_at: new Date(d.pricedAt),
      material_id: d.materialId,
      quantity: d.quantity,
      lead_time: d.leadTime,
      review_status: d.status === 'NEEDS_REVIEW' ? 'PENDING' : null,
    });
  }
}
