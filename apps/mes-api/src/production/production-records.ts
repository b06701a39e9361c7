import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { OrderLineStatus, OrderStatus } from '@fabflow/contracts';
import type { MesDatabase } from '../mes.database';
import { lineHoldReason, lineStatus, orderStatus, type LineState } from './production-status';
import {
  ProductionRepository,
  type LineWithWorkOrders,
  type OrderFacts,
} from './production.repository';

/** A line's and its order's derived state after a change, with the versions that order them. */
export interface Derived {
  line?: { lineId: string; status: OrderLineStatus; version: number; holdReason: string | null };
  order: { status: OrderStatus | null; version: number };
}

const stateOf = (l: LineWithWorkOrders): LineState => ({
  cancelled: l.cancelled,
  workOrders: l.work_orders,
  liveHoldReason: l.live_hold_reason,
});

/**
 * Derives, in the transaction that changed work orders, the status of their lines and of the
 * order, and counts each change in the line's and the order's version. The caller holds the
 * order's lock (`ProductionRepository.lockOrder`), so the versions of one order never race.
 */
@Injectable()
export class ProductionRecords {
  constructor(private readonly production: ProductionRepository) {}

  /**
   * After a change to `lineId` (a work order moved, made or the line cancelled; null: only the
   * order changed): every line whose status or hold reason moved and `lineId` itself get a new
   * version, and so does the order (with `facts` recorded alongside its status).
   */
  async rederive(
    tx: Transaction<MesDatabase>,
    orderId: string,
    lineId: string | null,
    facts: OrderFacts = {},
  ): Promise<Derived> {
    const lines = await this.production.linesWithWorkOrders(tx, orderId);
    const current = await this.production.orderState(tx, orderId);
    let line: Derived['line'];
    for (const l of lines) {
      const state = stateOf(l);
      const status = lineStatus(state);
      const holdReason = status === 'ON_HOLD' ? lineHoldReason(state) : null;
      if (l.line_id !== lineId && status === l.status && holdReason === l.hold_reason) continue;
      const version = await this.production.updateLine(tx, l.line_id, {
        status,
        hold_reason: holdReason,
      });
      if (l.line_id === lineId) line = { lineId, status, version, holdReason };
    }
    const wholeOrderCancelled = (facts.cancelled_at ?? current.cancelled_at) !== null;
    const status = orderStatus(lines.map(stateOf), current.status, wholeOrderCancelled);
    const version = await this.production.updateOrder(tx, orderId, { status, ...facts });
    return { ...(line ? { line } : {}), order: { status, version } };
  }
}
