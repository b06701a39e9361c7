import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { ORDER_TRANSITIONS, type OrderLineStatus, type OrderStatus } from '@fabflow/contracts';
import type { Logger } from '@fabflow/observability';
import type { CrmDatabase } from '../../crm.database';
import { OrderLinesRepository } from '../order-lines.repository';
import { OrdersRepository } from '../orders.repository';

/**
 * The manager's view of production. The MES derives a line's and an order's status from their
 * work orders and numbers each change per line and per order; events arrive in any order, so a
 * status is applied only when its version is newer than the one held, and an order's only where
 * its table allows the move (a cancelled order stays cancelled).
 */
@Injectable()
export class ProductionProjection {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly lines: OrderLinesRepository,
  ) {}

  async line(
    tx: Transaction<CrmDatabase>,
    lineId: string,
    status: OrderLineStatus,
    version: number,
  ): Promise<void> {
    await this.lines.applyStatus(tx, lineId, status, version);
  }

  async order(
    tx: Transaction<CrmDatabase>,
    orderId: string,
    status: OrderStatus | undefined,
    version: number,
    logger: Logger,
  ): Promise<void> {
    const order = await this.orders.lock(tx, orderId);
    if (!order) throw new Error(`order ${orderId} not found in the CRM`);
    if (version <= order.production_version) {
      logger.info({ version, seen: order.production_version }, 'stale production event ignored');
      return;
    }
    const moves =
      status !== undefined &&
      status !== order.status &&
      ORDER_TRANSITIONS[order.status].includes(status);
    await this.orders.update(tx, orderId, {
      production_version: version,
      ...(moves ? { status } : {}),
    });
  }
}
