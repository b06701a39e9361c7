import { Injectable } from '@nestjs/common';
import { QuoteProgressed, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { QuoteProjection } from '../quote.projection';

@Injectable()
export class QuoteProgressedHandler implements EventHandler<ShopDatabase, typeof QuoteProgressed> {
  readonly event = QuoteProgressed;
  constructor(private readonly projection: QuoteProjection) {}

  handle(ctx: HandlerContext<ShopDatabase>, e: EventEnvelope<EventData<typeof QuoteProgressed>>) {
    return this.projection.apply(ctx, e, { kind: 'progressed', data: e.data });
  }
}
