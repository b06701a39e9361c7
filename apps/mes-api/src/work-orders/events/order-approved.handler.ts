import { Injectable } from '@nestjs/common';
import { OrderApproved, WorkOrderCreated, type EventData } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import type { EventEnvelope, EventHandler, HandlerContext } from '@fabflow/messaging';
import { OrderJourneyMetrics } from '@fabflow/platform';
import type { MesDatabase } from '../../mes.database';
import { PricingJobReadRepository } from '../../pricing/pricing-job-read.repository';
import { WorkOrdersRepository } from '../work-orders.repository';

/** Queues a work order for an approved order (once, whatever the redeliveries). */
@Injectable()
export class OrderApprovedHandler implements EventHandler<MesDatabase, typeof OrderApproved> {
  readonly event = OrderApproved;
  constructor(
    private readonly workOrders: WorkOrdersRepository,
    private readonly pricingJobs: PricingJobReadRepository,
    private readonly journey: OrderJourneyMetrics,
  ) {}

  async handle(
    { tx, events, afterCommit }: HandlerContext<MesDatabase>,
    e: EventEnvelope<EventData<typeof OrderApproved>>,
  ) {
    const d = e.data;
    const wo = await this.workOrders.insertIfAbsent(tx, {
      id: uuidv7(),
      order_id: d.orderId,
      status: 'QUEUED',
      // Work orders still have a sku column; for an order from a quote the model's filename is
      // what names the part to an operator.
      sku: d.item.name,
      material: d.item.material,
      quantity: d.item.quantity,
      priority: d.priority,
      assignee_id: null,
      quote_id: d.item.quoteId,
      // The machine is the pricing result's pick (the quote's pricing job), not part of the order.
      machine_id: (await this.pricingJobs.plannedMachine(tx, d.item.quoteId)) ?? null,
      due_at: new Date(d.dueAt),
    });
    if (!wo) return;
    await events.emit(
      WorkOrderCreated,
      { workOrderId: wo.id, orderId: d.orderId, status: 'QUEUED', dueAt: d.dueAt },
      { subject: wo.id, version: wo.version },
    );
    // The approval's event time: when the manager's decision committed in the CRM.
    afterCommit(() => this.journey.observe('approved_to_mes', e.time));
  }
}
