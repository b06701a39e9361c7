import { Inject, Injectable } from '@nestjs/common';
import { OrderCancelledByCustomer, type OrderStatus } from '@fabflow/contracts';
import type { UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import type { ShopDatabase } from '../shop.database';
import { CancellationRefused } from './order.errors';
import { OrderLinesRepository, type OrderLineChange } from './order-lines.repository';
import { OrderUpdates } from './order-updates';
import { OrdersRepository } from './orders.repository';
import { QuoteRelease } from './quote-release';

/** Until production starts on a line (as the shop has heard), the customer may cancel. */
const CANCELLABLE: readonly OrderStatus[] = ['PLACED', 'AWAITING_CONFIRMATION', 'CONFIRMED'];

/**
 * The customer's cancellation of a whole order, allowed while the order is not yet in
 * production and no line has started (per the shop's projection): the order and its lines
 * CANCELLED, the lines' quotes released (READY again while valid, else EXPIRED) and
 * `OrderCancelledByCustomer` in one transaction. The MES copes with the race of a line started
 * meanwhile (it holds that part, "order cancelled", and says so in OrderCancellationApplied).
 */
@Injectable()
export class OrderCancellation {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly lines: OrderLinesRepository,
    private readonly updates: OrderUpdates,
    private readonly release: QuoteRelease,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<ShopDatabase>,
  ) {}

  /** Cancels the order of `ownerId` (a customer or a B2B organisation). */
  async cancel(orderId: string, ownerId: string, reason: string | null): Promise<void> {
    annotateContext('order_id', orderId);
    await this.uow.run(async (tx, events, afterCommit) => {
      const order = await this.orders.lockForUpdate(tx, orderId, ownerId);
      if (!order) throw new CancellationRefused({ reason: 'order-not-found', orderId });
      const lines = await this.lines.ofOrder(orderId, tx);
      const started = lines.filter((l) => l.status !== 'PENDING' && l.status !== 'CANCELLED');
      if (!CANCELLABLE.includes(order.status) || started.length > 0)
        throw new CancellationRefused({
          reason: 'order-not-cancellable',
          orderId,
          status: order.status,
          started: started.map((l) => ({ lineNo: l.line_no, status: l.status })),
        });
      const at = new Date();
      const e = await events.emit(
        OrderCancelledByCustomer,
        { orderId, customerId: order.customer_id, reason, cancelledAt: at.toISOString() },
        { subject: orderId, version: 2 },
      );
      const open = lines.filter((l) => l.status === 'PENDING');
      const cancelled: OrderLineChange = { status: 'CANCELLED' };
      await this.updates.commit(tx, {
        order,
        lines,
        status: 'CANCELLED',
        fields: { cancelled_by: 'CUSTOMER', cancellation_reason: reason, cancelled_at: at },
        lineChanges: new Map(open.map((l) => [l.id, cancelled])),
        source: 'customer',
        note: reason ? `cancelled by the customer: ${reason}` : 'cancelled by the customer',
        event: { id: e.id, time: e.time },
      });
      const quoteIds = open.flatMap((l) => (l.quote_id ? [l.quote_id] : []));
      await this.release.release(tx, quoteIds, afterCommit, at);
    });
  }
}
