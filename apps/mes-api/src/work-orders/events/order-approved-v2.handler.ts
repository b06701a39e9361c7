import { Injectable } from '@nestjs/common';
import { OrderApprovedV2, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { MesDatabase } from '../../mes.database';
import { OrderScheduling } from '../scheduling/order-scheduling';

/** Queues one work order per line of an approved order (once, whatever the redeliveries). */
@Injectable()
export class OrderApprovedV2Handler implements EventHandler<MesDatabase, typeof OrderApprovedV2> {
  readonly event = OrderApprovedV2;
  constructor(private readonly scheduling: OrderScheduling) {}

  handle(
    { tx, events, logger }: HandlerContext<MesDatabase>,
    e: EventEnvelope<EventData<typeof OrderApprovedV2>>,
  ) {
    const d = e.data;
    return this.scheduling.schedule(tx, events, logger, {
      orderId: d.orderId,
      customerId: d.customerId,
      channel: d.channel,
      lines: d.lines,
      dueAt: d.dueAt,
      priority: d.priority,
    });
  }
}
