import { Injectable } from '@nestjs/common';
import { QuoteRequested, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../../crm.database';
import { QuotesRepository } from '../quotes.repository';

/** Who asked for a price of which file: what a reviewer needs beside the engine's result. */
@Injectable()
export class QuoteRequestedHandler implements EventHandler<CrmDatabase, typeof QuoteRequested> {
  readonly event = QuoteRequested;
  constructor(private readonly quotes: QuotesRepository) {}

  async handle(
    { tx }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof QuoteRequested>>,
  ) {
    const d = e.data;
    await this.quotes.upsert(tx, d.quoteId, {
      customer_id: d.customerId,
      channel: d.channel,
      filename: d.file.filename,
      file: JSON.stringify(d.file),
      material_id: d.materialId,
      quantity: d.quantity,
      lead_time: d.leadTime,
      requested_at: new Date(d.requestedAt),
    });
  }
}
