import { Injectable } from '@nestjs/common';
import { OrderApprovedV2, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import { OrderJourneyMetrics } from '@fabflow/platform';
import type { MesDatabase } from '../../mes.database';
import { OrderScheduling } from '../scheduling/order-scheduling';

/** Queues one work order per line of an approved order (once, whatever the redeliveries). */
@Injectable()
export class OrderApprovedV2Handler implements EventHandler<MesDatabase, typeof OrderApprovedV2> {
  readonly event = OrderApprovedV2;
  constructor(
    private readonly scheduling: OrderScheduling,
    private readonly journey: OrderJourneyMetrics,
  ) {}

  async handle(
    { tx, events, logger, afterCommit }: HandlerContext<MesDatabase>,
    e: EventEnvelope<EventData<typeof OrderApprovedV2>>,
  ) {
    const d = e.data;
    await this.scheduling.schedule(tx, events, logger, {
      orderId: d.orderId,
      customerId: d.customerId,
      channel: d.channel,
      lines: d.lines,
      dueAt: d.dueAt,
      priority: d.priority,
    });
    // The approval's event time: when the manager's decision committed in the CRM.
    afterCommit(() => this.journey.observe('approved_to_mes', e.time));
  }
}
