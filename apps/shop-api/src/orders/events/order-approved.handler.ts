import { Injectable } from '@nestjs/common';
import { OrderApproved, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { OrderStatusProjection } from '../order-status.projection';

@Injectable()
export class OrderApprovedHandler implements EventHandler<ShopDatabase, typeof OrderApproved> {
  readonly event = OrderApproved;
  constructor(private readonly projection: OrderStatusProjection) {}

  handle(ctx: HandlerContext<ShopDatabase>, e: EventEnvelope<EventData<typeof OrderApproved>>) {
    return this.projection.apply(
      ctx.tx,
      {
        orderId: e.data.orderId,
        target: 'CONFIRMED',
        stream: 'crm',
        version: e.version,
        source: 'crm',
        note: `confirmed; due ${e.data.dueAt.slice(0, 10)}`,
        eventId: e.id,
        occurredAt: e.time,
      },
      ctx.logger,
    );
  }
}
