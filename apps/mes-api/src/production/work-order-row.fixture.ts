import type pg from 'pg';
import type { WorkOrderStatus } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { lineStatus, orderStatus, type LineState } from './production-status';

export interface WorkOrderRowSeed {
  status?: WorkOrderStatus;
  priority?: 'NORMAL' | 'RUSH';
  /** undefined: fdm-1; null: none. */
  machine?: string | null;
  material?: string;
  assignee?: string | null;
  due?: string;
  quantity?: number;
}

/**
 * A work order written straight into the tables with its history, as the one work order of a
 * one-line order (its production order and line too), for tests that start from rows rather
 * than from approvals. Returns its id.
 */
export async function insertWorkOrderRow(db: pg.Pool, r: WorkOrderRowSeed = {}): Promise<string> {
  const id = uuidv7();
  const orderId = uuidv7();
  const status = r.status ?? 'QUEUED';
  const holdReason = status === 'ON_HOLD' ? 'held for the test' : null;
  const line: LineState = { cancelled: false, workOrders: [status], liveHoldReason: holdReason };
  await db.query(
    `WITH o AS (
       INSERT INTO production_orders (order_id, line_count, approved_at, status)
       VALUES ($2, 1, now(), $10)
     ), l AS (
       INSERT INTO production_lines (line_id, order_id, line_no, quantity, status)
       VALUES ($2, $2, 1, $9, $11)
     ), w AS (
       INSERT INTO work_orders (id, order_id, line_id, line_no, line_count, status, hold_reason,
         sku, material, quantity, priority, assignee_id, machine_id, due_at)
       VALUES ($1, $2, $2, 1, 1, $3, $12, 'PLA-BRACKET-01', $4, $9, $5, $6, $7, $8)
     )
     INSERT INTO work_order_history (work_order_id, to_status, reason) VALUES ($1, $3, $12)`,
    [
      id,
      orderId,
      status,
      r.material ?? 'pla-black',
      r.priority ?? 'NORMAL',
      r.assignee ?? null,
      r.machine === undefined ? 'fdm-1' : r.machine,
      r.due ?? '2027-01-10T12:00:00Z',
      r.quantity ?? 4,
      orderStatus([line], null, false),
      lineStatus(line),
      holdReason,
    ],
  );
  return id;
}
