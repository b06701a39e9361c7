import { Injectable } from '@nestjs/common';
import { OrderApprovedV2, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { OrderStatusProjection } from '../order-status.projection';
import { confirmed } from './order-approved.handler';

/** A manager approved the order (with every line): CONFIRMED. */
@Injectable()
export class OrderApprovedV2Handler implements EventHandler<ShopDatabase, typeof OrderApprovedV2> {
  readonly event = OrderApprovedV2;
  constructor(private readonly projection: OrderStatusProjection) {}

  handle(ctx: HandlerContext<ShopDatabase>, e: EventEnvelope<EventData<typeof OrderApprovedV2>>) {
    return this.projection.apply(ctx.tx, confirmed(e), ctx.logger);
  }
}
