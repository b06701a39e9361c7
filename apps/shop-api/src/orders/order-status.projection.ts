import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { shouldProjectOrderStatus, type OrderStatus } from '@fabflow/contracts';
import type { Logger } from '@fabflow/observability';
import { Notifications } from '../notifications/notifications';
import type { ShopDatabase } from '../shop.database';
import { OrdersRepository } from './orders.repository';

export interface StatusUpdate {
  orderId: string;
  target: OrderStatus | undefined;
  /** Which upstream aggregate the event is about, and its version (stale versions are ignored). */
  stream: 'crm' | 'workOrder';
  version: number;
  source: string;
  note: string | null;
  eventId: string;
  /** When the upstream change happened (the event's time). */
  occurredAt: string;
}

/**
 * Applies upstream status events to the customer's order: newer versions only, forward only.
 * A move is also notified in the same transaction (for a B2B order, the organisation's
 * `order.status_changed` webhooks, with an event id derived from the upstream event's).
 */
@Injectable()
export class OrderStatusProjection {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly notifications: Notifications,
  ) {}

  async apply(tx: Transaction<ShopDatabase>, u: StatusUpdate, logger: Logger): Promise<void> {
    const order = await this.orders.lockForUpdate(tx, u.orderId);
    if (!order) {
      // The shop always writes its order before any event about it exists; retry, then DLQ.
      throw new Error(`order ${u.orderId} not found in the shop`);
    }
    const seen = u.stream === 'crm' ? order.crm_version : order.work_order_version;
    if (u.version <= seen) {
      logger.info({ version: u.version, seen }, 'stale event ignored');
      return;
    }
    const versions =
      u.stream === 'crm' ? { crmVersion: u.version } : { workOrderVersion: u.version };
    const moves = u.target !== undefined && shouldProjectOrderStatus(order.status, u.target);
    await this.orders.setStatus(
      tx,
      u.orderId,
      moves ? { status: u.target, ...versions } : versions,
    );
    if (moves || u.note) {
      await this.orders.addHistory(tx, {
        orderId: u.orderId,
        status: moves ? u.target! : order.status,
        source: u.source,
        note: u.note,
        eventId: u.eventId,
      });
    }
    if (moves)
      await this.notifications.orderStatusChanged(
        tx,
        order,
        { from: order.status, to: u.target! },
        { id: u.eventId, time: u.occurredAt },
      );
  }
}
