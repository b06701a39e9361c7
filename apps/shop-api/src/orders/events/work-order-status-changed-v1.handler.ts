import { Injectable } from '@nestjs/common';
import { WorkOrderStatusChanged, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { OrderStatusProjection } from '../order-status.projection';

/**
 * Version 1, for production events still in flight from before order lines: the order had one
 * work order (its versions order its events) and one line, which follows it.
 */
@Injectable()
export class WorkOrderStatusChangedV1Handler implements EventHandler<
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
        workOrderStatus: e.data.to,
        event: e,
      },
      ctx.logger,
    );
  }
}
