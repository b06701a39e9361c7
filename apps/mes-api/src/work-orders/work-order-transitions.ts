import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import {
  assertTransition,
  WORK_ORDER_TRANSITIONS,
  WorkOrderCreatedV2,
  WorkOrderStatusChangedV2,
  type WorkOrderStatus,
} from '@fabflow/contracts';
import type { EventSink } from '@fabflow/messaging';
import { APP_CONFIG } from '@fabflow/platform';
import type { MesDatabase } from '../mes.database';
import { ProductionRecords } from '../production/production-records';
import { ProductionRepository } from '../production/production.repository';
import { CANCELLED_LINE_MOVES } from './work-order-moves';
import { WorkOrdersRepository, type WorkOrderRow } from './work-orders.repository';

/** Moves that need a reason a person wrote. */
const NEEDS_REASON: readonly WorkOrderStatus[] = ['ON_HOLD', 'SCRAPPED', 'REWORK'];

export interface Move {
  to: WorkOrderStatus;
  changedBy: string;
  reason?: string;
  /** Why it is held (ON_HOLD only; the reason when not given). */
  holdReason?: string;
}

/**
 * One move of a work order, in the caller's transaction (which holds the order's lock and the
 * work order's): the status with its history and hold reason; for a scrapped part of a live
 * line, a replacement work order (up to REWORK_MAX_REPLACEMENTS per line); the line's and the
 * order's derived status with new versions; `WorkOrderStatusChanged` v2 (and
 * `WorkOrderCreated` v2 for the replacement). HTTP moves and the cancellation saga share it.
 */
@Injectable()
export class WorkOrderTransitions {
  constructor(
    private readonly workOrders: WorkOrdersRepository,
    private readonly production: ProductionRepository,
    private readonly records: ProductionRecords,
    @Inject(APP_CONFIG) private readonly config: { REWORK_MAX_REPLACEMENTS: number },
  ) {}

  async move(tx: Transaction<MesDatabase>, events: EventSink, wo: WorkOrderRow, m: Move) {
    assertTransition('work order', WORK_ORDER_TRANSITIONS, wo.status, m.to);
    if (NEEDS_REASON.includes(m.to) && !m.reason)
      throw new BadRequestException(`a reason is required to move a work order to ${m.to}`);
    if (wo.line_cancelled && !CANCELLED_LINE_MOVES.includes(m.to))
      throw new ConflictException(
        `the order line of this work order was cancelled: scrap the part (SCRAPPED) or finish it to stock (CANCELLED), not ${m.to}`,
      );
    const updated = await this.workOrders.setStatus(tx, {
      id: wo.id,
      from: wo.status,
      to: m.to,
      by: m.changedBy,
      reason: m.reason ?? null,
      holdReason: m.to === 'ON_HOLD' ? (m.holdReason ?? m.reason ?? null) : null,
    });
    const replacement = m.to === 'SCRAPPED' ? await this.replace(tx, updated) : undefined;
    const derived = await this.records.rederive(tx, wo.order_id, wo.line_id);
    const line = derived.line;
    if (!line)
      throw new Error(`work order ${wo.id}: line ${wo.line_id} is not a line of its order`);
    await events.emit(
      WorkOrderStatusChangedV2,
      {
        workOrderId: wo.id,
        orderId: wo.order_id,
        lineId: wo.line_id,
        from: wo.status,
        to: m.to,
        lineStatus: line.status,
        lineVersion: line.version,
        ...(derived.order.status ? { orderStatus: derived.order.status } : {}),
        orderVersion: derived.order.version,
        changedBy: m.changedBy,
        ...(m.reason ? { reason: m.reason } : {}),
        holdReason: updated.hold_reason ?? line.holdReason,
      },
      { subject: wo.id, version: updated.version },
    );
    if (replacement)
      await events.emit(
        WorkOrderCreatedV2,
        {
          workOrderId: replacement.id,
          orderId: replacement.order_id,
          lineId: replacement.line_id,
          lineNo: replacement.line_no,
          lineCount: replacement.line_count,
          quantity: replacement.quantity,
          status: 'QUEUED',
          dueAt: replacement.due_at.toISOString(),
          replacesWorkOrderId: wo.id,
        },
        { subject: replacement.id, version: replacement.version },
      );
    return updated;
  }

  /** A replacement for a scrapped part of a live line, while the line has replacements left. */
  private async replace(tx: Transaction<MesDatabase>, scrapped: WorkOrderRow) {
    if (scrapped.line_cancelled) return undefined;
    const line = await this.production.findLine(scrapped.line_id, tx);
    if (!line || line.cancelled || line.replacements_used >= this.config.REWORK_MAX_REPLACEMENTS)
      return undefined;
    await this.production.countReplacement(tx, line.line_id);
    return this.workOrders.insertReplacement(tx, scrapped);
  }
}
