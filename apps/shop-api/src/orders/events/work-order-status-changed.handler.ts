import { Injectable } from '@nestjs/common';
import { WorkOrderStatusChanged, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { OrderStatusProjection } from '../order-status.projection';

@Injectable()
export class WorkOrderStatusChangedHandler implements EventHandler<
  ShopDatabase,
  typeof WorkOrderStatusChanged
> {
  readonly event = WorkOrderStatusChanged;
  constructor(private readonly projection: OrderStatusProjection) {}

  handle(
    ctx: HandlerContext<ShopDatabase>,
    e: EventEnvelope<EventData<typeof WorkOrderStatusChanged>>,
  ) {
    return this.projection.apply(
      ctx.tx,
      {
        orderId: e.data.orderId,
        target: e.data.orderStatus,
        stream: 'workOrder',
        version: e.version,
        source: 'mes',
        note: `production: ${e.data.to}`,
        eventId: e.id,
        occurredAt: e.time,
      },
      ctx.logger,
    );
  }
}
