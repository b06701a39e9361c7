import { Injectable } from '@nestjs/common';
import { QuoteFailed, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { QuoteProjection } from '../quote.projection';

@Injectable()
export class QuoteFailedHandler implements EventHandler<ShopDatabase, typeof QuoteFailed> {
  readonly event = QuoteFailed;
  constructor(private readonly projection: QuoteProjection) {}

  handle(ctx: HandlerContext<ShopDatabase>, e: EventEnvelope<EventData<typeof QuoteFailed>>) {
    return this.projection.apply(ctx, e, { kind: 'failed', data: e.data });
  }
}
