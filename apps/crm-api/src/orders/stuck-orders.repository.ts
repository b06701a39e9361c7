import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import type { OrderStatus } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { CrmDatabase } from '../crm.database';
import type { OrderSla } from './order-sla';

export interface StuckOrderRow {
  id: string;
  status: OrderStatus;
  since: Date;
  sla_ms: number;
}

/** Orders by status, and orders unchanged for longer than their state's SLA. */
@Injectable()
export class StuckOrdersRepository {
  constructor(@Inject(DB) private readonly db: Kysely<CrmDatabase>) {}

  async countByStatus(): Promise<Array<{ status: OrderStatus; n: number }>> {
    return this.db
      .selectFrom('orders')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .groupBy('status')
      .execute();
  }

  /** One index range scan per status with an SLA (orders_status_updated_idx). */
  async stuck(sla: OrderSla, limit: number): Promise<StuckOrderRow[]> {
    const entries = Object.entries(sla) as Array<[OrderStatus, number]>;
    if (entries.length === 0) return [];
    const per = entries.map(([status, ms]) =>
      this.db
        .selectFrom('orders')
        .select(['id', 'status', 'updated_at as since', sql<number>`${ms}::bigint`.as('sla_ms')])
        .where('status', '=', status)
        .where('updated_at', '<', sql<Date>`now() - ${ms} * interval '1 millisecond'`),
    );
    let q = per[0]!;
    for (const next of per.slice(1)) q = q.unionAll(next);
    return this.db.selectFrom(q.as('s')).selectAll().orderBy('since').limit(limit).execute();
  }

  async countStuck(sla: OrderSla): Promise<Array<{ status: OrderStatus; n: number }>> {
    const entries = Object.entries(sla) as Array<[OrderStatus, number]>;
    return Promise.all(
      entries.map(async ([status, ms]) => {
        const row = await this.db
          .selectFrom('orders')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('status', '=', status)
          .where('updated_at', '<', sql<Date>`now() - ${ms} * interval '1 millisecond'`)
          .executeTakeFirstOrThrow();
        return { status, n: row.n };
      }),
    );
  }
}
