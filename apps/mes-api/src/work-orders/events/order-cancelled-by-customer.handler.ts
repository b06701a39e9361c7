import { Injectable } from '@nestjs/common';
import { OrderCancelledByCustomer, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { MesDatabase } from '../../mes.database';
import { OrderCancellation } from '../cancellation/order-cancellation';

/** The customer cancelled the whole order in the shop (before production, as the shop saw it). */
@Injectable()
export class OrderCancelledByCustomerHandler implements EventHandler<
  MesDatabase,
  typeof OrderCancelledByCustomer
> {
  readonly event = OrderCancelledByCustomer;
  constructor(private readonly cancellation: OrderCancellation) {}

  handle(
    { tx, events }: HandlerContext<MesDatabase>,
    e: EventEnvelope<EventData<typeof OrderCancelledByCustomer>>,
  ) {
    const d = e.data;
    return this.cancellation.apply(tx, events, {
      orderId: d.orderId,
      source: 'CUSTOMER',
      lineIds: null,
      reason: d.reason,
      by: d.customerId,
      at: new Date(d.cancelledAt),
    });
  }
}
