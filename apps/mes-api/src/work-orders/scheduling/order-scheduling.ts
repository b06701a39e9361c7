import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import { WorkOrderCreatedV2, type OrderLine, type SalesChannel } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import type { EventSink } from '@fabflow/messaging';
import type { Logger } from '@fabflow/observability';
import type { MesDatabase } from '../../mes.database';
import { PricingJobReadRepository } from '../../pricing/pricing-job-read.repository';
import { ProductionRecords } from '../../production/production-records';
import {
  ProductionRepository,
  type ProductionOrderRow,
} from '../../production/production.repository';
import { WorkOrdersRepository, type WorkOrderRow } from '../work-orders.repository';

type Line = z.output<typeof OrderLine>;

/** An approved order as both versions of OrderApproved carry it. */
export interface ApprovedOrder {
  orderId: string;
  customerId: string;
  /** Null for a v1 approval, which does not say. */
  channel: SalesChannel | null;
  lines: Line[];
  dueAt: string;
  priority: 'NORMAL' | 'RUSH';
}

/**
 * Schedules an approved order: its production record, one QUEUED work order per line (the
 * line's quantity, the machine of its quote's pricing job) and `WorkOrderCreated` v2 for each,
 * in the handler's transaction. A line cancelled before the approval arrived gets no work
 * order (its cancellation was answered NOT_SCHEDULED then).
 */
@Injectable()
export class OrderScheduling {
  constructor(
    private readonly production: ProductionRepository,
    private readonly records: ProductionRecords,
    private readonly workOrders: WorkOrdersRepository,
    private readonly pricingJobs: PricingJobReadRepository,
  ) {}

  async schedule(
    tx: Transaction<MesDatabase>,
    events: EventSink,
    logger: Logger,
    order: ApprovedOrder,
  ): Promise<void> {
    const po = await this.production.lockOrder(tx, order.orderId);
    if (po.approved_at) {
      // The same approval under another message id (the inbox deduplicates redeliveries).
      logger.warn({ orderId: order.orderId }, 'order already scheduled; approval ignored');
      return;
    }
    const now = new Date();
    const cancelledBefore = (l: Line) =>
      po.cancelled_at !== null || po.pending_cancelled_line_ids.includes(l.lineId);
    await this.production.insertLines(
      tx,
      order.lines.map((l) => ({
        line_id: l.lineId,
        order_id: order.orderId,
        line_no: l.lineNo,
        quote_id: l.quoteId,
        quantity: l.quantity,
        status: cancelledBefore(l) ? 'CANCELLED' : 'PENDING',
        cancelled: cancelledBefore(l),
        cancelled_at: cancelledBefore(l) ? (po.cancelled_at ?? now) : null,
      })),
    );
    const created: WorkOrderRow[] = [];
    for (const line of order.lines.filter((l) => !cancelledBefore(l)))
      created.push(await this.workOrders.insert(tx, await this.workOrderOf(tx, order, line)));
    await this.records.rederive(tx, order.orderId, null, {
      customer_id: order.customerId,
      channel: order.channel,
      line_count: order.lines.length,
      approved_at: now,
    });
    for (const wo of created) await this.announce(events, wo);
    if (created.length < order.lines.length) this.logSkipped(logger, po, order, created.length);
  }

  private async workOrderOf(tx: Transaction<MesDatabase>, order: ApprovedOrder, line: Line) {
    return {
      id: uuidv7(),
      order_id: order.orderId,
      line_id: line.lineId,
      line_no: line.lineNo,
      line_count: order.lines.length,
      status: 'QUEUED' as const,
      // Work orders still have a sku column; for an order from a quote the model's filename is
      // what names the part to an operator.
      sku: line.name,
      material: line.material,
      quantity: line.quantity,
      priority: order.priority,
      assignee_id: null,
      quote_id: line.quoteId,
      // The machine is the pricing result's pick (the quote's pricing job), not part of the order.
      machine_id: (await this.pricingJobs.plannedMachine(tx, line.quoteId)) ?? null,
      due_at: new Date(order.dueAt),
    };
  }

  private announce(events: EventSink, wo: WorkOrderRow) {
    return events.emit(
      WorkOrderCreatedV2,
      {
        workOrderId: wo.id,
        orderId: wo.order_id,
        lineId: wo.line_id,
        lineNo: wo.line_no,
        lineCount: wo.line_count,
        quantity: wo.quantity,
        status: 'QUEUED',
        dueAt: wo.due_at.toISOString(),
        replacesWorkOrderId: null,
      },
      { subject: wo.id, version: wo.version },
    );
  }

  private logSkipped(logger: Logger, po: ProductionOrderRow, order: ApprovedOrder, made: number) {
    logger.info(
      {
        orderId: order.orderId,
        lines: order.lines.length,
        workOrders: made,
        wholeOrderCancelled: po.cancelled_at !== null,
      },
      'approval arrived after a cancellation: cancelled lines get no work order',
    );
  }
}
