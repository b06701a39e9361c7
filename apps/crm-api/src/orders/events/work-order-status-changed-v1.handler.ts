import { Injectable } from '@nestjs/common';
import {
  lineStatusFromWorkOrders,
  WorkOrderStatusChanged,
  type EventData,
} from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../../crm.database';
import { TimelineRepository } from '../timeline.repository';
import { WorkOrdersRepository } from '../work-orders.repository';
import { ProductionProjection } from './production.projection';

/**
 * `WorkOrderStatusChanged` version 1, in flight from before order lines: the order's one line,
 * whose work order's version numbers the line's and the order's changes too.
 */
@Injectable()
export class WorkOrderStatusChangedV1Handler implements EventHandler<
  CrmDatabase,
  typeof WorkOrderStatusChanged
> {
  readonly event = WorkOrderStatusChanged;
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly workOrders: WorkOrdersRepository,
    private readonly production: ProductionProjection,
  ) {}

  async handle(
    { tx, logger }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof WorkOrderStatusChanged>>,
  ) {
    const d = e.data;
    await this.timeline.record(tx, d.orderId, e);
    const lineId = d.orderId;
    await this.workOrders.apply(tx, {
      id: d.workOrderId,
      orderId: d.orderId,
      lineId,
      status: d.to,
      holdReason: d.to === 'ON_HOLD' ? (d.reason ?? null) : null,
      replacesWorkOrderId: null,
      version: e.version,
    });
    const lineStatus = lineStatusFromWorkOrders({ cancelled: false, workOrders: [d.to] });
    await this.production.line(tx, lineId, lineStatus, e.version);
    await this.production.order(tx, d.orderId, d.orderStatus, e.version, logger);
  }
}
