import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { OrderReceived, type OrderLine, type SalesChannel } from '@fabflow/contracts';
import type { AfterCommit, EventEnvelope, EventSink } from '@fabflow/messaging';
import { OrderJourneyMetrics } from '@fabflow/platform';
import type { z } from 'zod';
import type { CrmDatabase } from '../crm.database';
import { OrderLinesRepository } from './order-lines.repository';
import { OrdersRepository } from './orders.repository';
import { TimelineRepository } from './timeline.repository';

export interface PlacedOrder {
  orderId: string;
  customerId: string;
  channel: SalesChannel;
  lines: ReadonlyArray<z.output<typeof OrderLine>>;
  subtotalCents: number;
  minimumOrderSurchargeCents: number;
  totalCents: number;
  currency: string;
  placedAt: string;
}

/**
 * Puts a placed order with its lines in front of a manager, once whatever the redeliveries, and
 * tells the shop it awaits confirmation. Both versions of `OrderPlaced` arrive here.
 */
@Injectable()
export class OrderIntake {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly lines: OrderLinesRepository,
    private readonly timeline: TimelineRepository,
    private readonly journey: OrderJourneyMetrics,
  ) {}

  async receive(
    {
      tx,
      events,
      afterCommit,
    }: { tx: Transaction<CrmDatabase>; events: EventSink; afterCommit: AfterCommit },
    e: EventEnvelope,
    o: PlacedOrder,
  ): Promise<void> {
    await this.timeline.record(tx, o.orderId, e);
    const created = await this.orders.insertIfAbsent(tx, {
      id: o.orderId,
      customer_id: o.customerId,
      channel: o.channel,
      status: 'AWAITING_CONFIRMATION',
      subtotal_cents: o.subtotalCents,
      minimum_order_surcharge_cents: o.minimumOrderSurchargeCents,
      total_cents: o.totalCents,
      currency: o.currency,
      approved_by: null,
      note: null,
      cancelled_by: null,
      cancellation_reason: null,
      cancelled_at: null,
      placed_at: new Date(o.placedAt),
    });
    if (!created) return;
    await this.lines.insert(
      tx,
      o.lines.map((l) => ({
        id: l.lineId,
        order_id: o.orderId,
        line_no: l.lineNo,
        quote_id: l.quoteId,
        sku: null,
        name: l.name,
        material: l.material,
        quantity: l.quantity,
        unit_price_cents: l.unitPriceCents,
        total_cents: l.totalCents,
        cancellation_outcome: null,
      })),
    );
    const received = await events.emit(
      OrderReceived,
      { orderId: o.orderId, status: 'AWAITING_CONFIRMATION' },
      { subject: o.orderId, version: 1 },
    );
    await this.timeline.record(tx, o.orderId, received);
    afterCommit(() => this.journey.observe('placed_to_crm', o.placedAt));
  }
}
