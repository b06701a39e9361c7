import { Injectable } from '@nestjs/common';
import { OrderReceived, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { OrderStatusProjection } from '../order-status.projection';

@Injectable()
export class OrderReceivedHandler implements EventHandler<ShopDatabase, typeof OrderReceived> {
  readonly event = OrderReceived;
  constructor(private readonly projection: OrderStatusProjection) {}

  handle(ctx: HandlerContext<ShopDatabase>, e: EventEnvelope<EventData<typeof OrderReceived>>) {
    return this.projection.apply(
      ctx.tx,
      {
        orderId: e.data.orderId,
        target: 'AWAITING_CONFIRMATION',
        stream: 'crm',
        version: e.version,
        source: 'crm',
        note: null,
        event: e,
      },
      ctx.logger,
    );
  }
}
