import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { WorkOrderStatus } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { MesDatabase } from '../mes.database';

export type WorkOrderRow = Selectable<MesDatabase['work_orders']>;

const FINAL: WorkOrderStatus[] = ['SHIPPED', 'SCRAPPED', 'CANCELLED'];

@Injectable()
export class WorkOrdersRepository {
  constructor(@Inject(DB) private readonly db: Kysely<MesDatabase>) {}

  /** Inserts the work order of an order once; undefined when the order already has one. */
  async insertIfAbsent(
    tx: Transaction<MesDatabase>,
    wo: Omit<MesDatabase['work_orders'], 'version' | 'created_at' | 'updated_at'>,
  ) {
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

  list(filter: {
    status?: WorkOrderStatus;
    assigneeId?: string | null;
    orderId?: string;
    limit: number;
  }) {
    let q = this.db.selectFrom('work_orders').selectAll();
    if (filter.orderId) q = q.where('order_id', '=', filter.orderId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.assigneeId === null) q = q.where('assignee_id', 'is', null);
    else if (filter.assigneeId !== undefined) q = q.where('assignee_id', '=', filter.assigneeId);
    return q
      .orderBy(sql`priority = 'RUSH'`, 'desc')
      .orderBy('due_at')
      .orderBy('id')
      .limit(filter.limit)
      .execute();
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
}
