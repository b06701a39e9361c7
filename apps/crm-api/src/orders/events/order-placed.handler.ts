import { Injectable } from '@nestjs/common';
import { OrderPlaced, OrderReceived, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import { OrderJourneyMetrics } from '@fabflow/platform';
import type { CrmDatabase } from '../../crm.database';
import { OrdersRepository } from '../orders.repository';
import { TimelineRepository } from '../timeline.repository';

/** Puts a new order in front of a manager and tells the shop it awaits confirmation. */
@Injectable()
export class OrderPlacedHandler implements EventHandler<CrmDatabase, typeof OrderPlaced> {
  readonly event = OrderPlaced;
  constructor(
    private readonly orders: OrdersRepository,
    private readonly timeline: TimelineRepository,
    private readonly journey: OrderJourneyMetrics,
  ) {}

  async handle(
    { tx, events, afterCommit }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof OrderPlaced>>,
  ) {
    const d = e.data;
    await this.timeline.record(tx, d.orderId, e);
    const created = await this.orders.insertIfAbsent(tx, {
      id: d.orderId,
      customer_id: d.customerId,
      status: 'AWAITING_CONFIRMATION',
      item: d.item,
      quote_id: d.item.quoteId,
      sku: null,
      material: d.item.material,
      quantity: d.item.quantity,
      total_cents: d.totalCents,
      currency: d.currency,
      work_order_status: null,
      approved_by: null,
      note: null,
      placed_at: new Date(d.placedAt),
    });
    if (!created) return;
    const received = await events.emit(
      OrderReceived,
      { orderId: d.orderId, status: 'AWAITING_CONFIRMATION' },
      { subject: d.orderId, version: 1 },
    );
    await this.timeline.record(tx, d.orderId, received);
    afterCommit(() => this.journey.observe('placed_to_crm', d.placedAt));
  }
}
