import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import {
  lineStatusFromWorkOrders,
  shouldProjectOrderStatus,
  type OrderStatus,
  type WorkOrderStatus,
} from '@fabflow/contracts';
import type { Logger } from '@fabflow/observability';
import type { SourceEvent } from '../notifications/notification-facts';
import type { ShopDatabase } from '../shop.database';
import { OrderLinesRepository, type OrderLineChange } from './order-lines.repository';
import { OrderUpdates } from './order-updates';
import { OrdersRepository } from './orders.repository';

export interface StatusUpdate {
  orderId: string;
  target: OrderStatus | undefined;
  /**
   * Which upstream aggregate the event is about, and its version (stale versions are ignored):
   * the CRM's order, or the one work order of a version-1 production event still in flight.
   */
  stream: 'crm' | 'workOrder';
  version: number;
  source: string;
  note: string | null;
  /** A version-1 production event: the work order's new status, which the order's one line takes. */
  workOrderStatus?: WorkOrderStatus;
  event: SourceEvent;
}

/**
 * Applies the CRM's order status events (and version-1 production events still in flight) to the
 * customer's order: newer versions only, forward only (`shouldProjectOrderStatus`), notified
 * through OrderUpdates in the same transaction.
 */
@Injectable()
export class OrderStatusProjection {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly lines: OrderLinesRepository,
    private readonly updates: OrderUpdates,
  ) {}

  async apply(tx: Transaction<ShopDatabase>, u: StatusUpdate, logger: Logger): Promise<void> {
    const order = await this.orders.lockForUpdate(tx, u.orderId);
    // The shop always writes its order before any event about it exists; retry, then DLQ.
    if (!order) throw new Error(`order ${u.orderId} not found in the shop`);
    const seen = u.stream === 'crm' ? order.crm_version : order.work_order_version;
    if (u.version <= seen) {
      logger.info({ version: u.version, seen }, 'stale event ignored');
      return;
    }
    const lines = await this.lines.ofOrder(u.orderId, tx);
    const moves = u.target !== undefined && shouldProjectOrderStatus(order.status, u.target);
    await this.updates.commit(tx, {
      order,
      lines,
      ...(moves ? { status: u.target } : {}),
      fields: u.stream === 'crm' ? { crm_version: u.version } : { work_order_version: u.version },
      lineChanges: this.legacyLine(lines, u.workOrderStatus),
      source: u.source,
      note: u.note,
      event: u.event,
    });
  }

  /** A version-1 production event is about the only line of an order placed before lines. */
  private legacyLine(
    lines: ReadonlyArray<{ id: string; status: string }>,
    to: WorkOrderStatus | undefined,
  ): Map<string, OrderLineChange> | undefined {
    const line = lines.length === 1 ? lines[0]! : undefined;
    if (!to || !line || line.status === 'CANCELLED') return undefined;
    const status = lineStatusFromWorkOrders({ cancelled: false, workOrders: [to] });
    return new Map([[line.id, { status }]]);
  }
}
