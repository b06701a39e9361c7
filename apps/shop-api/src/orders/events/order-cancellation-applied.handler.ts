import { Injectable } from '@nestjs/common';
import { OrderCancellationApplied, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { ProductionProjection } from '../production.projection';

/** Production applied a cancellation: the outcome per line. */
@Injectable()
export class OrderCancellationAppliedHandler implements EventHandler<
  ShopDatabase,
  typeof OrderCancellationApplied
> {
  readonly event = OrderCancellationApplied;
  constructor(private readonly projection: ProductionProjection) {}

  handle(
    ctx: HandlerContext<ShopDatabase>,
    e: EventEnvelope<EventData<typeof OrderCancellationApplied>>,
  ) {
    return this.projection.cancellationApplied(ctx, e.data, e);
  }
}
