import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { OrderCancellationApplied } from '@fabflow/contracts';
import { PermanentError, type EventSink } from '@fabflow/messaging';
import type { MesDatabase } from '../../mes.database';
import { ORDER_CANCELLED_HOLD } from '../../production/production-status';
import { ProductionRecords } from '../../production/production-records';
import {
  ProductionRepository,
  type OrderFacts,
  type ProductionOrderRow,
} from '../../production/production.repository';
import { WorkOrderTransitions } from '../work-order-transitions';
import { WorkOrdersRepository, type WorkOrderRow } from '../work-orders.repository';
import { planLineCancellation, type Outcome } from './cancellation-plan';

/** A cancellation by the customer (the shop) or a manager (the CRM). */
export interface CancellationRequest {
  orderId: string;
  source: 'CUSTOMER' | 'MANAGER';
  /** The lines cancelled; null: the whole order. */
  lineIds: string[] | null;
  reason: string | null;
  /** The customer or the staff member. */
  by: string;
  at: Date;
}

interface LineOutcome {
  lineId: string;
  workOrderId: string | null;
  outcome: Outcome;
}

/**
 * Applies a cancellation to production in the handler's transaction, under the order's lock:
 * each cancelled line's live work order is cancelled (not started) or held "order cancelled"
 * (in production: the operator scraps it or finishes it to stock), shipped ones stay shipped;
 * each move emits `WorkOrderStatusChanged` v2; then one `OrderCancellationApplied` gives the
 * outcome per line. Before the approval has arrived it is recorded, so that the approval makes
 * no work order for the cancelled lines. The inbox makes it apply once per message.
 */
@Injectable()
export class OrderCancellation {
  constructor(
    private readonly production: ProductionRepository,
    private readonly records: ProductionRecords,
    private readonly workOrders: WorkOrdersRepository,
    private readonly transitions: WorkOrderTransitions,
  ) {}

  async apply(tx: Transaction<MesDatabase>, events: EventSink, c: CancellationRequest) {
    const po = await this.production.lockOrder(tx, c.orderId);
    const lines = po.approved_at
      ? await this.cancelLines(tx, events, c)
      : (c.lineIds ?? []).map((lineId) => notScheduled(lineId));
    const whole = c.lineIds === null || (await this.noLiveLineLeft(tx, c.orderId, po));
    const derived = await this.records.rederive(tx, c.orderId, null, {
      ...(whole && !po.cancelled_at ? cancellationFacts(c) : {}),
      ...(po.approved_at || !c.lineIds
        ? {}
        : { pending_cancelled_line_ids: [...po.pending_cancelled_line_ids, ...c.lineIds] }),
    });
    await events.emit(
      OrderCancellationApplied,
      {
        orderId: c.orderId,
        source: c.source,
        lines,
        ...(derived.order.status ? { orderStatus: derived.order.status } : {}),
        orderVersion: derived.order.version,
        appliedAt: new Date().toISOString(),
      },
      { subject: c.orderId, version: derived.order.version },
    );
  }

  /** Each cancelled line (every line of the order when the whole order is), in line order. */
  private async cancelLines(
    tx: Transaction<MesDatabase>,
    events: EventSink,
    c: CancellationRequest,
  ) {
    const lines = await this.production.linesWithWorkOrders(tx, c.orderId);
    const unknown = (c.lineIds ?? []).filter((id) => !lines.some((l) => l.line_id === id));
    if (unknown.length > 0)
      throw new PermanentError(
        `cancellation of order ${c.orderId} names lines it does not have: ${unknown.join(', ')}`,
      );
    const live = liveWorkOrders(await this.workOrders.lockAllOfOrder(tx, c.orderId));
    const outcomes: LineOutcome[] = [];
    for (const line of lines.filter((l) => c.lineIds?.includes(l.line_id) ?? true)) {
      const wo = live.get(line.line_id);
      const plan = planLineCancellation({ cancelled: line.cancelled, live: wo?.status });
      outcomes.push({ lineId: line.line_id, workOrderId: wo?.id ?? null, outcome: plan.outcome });
      if (!plan.cancelLine) continue;
      await this.production.cancelLine(tx, line.line_id, c.at);
      await this.workOrders.markLineCancelled(tx, line.line_id);
      // The move is the cancellation's own (the line's mark only restricts later ones).
      if (wo && plan.move)
        await this.transitions.move(tx, events, wo, {
          to: plan.move,
          changedBy: c.by,
          reason: moveReason(c),
          ...(plan.move === 'ON_HOLD' ? { holdReason: ORDER_CANCELLED_HOLD } : {}),
        });
      else await this.records.rederive(tx, c.orderId, line.line_id);
    }
    return outcomes;
  }

  private async noLiveLineLeft(
    tx: Transaction<MesDatabase>,
    orderId: string,
    po: ProductionOrderRow,
  ): Promise<boolean> {
    if (!po.approved_at) return false;
    const lines = await this.production.linesWithWorkOrders(tx, orderId);
    return lines.every((l) => l.cancelled);
  }
}

const notScheduled = (lineId: string): LineOutcome => ({
  lineId,
  workOrderId: null,
  outcome: 'NOT_SCHEDULED',
});

/** The live (last) work order of each line. */
function liveWorkOrders(all: WorkOrderRow[]): Map<string, WorkOrderRow> {
  const live = new Map<string, WorkOrderRow>();
  for (const wo of all) live.set(wo.line_id, wo);
  return live;
}

function moveReason(c: CancellationRequest): string {
  const who = c.source === 'CUSTOMER' ? 'the customer' : 'a manager';
  return `order cancelled by ${who}${c.reason ? `: ${c.reason}` : ''}`;
}

function cancellationFacts(c: CancellationRequest): OrderFacts {
  return {
    cancellation_source: c.source,
    cancellation_reason: c.reason,
    cancelled_at: c.at,
  };
}
