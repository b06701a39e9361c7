import { Inject, Injectable } from '@nestjs/common';
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { OrderStatus } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { CrmDatabase } from '../crm.database';

export type CrmOrderRow = Awaited<ReturnType<OrdersRepository['find']>> & object;

type OrderFields = Pick<
  CrmDatabase['orders'],
  'status' | 'approved_by' | 'note' | 'cancelled_by' | 'cancellation_reason' | 'cancelled_at'
>;

@Injectable()
export class OrdersRepository {
  constructor(@Inject(DB) private readonly db: Kysely<CrmDatabase>) {}

  /** Inserts the order once; false when it already exists. */
  async insertIfAbsent(
    tx: Transaction<CrmDatabase>,
    o: Insertable<CrmDatabase['orders']>,
  ): Promise<boolean> {
    const r = await tx
      .insertInto('orders')
      .values(o)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  find(id: string, db: Kysely<CrmDatabase> = this.db) {
    return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
  }

  lock(tx: Transaction<CrmDatabase>, id: string) {
    return tx.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  list(status: OrderStatus | undefined, limit: number) {
    let q = this.db.selectFrom('orders').selectAll();
    if (status) q = q.where('status', '=', status);
    return q.orderBy('placed_at', 'desc').limit(limit).execute();
  }

  /** Updates fields and bumps the aggregate version; returns the new version. */
  async update(
    tx: Transaction<CrmDatabase>,
    id: string,
    fields: Partial<OrderFields> & { production_version?: number },
  ): Promise<number> {
    const row = await tx
      .updateTable('orders')
      .set({ ...fields, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', id)
      .returning('version')
      .executeTakeFirstOrThrow();
    return row.version;
  }
}
