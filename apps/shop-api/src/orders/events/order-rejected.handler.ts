import { Injectable } from '@nestjs/common';
import { OrderRejected, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { OrderStatusProjection } from '../order-status.projection';

@Injectable()
export class OrderRejectedHandler implements EventHandler<ShopDatabase, typeof OrderRejected> {
  readonly event = OrderRejected;
  constructor(private readonly projection: OrderStatusProjection) {}

  handle(ctx: HandlerContext<ShopDatabase>, e: EventEnvelope<EventData<typeof OrderRejected>>) {
    return this.projection.apply(
      ctx.tx,
      {
        orderId: e.data.orderId,
        target: 'CANCELLED',
        stream: 'crm',
        version: e.version,
        source: 'crm',
        note: e.data.reason,
        eventId: e.id,
        occurredAt: e.time,
      },
      ctx.logger,
    );
  }
}
