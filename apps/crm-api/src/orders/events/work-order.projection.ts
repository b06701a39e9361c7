import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import {
  shouldProjectOrderStatus,
  type OrderStatus,
  type WorkOrderStatus,
} from '@fabflow/contracts';
import type { Logger } from '@fabflow/observability';
import type { CrmDatabase } from '../../crm.database';
import { OrdersRepository } from '../orders.repository';

/** Keeps the manager's view of production current: newer work-order versions only. */
@Injectable()
export class WorkOrderProjection {
  constructor(private readonly orders: OrdersRepository) {}

  async apply(
    tx: Transaction<CrmDatabase>,
    orderId: string,
    workOrderStatus: WorkOrderStatus,
    orderStatus: OrderStatus | undefined,
    version: number,
    logger: Logger,
  ): Promise<void> {
    const order = await this.orders.lock(tx, orderId);
    if (!order) throw new Error(`order ${orderId} not found in the CRM`);
    if (version <= order.work_order_version) {
      logger.info({ version, seen: order.work_order_version }, 'stale work-order event ignored');
      return;
    }
    const moves = orderStatus !== undefined && shouldProjectOrderStatus(order.status, orderStatus);
    await this.orders.update(tx, orderId, {
      work_order_status: workOrderStatus,
      work_order_version: version,
      ...(moves ? { status: orderStatus } : {}),
    });
  }
}
