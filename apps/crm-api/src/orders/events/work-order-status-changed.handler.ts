import { Injectable } from '@nestjs/common';
import { WorkOrderStatusChanged, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../../crm.database';
import { TimelineRepository } from '../timeline.repository';
import { WorkOrderProjection } from './work-order.projection';

@Injectable()
export class WorkOrderStatusChangedHandler implements EventHandler<
  CrmDatabase,
  typeof WorkOrderStatusChanged
> {
  readonly event = WorkOrderStatusChanged;
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly projection: WorkOrderProjection,
  ) {}

  async handle(
    { tx, logger }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof WorkOrderStatusChanged>>,
  ) {
    await this.timeline.record(tx, e.data.orderId, e);
    await this.projection.apply(
      tx,
      e.data.orderId,
      e.data.to,
      e.data.orderStatus,
      e.version,
      logger,
    );
  }
}
