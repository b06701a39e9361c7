import { Injectable } from '@nestjs/common';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { WorkOrderStatus, WorkQueuePosition } from '@fabflow/contracts';
import type { MesDatabase } from '../mes.database';
import type { WorkOrderRow } from './work-orders.repository';

/** A work-queue selection, with "me" already resolved to the caller's id. */
export interface QueueFilter {
  statuses: WorkOrderStatus[];
  priority?: 'NORMAL' | 'RUSH';
  machineId?: string;
  material?: string;
  /** ISO instants: due at or after / strictly before. */
  dueFrom?: string;
  dueBefore?: string;
  /** undefined: anyone; null: nobody. */
  assigneeId?: string | null;
  orderId?: string;
}

export type CountsFilter = Omit<QueueFilter, 'statuses' | 'orderId'>;

/** A row of a page, with its due date to the microsecond for the next cursor. */
export type QueueRow = WorkOrderRow & { due_key: string };

const NOBODY = '00000000-0000-0000-0000-000000000000';

/** Predicates on `wo` for the filters other than status. */
function predicates(f: CountsFilter & { orderId?: string }): RawBuilder<unknown>[] {
  const p: RawBuilder<unknown>[] = [];
  if (f.priority) p.push(sql`wo.queue_rank = ${f.priority === 'RUSH' ? 0 : 1}`);
  if (f.machineId) p.push(sql`wo.machine_id = ${f.machineId}`);
  if (f.material) p.push(sql`wo.material = ${f.material}`);
  if (f.assigneeId === null) p.push(sql`wo.assignee_id IS NULL`);
  else if (f.assigneeId !== undefined) p.push(sql`wo.assignee_id = ${f.assigneeId}::uuid`);
  if (f.dueFrom) p.push(sql`wo.due_at >= ${f.dueFrom}::timestamptz`);
  if (f.dueBefore) p.push(sql`wo.due_at < ${f.dueBefore}::timestamptz`);
  if (f.orderId) p.push(sql`wo.order_id = ${f.orderId}::uuid`);
  return p;
}

/** The work queue's reads; each takes the handle to read from (primary or replica). */
@Injectable()
export class WorkQueueRepository {
  /**
   * One page in queue order (rush first, due date, id) after `after`, in one statement: for
   * each requested status an index range read in that order, stopped at `limit` rows
   * (LATERAL), then the few rows merged. No OFFSET, no sort of the matching rows, and the same
   * cost on page 1 and page 1,000.
   */
  async page(
    db: Kysely<MesDatabase>,
    f: QueueFilter,
    after: WorkQueuePosition | undefined,
    limit: number,
  ): Promise<QueueRow[]> {
    return (await this.pageQuery(f, after, limit).execute(db)).rows;
  }

  /** The statement of `page` (the plan test EXPLAINs it). */
  pageQuery(f: QueueFilter, after: WorkQueuePosition | undefined, limit: number) {
    const where = [sql`wo.status = s.status`, ...predicates(f)];
    if (after)
      where.push(
        sql`(wo.queue_rank, wo.due_at, wo.id) > (${after.rank}, ${after.dueAt}::timestamptz, ${after.id}::uuid)`,
      );
    return sql<QueueRow>`
      SELECT w.*, to_char(w.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS due_key
      FROM unnest(${f.statuses}::text[]) AS s(status)
      CROSS JOIN LATERAL (
        SELECT wo.* FROM work_orders wo
        WHERE ${sql.join(where, sql` AND `)}
        ORDER BY wo.queue_rank, wo.due_at, wo.id
        LIMIT ${limit}
      ) w
      ORDER BY w.queue_rank, w.due_at, w.id
      LIMIT ${limit}`;
  }

  /**
   * Work orders per status under the filters. Without a due-date range, from the rollup the
   * triggers keep (a few thousand rows whatever the table's size); with one, counted over the
   * due-date index range.
   */
  async counts(
    db: Kysely<MesDatabase>,
    f: CountsFilter,
  ): Promise<Array<{ status: WorkOrderStatus; n: number }>> {
    return (await this.countsQuery(f).execute(db)).rows;
  }

  /** The statement of `counts` (the plan test EXPLAINs it). */
  countsQuery(f: CountsFilter) {
    if (f.dueFrom || f.dueBefore)
      return sql<{ status: WorkOrderStatus; n: number }>`
        SELECT wo.status, count(*)::int AS n FROM work_orders wo
        WHERE ${sql.join(predicates(f), sql` AND `)}
        GROUP BY wo.status`;
    const where = [sql`true`];
    if (f.priority) where.push(sql`priority = ${f.priority}`);
    if (f.machineId) where.push(sql`machine_id = ${f.machineId}`);
    if (f.material) where.push(sql`material = ${f.material}`);
    if (f.assigneeId !== undefined) where.push(sql`assignee_id = ${f.assigneeId ?? NOBODY}::uuid`);
    return sql<{ status: WorkOrderStatus; n: number }>`
      SELECT status, sum(n)::int AS n FROM work_order_counts
      WHERE ${sql.join(where, sql` AND `)}
      GROUP BY status`;
  }

  machines(db: Kysely<MesDatabase>) {
    return db
      .selectFrom('machines')
      .select(['id', 'name', 'technology', 'active'])
      .orderBy('id')
      .execute();
  }

  /** Materials of existing work orders and of the active price list. */
  async materials(db: Kysely<MesDatabase>): Promise<string[]> {
    const { rows } = await sql<{ material: string }>`
      SELECT material FROM work_order_counts WHERE n > 0
      UNION
      SELECT m->>'id' FROM price_lists, jsonb_array_elements(body->'materials') AS m WHERE active
      ORDER BY 1`.execute(db);
    return rows.map((r) => r.material);
  }
}
