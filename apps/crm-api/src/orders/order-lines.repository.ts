import { Inject, Injectable } from '@nestjs/common';
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { DB } from '@fabflow/platform';
import type { CrmDatabase } from '../crm.database';

export type CrmOrderLineRow = Selectable<CrmDatabase['order_lines']>;

/** The lines of the CRM's orders. */
@Injectable()
export class OrderLinesRepository {
  constructor(@Inject(DB) private readonly db: Kysely<CrmDatabase>) {}

  async insert(
    tx: Transaction<CrmDatabase>,
    lines: Array<Insertable<CrmDatabase['order_lines']>>,
  ): Promise<void> {
    await tx.insertInto('order_lines').values(lines).execute();
  }

  /** The lines of one order, by line number. */
  ofOrder(orderId: string, db: Kysely<CrmDatabase> = this.db): Promise<CrmOrderLineRow[]> {
    return db
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('line_no')
      .execute();
  }

  /** The lines of several orders (a list page), grouped by order id. */
  async ofOrders(orderIds: readonly string[]): Promise<Map<string, CrmOrderLineRow[]>> {
    const byOrder = new Map<string, CrmOrderLineRow[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return byOrder;
    const rows = await this.db
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', 'in', orderIds)
      .orderBy('order_id')
      .orderBy('line_no')
      .execute();
    for (const r of rows) byOrder.get(r.order_id)?.push(r);
    return byOrder;
  }

  /** A line status from the MES, unless a newer line version was applied already. */
  async applyStatus(
    tx: Transaction<CrmDatabase>,
    lineId: string,
    status: CrmOrderLineRow['status'],
    version: number,
  ): Promise<void> {
    await tx
      .updateTable('order_lines')
      .set({ status, line_version: version })
      .where('id', '=', lineId)
      .where('line_version', '<', version)
      .execute();
  }

  async update(
    tx: Transaction<CrmDatabase>,
    lineId: string,
    fields: Updateable<CrmDatabase['order_lines']>,
  ): Promise<void> {
    await tx.updateTable('order_lines').set(fields).where('id', '=', lineId).execute();
  }
}
