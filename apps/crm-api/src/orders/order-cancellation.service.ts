import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Transaction } from 'kysely';
import {
  assertTransition,
  OrderCancelled,
  orderStatusFromLines,
  ORDER_TRANSITIONS,
  type EventData,
  type OrderLineStatus,
  type OrderStatus,
} from '@fabflow/contracts';
import type { EventSink, UnitOfWork } from '@fabflow/messaging';
import { annotateContext } from '@fabflow/observability';
import { UNIT_OF_WORK } from '@fabflow/platform';
import type { CrmDatabase } from '../crm.database';
import { OrderLinesRepository, type CrmOrderLineRow } from './order-lines.repository';
import { OrdersRepository, type CrmOrderRow } from './orders.repository';
import { TimelineRepository } from './timeline.repository';

const DONE: readonly OrderLineStatus[] = ['SHIPPED', 'DELIVERED', 'CANCELLED'];
const CLOSED: readonly OrderStatus[] = ['SHIPPED', 'DELIVERED', 'CANCELLED'];

export interface CancelledBy {
  /** The manager (or the customer, for a shop cancellation). */
  actorId: string;
  reason: string | null;
  at: Date;
}

/**
 * Cancellation of orders and lines: a manager's (up to, not after, shipping; the whole order or
 * some lines), and the customer's own, decided by the shop. The MES applies either and reports
 * per line (`OrderCancellationApplied`).
 */
@Injectable()
export class OrderCancellationService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly lines: OrderLinesRepository,
    private readonly timeline: TimelineRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork<CrmDatabase>,
  ) {}

  /** A manager cancels the whole order (every line not shipped yet) or the lines named. */
  async cancelByManager(
    id: string,
    managerId: string,
    input: { reason: string; lineIds?: string[] },
  ): Promise<void> {
    annotateContext('order_id', id);
    await this.uow.run(async (tx, events) => {
      const order = await this.orders.lock(tx, id);
      if (!order) throw new NotFoundException(`order ${id} not found`);
      if (CLOSED.includes(order.status))
        throw new ConflictException(
          `order ${id} is ${order.status} and can no longer be cancelled`,
        );
      const lines = await this.lines.ofOrder(id, tx);
      const targets = this.targets(id, lines, input.lineIds);
      const at = new Date();
      const by = { actorId: managerId, reason: input.reason, at };
      const version = await this.apply(tx, order, lines, targets, by);
      await this.emit(tx, events, version, {
        orderId: id,
        cancelledBy: managerId,
        reason: input.reason,
        lineIds: input.lineIds ?? null,
        cancelledAt: at.toISOString(),
      });
    });
  }

  /**
   * The shop cancelled a customer's order (before production, as the shop saw it): every line
   * still open. Where the CRM already saw the order further on (shipped), the customer's
   * cancellation is on the timeline only and the MES's outcome tells what became of it.
   */
  async cancelledByCustomer(tx: Transaction<CrmDatabase>, id: string, by: CancelledBy) {
    const order = await this.orders.lock(tx, id);
    if (!order) throw new Error(`order ${id} not found in the CRM`);
    if (!ORDER_TRANSITIONS[order.status].includes('CANCELLED')) return;
    const lines = await this.lines.ofOrder(id, tx);
    const open = lines.filter((l) => !DONE.includes(l.status));
    if (open.length > 0) await this.apply(tx, order, lines, open, by);
  }

  /** The lines to cancel, or why not: another order's line, or one shipped or cancelled. */
  private targets(
    orderId: string,
    lines: CrmOrderLineRow[],
    lineIds: string[] | undefined,
  ): CrmOrderLineRow[] {
    if (!lineIds) {
      const open = lines.filter((l) => !DONE.includes(l.status));
      if (open.length === 0)
        throw new ConflictException(`order ${orderId} has no line left to cancel`);
      return open;
    }
    const byId = new Map(lines.map((l) => [l.id, l]));
    const unknown = lineIds.filter((lid) => !byId.has(lid));
    if (unknown.length > 0)
      throw new UnprocessableEntityException(
        `not lines of order ${orderId}: ${unknown.join(', ')}`,
      );
    const targets = lineIds.map((lid) => byId.get(lid)!);
    const done = targets.filter((l) => DONE.includes(l.status));
    if (done.length > 0)
      throw new ConflictException(
        `cannot cancel ${done.map((l) => `line ${l.line_no} (${l.status})`).join(', ')}: a line is cancelled up to shipping`,
      );
    return targets;
  }

  private async apply(
    tx: Transaction<CrmDatabase>,
    order: CrmOrderRow,
    lines: CrmOrderLineRow[],
    targets: CrmOrderLineRow[],
    by: CancelledBy,
  ): Promise<number> {
    const cancelled = new Set(targets.map((l) => l.id));
    for (const l of targets) await this.lines.update(tx, l.id, { status: 'CANCELLED' });
    const after = lines.map((l) => (cancelled.has(l.id) ? 'CANCELLED' : l.status));
    const derived: OrderStatus | undefined = orderStatusFromLines(after);
    const whole = derived === 'CANCELLED';
    const status = derived && derived !== order.status ? derived : undefined;
    if (status) assertTransition('order', ORDER_TRANSITIONS, order.status, status);
    return this.orders.update(tx, order.id, {
      ...(status ? { status } : {}),
      ...(whole
        ? { cancelled_by: by.actorId, cancellation_reason: by.reason, cancelled_at: by.at }
        : {}),
    });
  }

  private async emit(
    tx: Transaction<CrmDatabase>,
    events: EventSink,
    version: number,
    data: EventData<typeof OrderCancelled>,
  ) {
    const e = await events.emit(OrderCancelled, data, { subject: data.orderId, version });
    await this.timeline.record(tx, data.orderId, e);
  }
}
