import { Injectable } from '@nestjs/common';
import { WorkOrderCreated, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../../crm.database';
import { TimelineRepository } from '../timeline.repository';
import { WorkOrdersRepository } from '../work-orders.repository';

/** `WorkOrderCreated` version 1, in flight from before order lines: the order's one line. */
@Injectable()
export class WorkOrderCreatedV1Handler implements EventHandler<
  CrmDatabase,
  typeof WorkOrderCreated
> {
  readonly event = WorkOrderCreated;
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly workOrders: WorkOrdersRepository,
  ) {}

  async handle(
    { tx }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof WorkOrderCreated>>,
  ) {
    const d = e.data;
    await this.timeline.record(tx, d.orderId, e);
    await this.workOrders.apply(tx, {
      id: d.workOrderId,
      orderId: d.orderId,
      lineId: d.orderId,
      status: 'QUEUED',
      holdReason: null,
      replacesWorkOrderId: null,
      version: e.version,
    });
  }
}
