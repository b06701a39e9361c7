import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { WorkOrderStatus } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { MesDatabase } from '../mes.database';

export type WorkOrderRow = Selectable<MesDatabase['work_orders']>;
/** What creating a work order takes: the columns without a default. */
export type NewWorkOrder = Omit<
  MesDatabase['work_orders'],
  | 'version'
  | 'created_at'
  | 'updated_at'
  | 'queue_rank'
  | 'good_quantity'
  | 'scrap_quantity'
  | 'rework_quantity'
>;

const FINAL: WorkOrderStatus[] = ['SHIPPED', 'SCRAPPED', 'CANCELLED'];

@Injectable()
export class WorkOrdersRepository {
  constructor(@Inject(DB) private readonly db: Kysely<MesDatabase>) {}

  /** Inserts the work order of an order once; undefined when the order already has one. */
  async insertIfAbsent(tx: Transaction<MesDatabase>, wo: NewWorkOrder) {
    const row = await tx
      .insertInto('work_orders')
      .values(wo)
      .onConflict((oc) => oc.column('order_id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) {
      await tx
        .insertInto('work_order_history')
        .values({
          work_order_id: row.id,
          from_status: null,
          to_status: row.status,
          changed_by: null,
          reason: null,
        })
        .execute();
    }
    return row;
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
    },
  ) {
    const row = await tx
      .updateTable('work_orders')
      .set({ status: wo.to, version: sql`version + 1`, updated_at: new Date() })
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
