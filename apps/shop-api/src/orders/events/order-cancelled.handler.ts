import { Injectable } from '@nestjs/common';
import { OrderCancelled, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { OrderCancelledProjection } from '../order-cancelled.projection';

/** A manager cancelled the order or some of its lines in the CRM. */
@Injectable()
export class OrderCancelledHandler implements EventHandler<ShopDatabase, typeof OrderCancelled> {
  readonly event = OrderCancelled;
  constructor(private readonly projection: OrderCancelledProjection) {}

  handle(ctx: HandlerContext<ShopDatabase>, e: EventEnvelope<EventData<typeof OrderCancelled>>) {
    return this.projection.apply(
      ctx.tx,
      {
        orderId: e.data.orderId,
        lineIds: e.data.lineIds,
        reason: e.data.reason,
        at: new Date(e.data.cancelledAt),
        version: e.version,
        kind: 'cancelled',
        event: e,
      },
      ctx.afterCommit,
    );
  }
}
