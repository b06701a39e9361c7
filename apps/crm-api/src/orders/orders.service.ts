import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  assertTransition,
  OrderApprovedV2,
  OrderRejected,
  ORDER_TRANSITIONS,
} from '@fabflow/contracts';
import type { UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import type { CrmDatabase } from '../crm.database';
import { toCrmOrderView } from './order.mapper';
import { OrderLinesRepository } from './order-lines.repository';
import { OrdersRepository } from './orders.repository';
import { TimelineRepository } from './timeline.repository';
import { WorkOrdersRepository } from './work-orders.repository';

@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly lines: OrderLinesRepository,
    private readonly workOrders: WorkOrdersRepository,
    private readonly timeline: TimelineRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<CrmDatabase>,
  ) {}

  /** The manager's view of one order: its lines, each with its work orders. */
  async view(id: string) {
    const order = await this.orders.find(id);
    if (!order) throw new NotFoundException(`order ${id} not found`);
    const [lines, workOrders] = await Promise.all([
      this.lines.ofOrder(id),
      this.workOrders.ofOrder(id),
    ]);
    return toCrmOrderView(order, lines, workOrders);
  }

  async list(status: Parameters<OrdersRepository['list']>[0], limit: number) {
    const orders = await this.orders.list(status, limit);
    const lines = await this.lines.ofOrders(orders.map((o) => o.id));
    return orders.map((o) => toCrmOrderView(o, lines.get(o.id) ?? []));
  }

  async timelineOf(id: string) {
    if (!(await this.orders.find(id))) throw new NotFoundException(`order ${id} not found`);
    return this.timeline.list(id);
  }

  /** CONFIRMED + `OrderApproved` with every line (the MES queues one work order each), at once. */
  async approve(
    id: string,
    managerId: string,
    input: { priority: 'NORMAL' | 'RUSH'; dueInDays: number; note?: string },
  ) {
    annotateContext('order_id', id);
    return this.uow.run(async (tx, events) => {
      const order = await this.orders.lock(tx, id);
      if (!order) throw new NotFoundException(`order ${id} not found`);
      assertTransition('order', ORDER_TRANSITIONS, order.status, 'CONFIRMED');
      const version = await this.orders.update(tx, id, {
        status: 'CONFIRMED',
        approved_by: managerId,
        note: input.note ?? order.note,
      });
      const lines = await this.lines.ofOrder(id, tx);
      if (lines.some((l) => l.quote_id === null))
        throw new ConflictException(
          `order ${id} is from the former fixed catalogue (no quotes): production cannot make it from this system`,
        );
      const dueAt = new Date(Date.now() + input.dueInDays * 86_400_000).toISOString();
      const e = await events.emit(
        OrderApprovedV2,
        {
          orderId: id,
          customerId: order.customer_id,
          channel: order.channel,
          lines: lines.map((l) => ({
            lineId: l.id,
            lineNo: l.line_no,
            quoteId: l.quote_id!,
            name: l.name,
            material: l.material,
            quantity: l.quantity,
            unitPriceCents: l.unit_price_cents,
            totalCents: l.total_cents,
          })),
          approvedBy: managerId,
          dueAt,
          priority: input.priority,
        },
        { subject: id, version },
      );
      await this.timeline.record(tx, id, e);
    });
  }

  /** CANCELLED + `OrderRejected` (the shop cancels the customer's order). */
  async reject(id: string, managerId: string, reason: string) {
    annotateContext('order_id', id);
    return this.uow.run(async (tx, events) => {
      const order = await this.orders.lock(tx, id);
      if (!order) throw new NotFoundException(`order ${id} not found`);
      assertTransition('order', ORDER_TRANSITIONS, order.status, 'CANCELLED');
      const version = await this.orders.update(tx, id, {
        status: 'CANCELLED',
        note: reason,
        cancelled_by: managerId,
        cancellation_reason: reason,
        cancelled_at: new Date(),
      });
      const e = await events.emit(
        OrderRejected,
        { orderId: id, rejectedBy: managerId, reason },
        { subject: id, version },
      );
      await this.timeline.record(tx, id, e);
    });
  }
}
