import { Injectable } from '@nestjs/common';
import { linesOfLegacyOrder, OrderApproved, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import { OrderJourneyMetrics } from '@fabflow/platform';
import type { MesDatabase } from '../../mes.database';
import { OrderScheduling } from '../scheduling/order-scheduling';

/**
 * Version 1 of an approval (one `item`), still accepted for messages in flight: its one line
 * has the order's id, as every consumer reads a v1 order (`linesOfLegacyOrder`).
 */
@Injectable()
export class OrderApprovedHandler implements EventHandler<MesDatabase, typeof OrderApproved> {
  readonly event = OrderApproved;
  constructor(
    private readonly scheduling: OrderScheduling,
    private readonly journey: OrderJourneyMetrics,
  ) {}

  async handle(
    { tx, events, logger, afterCommit }: HandlerContext<MesDatabase>,
    e: EventEnvelope<EventData<typeof OrderApproved>>,
  ) {
    const d = e.data;
    await this.scheduling.schedule(tx, events, logger, {
      orderId: d.orderId,
      customerId: d.customerId,
      channel: null,
      lines: linesOfLegacyOrder(d),
      dueAt: d.dueAt,
      priority: d.priority,
    });
    // The approval's event time: when the manager's decision committed in the CRM.
    afterCommit(() => this.journey.observe('approved_to_mes', e.time));
  }
}
