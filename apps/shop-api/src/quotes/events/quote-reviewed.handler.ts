import { Injectable } from '@nestjs/common';
import { QuoteReviewed, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { QuoteReviewProjection } from '../quote-review.projection';

/** A manager reviewed a NEEDS_REVIEW quote in the CRM. */
@Injectable()
export class QuoteReviewedHandler implements EventHandler<ShopDatabase, typeof QuoteReviewed> {
  readonly event = QuoteReviewed;
  constructor(private readonly projection: QuoteReviewProjection) {}

  handle(ctx: HandlerContext<ShopDatabase>, e: EventEnvelope<EventData<typeof QuoteReviewed>>) {
    return this.projection.apply(ctx, e);
  }
}
