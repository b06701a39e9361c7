import { Injectable } from '@nestjs/common';
import { OrderRejected, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { OrderCancelledProjection } from '../order-cancelled.projection';

/** A manager rejected the order: CANCELLED as a whole, its quotes released. */
@Injectable()
export class OrderRejectedHandler implements EventHandler<ShopDatabase, typeof OrderRejected> {
  readonly event = OrderRejected;
  constructor(private readonly projection: OrderCancelledProjection) {}

  handle(ctx: HandlerContext<ShopDatabase>, e: EventEnvelope<EventData<typeof OrderRejected>>) {
    return this.projection.apply(
      ctx.tx,
      {
        orderId: e.data.orderId,
        lineIds: null,
        reason: e.data.reason,
        at: new Date(e.time),
        version: e.version,
        kind: 'rejected',
        event: e,
      },
      ctx.afterCommit,
    );
  }
}
