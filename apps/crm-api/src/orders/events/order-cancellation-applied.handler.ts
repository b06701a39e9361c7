import { Injectable } from '@nestjs/common';
import { OrderCancellationApplied, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../../crm.database';
import { OrderLinesRepository } from '../order-lines.repository';
import { TimelineRepository } from '../timeline.repository';
import { ProductionProjection } from './production.projection';

/** What the MES did with each line of a cancellation: recorded per line, with the order's status. */
@Injectable()
export class OrderCancellationAppliedHandler implements EventHandler<
  CrmDatabase,
  typeof OrderCancellationApplied
> {
  readonly event = OrderCancellationApplied;
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly lines: OrderLinesRepository,
    private readonly production: ProductionProjection,
  ) {}

  async handle(
    { tx, logger }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof OrderCancellationApplied>>,
  ) {
    const d = e.data;
    await this.timeline.record(tx, d.orderId, e);
    for (const l of d.lines)
      await this.lines.update(tx, l.lineId, {
        cancellation_outcome: l.outcome,
        // Shipped while the cancellation was on its way: the line is not cancelled after all.
        ...(l.outcome === 'ALREADY_SHIPPED' ? { status: 'SHIPPED' as const } : {}),
      });
    await this.production.order(tx, d.orderId, d.orderStatus, d.orderVersion, logger);
  }
}
