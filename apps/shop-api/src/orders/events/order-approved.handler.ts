import { Injectable } from '@nestjs/common';
import { OrderApproved, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { ShopDatabase } from '../../shop.database';
import { OrderStatusProjection } from '../order-status.projection';

/** Version 1 (one item), for approvals still in flight from before order lines. */
@Injectable()
export class OrderApprovedHandler implements EventHandler<ShopDatabase, typeof OrderApproved> {
  readonly event = OrderApproved;
  constructor(private readonly projection: OrderStatusProjection) {}

  handle(ctx: HandlerContext<ShopDatabase>, e: EventEnvelope<EventData<typeof OrderApproved>>) {
    return this.projection.apply(ctx.tx, confirmed(e), ctx.logger);
  }
}

/** The order CONFIRMED, with its due date in the history. */
export function confirmed(e: EventEnvelope<{ orderId: string; dueAt: string }>) {
  return {
    orderId: e.data.orderId,
    target: 'CONFIRMED' as const,
    stream: 'crm' as const,
    version: e.version,
    source: 'crm',
    note: `confirmed; due ${e.data.dueAt.slice(0, 10)}`,
    event: e,
  };
}
