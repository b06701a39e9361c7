import { Inject, Injectable } from '@nestjs/common';
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { WorkOrderStatus } from '@fabflow/contracts';
import { uuidv7 } from '@fabflow/db';
import { DB } from '@fabflow/platform';
import type { MesDatabase } from '../mes.database';

export type WorkOrderRow = Selectable<MesDatabase['work_orders']>;
/** What creating a work order takes (a new one is QUEUED, unassigned, with nothing reported). */
export type NewWorkOrder = Omit<
  Insertable<MesDatabase['work_orders']>,
  'version' | 'created_at' | 'updated_at' | 'good_quantity' | 'scrap_quantity' | 'rework_quantity'
>;

const FINAL: WorkOrderStatus[] = ['SHIPPED', 'SCRAPPED', 'CANCELLED'];

@Injectable()
export class WorkOrdersRepository {
  constructor(@Inject(DB) private readonly db: Kysely<MesDatabase>) {}

  /** Inserts a work order with the first entry of its history. */
  async insert(tx: Transaction<MesDatabase>, wo: NewWorkOrder, reason: string | null = null) {
    const row = await tx
      .insertInto('work_orders')
      .values(wo)
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('work_order_history')
      .values({
        work_order_id: row.id,
        from_status: null,
        to_status: row.status,
        changed_by: null,
        reason,
      })
      .execute();
    return row;
  }

  /** A new QUEUED work order making the same part as a scrapped one, for the same line. */
  insertReplacement(tx: Transaction<MesDatabase>, scrapped: WorkOrderRow) {
    return this.insert(
      tx,
      {
        id: uuidv7(),
        order_id: scrapped.order_id,
        line_id: scrapped.line_id,
        line_no: scrapped.line_no,
        line_count: scrapped.line_count,
        status: 'QUEUED',
        sku: scrapped.sku,
        material: scrapped.material,
        quantity: scrapped.quantity,
        priority: scrapped.priority,
        assignee_id: null,
        quote_id: scrapped.quote_id,
        machine_id: scrapped.machine_id,
        due_at: scrapped.due_at,
        replaces_work_order_id: scrapped.id,
      },
      `replaces scrapped work order ${scrapped.id}`,
    );
  }

  /** The order a work order belongs to (it never changes), to lock the order first. */
  async orderIdOf(id: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('work_orders')
      .select('order_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.order_id;
  }

  /** Every work order of an order, locked, by line and oldest first (the last is the live one). */
  lockAllOfOrder(tx: Transaction<MesDatabase>, orderId: string) {
    return tx
      .selectFrom('work_orders')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('line_id')
      .orderBy('created_at')
      .orderBy('id')
      .forUpdate()
      .execute();
  }

  /**
   * Marks the work orders of a cancelled line (what a held one may still do follows it). Not a
   * version of its own: a live work order of the line moves in the same transaction.
   */
  async markLineCancelled(tx: Transaction<MesDatabase>, lineId: string): Promise<void> {
    await tx
      .updateTable('work_orders')
      .set({ line_cancelled: true })
      .where('line_id', '=', lineId)
      .execute();
  }

  find(id: string) {
    return this.db.selectFrom('work_orders').selectAll().where('id', '=', id).executeTakeFirst();
  }

  history(id: string) {
    return this.db
      .selectFrom('work_order_history')
      .selectAll()
      .where('work_order_id', '=', id)
      .orderBy('id')
      .execute();
  }

  /**
   * Takes an unassigned, unfinished work order in one conditional update: of two operators
   * racing, exactly one gets the row back.
   */
  claim(id: string, operatorId: string) {
    return this.db
      .updateTable('work_orders')
      .set({ assignee_id: operatorId, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', id)
      .where('assignee_id', 'is', null)
      .where('status', 'not in', FINAL)
      .returningAll()
      .executeTakeFirst();
  }

  release(id: string, operatorId: string) {
    return this.db
      .updateTable('work_orders')
      .set({ assignee_id: null, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', id)
      .where('assignee_id', '=', operatorId)
      .returningAll()
      .executeTakeFirst();
  }

  lock(tx: Transaction<MesDatabase>, id: string) {
    return tx
      .selectFrom('work_orders')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  async setStatus(
    tx: Transaction<MesDatabase>,
    wo: {
      id: string;
      from: WorkOrderStatus;
      to: WorkOrderStatus;
      by: string;
      reason: string | null;
      /** Required for ON_HOLD, null otherwise. */
      holdReason: string | null;
    },
  ) {
    const row = await tx
      .updateTable('work_orders')
      .set({
        status: wo.to,
        hold_reason: wo.holdReason,
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', wo.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('work_order_history')
      .values({
        work_order_id: wo.id,
        from_status: wo.from,
        to_status: wo.to,
        changed_by: wo.by,
        reason: wo.reason,
      })
      .execute();
    return row;
  }

  /** Adds reported parts to the totals and logs the report, in the caller's transaction. */
  async addQuantities(
    tx: Transaction<MesDatabase>,
    id: string,
    q: { good: number; scrap: number; rework: number; by: string },
  ) {
    const row = await tx
      .updateTable('work_orders')
      .set({
        good_quantity: sql`good_quantity + ${q.good}`,
        scrap_quantity: sql`scrap_quantity + ${q.scrap}`,
        rework_quantity: sql`rework_quantity + ${q.rework}`,
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('work_order_quantity_reports')
      .values({
        work_order_id: id,
        good: q.good,
        scrap: q.scrap,
        rework: q.rework,
        reported_by: q.by,
      })
      .execute();
    return row;
  }

  quantityReports(id: string) {
    return this.db
      .selectFrom('work_order_quantity_reports')
      .selectAll()
      .where('work_order_id', '=', id)
      .orderBy('id')
      .execute();
  }

  addNote(id: string, authorId: string, body: string) {
    return this.db
      .insertInto('work_order_notes')
      .values({ work_order_id: id, author_id: authorId, body })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  notes(id: string) {
    return this.db
      .selectFrom('work_order_notes')
      .selectAll()
      .where('work_order_id', '=', id)
      .orderBy('id')
      .execute();
  }

  machine(id: string) {
    return this.db
      .selectFrom('machines')
      .select(['id', 'name', 'technology', 'active'])
      .where('id', '=', id)
      .executeTakeFirst();
  }
}
