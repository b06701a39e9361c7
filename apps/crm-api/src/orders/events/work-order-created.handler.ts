import { Injectable } from '@nestjs/common';
import { WorkOrderCreatedV2, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../../crm.database';
import { TimelineRepository } from '../timeline.repository';
import { WorkOrdersRepository } from '../work-orders.repository';

/** A work order queued for a line (or a scrapped part's replacement). */
@Injectable()
export class WorkOrderCreatedHandler implements EventHandler<
  CrmDatabase,
  typeof WorkOrderCreatedV2
> {
  readonly event = WorkOrderCreatedV2;
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly workOrders: WorkOrdersRepository,
  ) {}

  async handle(
    { tx }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof WorkOrderCreatedV2>>,
  ) {
    const d = e.data;
    await this.timeline.record(tx, d.orderId, e);
    await this.workOrders.apply(tx, {
      id: d.workOrderId,
      orderId: d.orderId,
      lineId: d.lineId,
      status: 'QUEUED',
      holdReason: null,
      replacesWorkOrderId: d.replacesWorkOrderId,
      version: e.version,
    });
  }
}
