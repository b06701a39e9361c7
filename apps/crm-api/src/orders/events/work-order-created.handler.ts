import { Injectable } from '@nestjs/common';
import { WorkOrderCreated, type EventData } from '@fabflow/contracts';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import type { CrmDatabase } from '../../crm.database';
import { TimelineRepository } from '../timeline.repository';
import { WorkOrderProjection } from './work-order.projection';

@Injectable()
export class WorkOrderCreatedHandler implements EventHandler<CrmDatabase, typeof WorkOrderCreated> {
  readonly event = WorkOrderCreated;
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly projection: WorkOrderProjection,
  ) {}

  async handle(
    { tx, logger }: HandlerContext<CrmDatabase>,
    e: EventEnvelope<EventData<typeof WorkOrderCreated>>,
  ) {
    await this.timeline.record(tx, e.data.orderId, e);
    await this.projection.apply(tx, e.data.orderId, 'QUEUED', undefined, e.version, logger);
  }
}
