import { Injectable } from '@nestjs/common';
import { WorkOrderStatusChangedV2, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { ProductionProjection } from '../production.projection';

/** A work order moved: its line's and its order's derived statuses, each by its own version. */
@Injectable()
export class WorkOrderStatusChangedHandler implements EventHandler<
  ShopDatabase,
  typeof WorkOrderStatusChangedV2
> {
  readonly event = WorkOrderStatusChangedV2;
  constructor(private readonly projection: ProductionProjection) {}

  handle(
    ctx: HandlerContext<ShopDatabase>,
    e: EventEnvelope<EventData<typeof WorkOrderStatusChangedV2>>,
  ) {
    return this.projection.workOrderChanged(ctx, e.data, e);
  }
}
