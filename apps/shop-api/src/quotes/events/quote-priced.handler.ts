import { Injectable } from '@nestjs/common';
import { QuotePriced, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { QuoteProjection } from '../quote.projection';

@Injectable()
export class QuotePricedHandler implements EventHandler<ShopDatabase, typeof QuotePriced> {
  readonly event = QuotePriced;
  constructor(private readonly projection: QuoteProjection) {}

  handle(ctx: HandlerContext<ShopDatabase>, e: EventEnvelope<EventData<typeof QuotePriced>>) {
    return this.projection.apply(ctx, e, { kind: 'priced', data: e.data });
  }
}
