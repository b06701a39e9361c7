import { Injectable } from '@nestjs/common';
import { OrderCancelled, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { MesDatabase } from '../../mes.database';
import { OrderCancellation } from '../cancellation/order-cancellation';

/** A manager cancelled the order, or some of its lines, in the CRM. */
@Injectable()
export class OrderCancelledHandler implements EventHandler<MesDatabase, typeof OrderCancelled> {
  readonly event = OrderCancelled;
  constructor(private readonly cancellation: OrderCancellation) {}

  handle(
    { tx, events }: HandlerContext<MesDatabase>,
    e: EventEnvelope<EventData<typeof OrderCancelled>>,
  ) {
    const d = e.data;
    return this.cancellation.apply(tx, events, {
      orderId: d.orderId,
      source: 'MANAGER',
      lineIds: d.lineIds,
      reason: d.reason,
      by: d.cancelledBy,
      at: new Date(d.cancelledAt),
    });
  }
}
