import { Inject, Injectable } from '@nestjs/common';
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { OrderLineStatus, OrderStatus, WorkOrderStatus } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { MesDatabase, ProductionLinesTable } from '../mes.database';

export type ProductionOrderRow = Selectable<MesDatabase['production_orders']>;
export type ProductionLineRow = Selectable<MesDatabase['production_lines']>;
export type NewProductionLine = Insertable<ProductionLinesTable>;

/** A line with its work orders' statuses, oldest first, and the live one's hold reason. */
export type LineWithWorkOrders = ProductionLineRow & {
  work_orders: WorkOrderStatus[];
  live_hold_reason: string | null;
};

type Tx = Transaction<MesDatabase>;

const WORK_ORDER_SUMMARY = [
  'id',
  'line_id',
  'status',
  'quantity',
  'replaces_work_order_id',
  'hold_reason',
] as const;

/** Orders and lines in production: what the MES derives from their work orders. */
@Injectable()
export class ProductionRepository {
  constructor(@Inject(DB) private readonly db: Kysely<MesDatabase>) {}

  /**
   * The order's row, locked for the rest of the transaction (made, empty, if the MES has not
   * heard of the order yet). Whatever changes an order's work orders takes this lock first, so
   * an approval, a cancellation and the operators' moves of one order queue behind each other.
   */
  async lockOrder(tx: Tx, orderId: string): Promise<ProductionOrderRow> {
    await tx
      .insertInto('production_orders')
      .values({ order_id: orderId, pending_cancelled_line_ids: [] })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .execute();
    return tx
      .selectFrom('production_orders')
      .selectAll()
      .where('order_id', '=', orderId)
      .forUpdate()
      .executeTakeFirstOrThrow();
  }

  async insertLines(tx: Tx, lines: NewProductionLine[]): Promise<void> {
    if (lines.length > 0) await tx.insertInto('production_lines').values(lines).execute();
  }

  /** The order's lines in line order, each with its work orders (one indexed read per line). */
  async linesWithWorkOrders(
    db: Kysely<MesDatabase>,
    orderId: string,
  ): Promise<LineWithWorkOrders[]> {
    return (await this.linesWithWorkOrdersQuery(orderId).execute(db)).rows;
  }

  /** The statement of `linesWithWorkOrders` (the plan test EXPLAINs it). */
  linesWithWorkOrdersQuery(orderId: string) {
    return sql<LineWithWorkOrders>`
      SELECT l.*,
             coalesce(w.statuses, '{}') AS work_orders,
             w.hold_reasons[cardinality(w.hold_reasons)] AS live_hold_reason
      FROM production_lines l
      LEFT JOIN LATERAL (
        SELECT array_agg(status ORDER BY created_at, id) AS statuses,
               array_agg(hold_reason ORDER BY created_at, id) AS hold_reasons
        FROM work_orders WHERE line_id = l.line_id
      ) w ON true
      WHERE l.order_id = ${orderId}::uuid
      ORDER BY l.line_no`;
  }

  /** Records a line's derived status and hold reason, and counts the change in its version. */
  async updateLine(
    tx: Tx,
    lineId: string,
    set: { status: OrderLineStatus; hold_reason: string | null },
  ): Promise<number> {
    const row = await tx
      .updateTable('production_lines')
      .set({ ...set, version: sql`version + 1`, updated_at: new Date() })
      .where('line_id', '=', lineId)
      .returning('version')
      .executeTakeFirstOrThrow();
    return row.version;
  }

  async cancelLine(tx: Tx, lineId: string, at: Date): Promise<void> {
    await tx
      .updateTable('production_lines')
      .set({ cancelled: true, cancelled_at: at, updated_at: new Date() })
      .where('line_id', '=', lineId)
      .execute();
  }

  /** Counts a replacement of a scrapped part against the line's allowance. */
  async countReplacement(tx: Tx, lineId: string): Promise<void> {
    await tx
      .updateTable('production_lines')
      .set({ replacements_used: sql`replacements_used + 1`, updated_at: new Date() })
      .where('line_id', '=', lineId)
      .execute();
  }

  /** Records the order's derived status (and what else changed), counting it in its version. */
  async updateOrder(
    tx: Tx,
    orderId: string,
    set: { status: OrderStatus | null } & OrderFacts,
  ): Promise<number> {
    const row = await tx
      .updateTable('production_orders')
      .set({ ...set, version: sql`version + 1`, updated_at: new Date() })
      .where('order_id', '=', orderId)
      .returning('version')
      .executeTakeFirstOrThrow();
    return row.version;
  }

  orderState(tx: Tx, orderId: string) {
    return tx
      .selectFrom('production_orders')
      .select(['status', 'cancelled_at'])
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
  }

  findOrder(orderId: string) {
    return this.db
      .selectFrom('production_orders')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
  }

  /** A line, read through `db` (a transaction) or the pool. */
  findLine(lineId: string, db: Kysely<MesDatabase> = this.db) {
    return db
      .selectFrom('production_lines')
      .selectAll()
      .where('line_id', '=', lineId)
      .executeTakeFirst();
  }

  /** An order's lines in line order (production_lines_order_idx). */
  linesOfOrder(orderId: string) {
    return this.db
      .selectFrom('production_lines')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('line_no')
      .execute();
  }

  /** The work orders of an order, by line and oldest first (work_orders_order_idx). */
  workOrdersOfOrder(orderId: string) {
    return this.db
      .selectFrom('work_orders')
      .select(WORK_ORDER_SUMMARY)
      .where('order_id', '=', orderId)
      .orderBy('line_no')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** The work orders of a line, oldest first (work_orders_line_idx). */
  workOrdersOfLine(lineId: string) {
    return this.db
      .selectFrom('work_orders')
      .select(WORK_ORDER_SUMMARY)
      .where('line_id', '=', lineId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }
}

/** Facts of an order other than its status: from its approval, or from its cancellation. */
export type OrderFacts = Partial<
  Pick<
    MesDatabase['production_orders'],
    | 'customer_id'
    | 'channel'
    | 'line_count'
    | 'approved_at'
    | 'cancellation_source'
    | 'cancellation_reason'
    | 'cancelled_at'
  >
> & { pending_cancelled_line_ids?: string[] };
