import { Injectable } from '@nestjs/common';
import { WorkOrderStatusChangedV2, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../../crm.database';
import { TimelineRepository } from '../timeline.repository';
import { WorkOrdersRepository } from '../work-orders.repository';
import { ProductionProjection } from './production.projection';

/** Production moved: the work order, its line and its order, each by its own version. */
@Injectable()
export class WorkOrderStatusChangedHandler implements EventHandler<
  CrmDatabase,
  typeof WorkOrderStatusChangedV2
> {
  readonly event = WorkOrderStatusChangedV2;
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly workOrders: WorkOrdersRepository,
    private readonly production: ProductionProjection,
  ) {}

  async handle(
    { tx, logger }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof WorkOrderStatusChangedV2>>,
  ) {
    const d = e.data;
    await this.timeline.record(tx, d.orderId, e);
    await this.workOrders.apply(tx, {
      id: d.workOrderId,
      orderId: d.orderId,
      lineId: d.lineId,
      status: d.to,
      holdReason: d.holdReason,
      replacesWorkOrderId: null,
      version: e.version,
    });
    await this.production.line(tx, d.lineId, d.lineStatus, d.lineVersion);
    await this.production.order(tx, d.orderId, d.orderStatus, d.orderVersion, logger);
  }
}
