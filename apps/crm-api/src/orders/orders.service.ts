import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  assertTransition,
  OrderApproved,
  OrderRejected,
  ORDER_TRANSITIONS,
} from '@fabflow/contracts';
import type { UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import type { CrmDatabase } from '../crm.database';
import { OrdersRepository } from './orders.repository';
import { TimelineRepository } from './timeline.repository';

@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly timeline: TimelineRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<CrmDatabase>,
  ) {}

  async get(id: string) {
    const order = await this.orders.find(id);
    if (!order) throw new NotFoundException(`order ${id} not found`);
    return order;
  }

  async timelineOf(id: string) {
    await this.get(id);
    return this.timeline.list(id);
  }

  /** CONFIRMED + `OrderApproved` (the MES schedules production from it), in one transaction. */
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
      const dueAt = new Date(Date.now() + input.dueInDays * 86_400_000).toISOString();
      const e = await events.emit(
        OrderApproved,
        {
          orderId: id,
          customerId: order.customer_id,
          item: order.item,
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
      const version = await this.orders.update(tx, id, { status: 'CANCELLED', note: reason });
      const e = await events.emit(
        OrderRejected,
        { orderId: id, rejectedBy: managerId, reason },
        { subject: id, version },
      );
      await this.timeline.record(tx, id, e);
    });
  }
}
