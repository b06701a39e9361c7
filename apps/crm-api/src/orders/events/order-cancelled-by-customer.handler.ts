import { Injectable } from '@nestjs/common';
import { OrderCancelledByCustomer, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../../crm.database';
import { OrderCancellationService } from '../order-cancellation.service';
import { TimelineRepository } from '../timeline.repository';

/** The customer cancelled in the shop: the manager's view follows. */
@Injectable()
export class OrderCancelledByCustomerHandler implements EventHandler<
  CrmDatabase,
  typeof OrderCancelledByCustomer
> {
  readonly event = OrderCancelledByCustomer;
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly cancellation: OrderCancellationService,
  ) {}

  async handle(
    { tx }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof OrderCancelledByCustomer>>,
  ) {
    const d = e.data;
    await this.timeline.record(tx, d.orderId, e);
    await this.cancellation.cancelledByCustomer(tx, d.orderId, {
      actorId: d.customerId,
      reason: d.reason,
      at: new Date(d.cancelledAt),
    });
  }
}
