import { Inject, Injectable } from '@nestjs/common';
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { DB } from '@fabflow/platform';
import type { ShopDatabase } from '../shop.database';

export type OrderLineRow = Selectable<ShopDatabase['order_lines']>;
export type OrderLineChange = Pick<
  Updateable<ShopDatabase['order_lines']>,
  'status' | 'line_version' | 'cancellation_outcome'
>;

@Injectable()
export class OrderLinesRepository {
  constructor(@Inject(DB) private readonly db: Kysely<ShopDatabase>) {}

  async insert(
    tx: Transaction<ShopDatabase>,
    lines: Array<Insertable<ShopDatabase['order_lines']>>,
  ): Promise<void> {
    await tx.insertInto('order_lines').values(lines).execute();
  }

  /** The lines of an order in line order (in `tx` after the order was locked, for a change). */
  ofOrder(orderId: string, tx?: Transaction<ShopDatabase>): Promise<OrderLineRow[]> {
    return (tx ?? this.db)
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('line_no')
      .execute();
  }

  /** The lines of several orders at once (one query for a list), by order id. */
  async ofOrders(orderIds: readonly string[]): Promise<Map<string, OrderLineRow[]>> {
    const byOrder = new Map<string, OrderLineRow[]>(orderIds.map((id) => [id, []]));
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

  /** The order whose live line holds the quote (the one that accepted it), if any. */
  async orderOfQuote(tx: Transaction<ShopDatabase>, quoteId: string): Promise<string | undefined> {
    const row = await tx
      .selectFrom('order_lines')
      .select('order_id')
      .where('quote_id', '=', quoteId)
      .where('status', '<>', 'CANCELLED')
      .where('cancellation_outcome', 'is', null)
      .executeTakeFirst();
    return row?.order_id;
  }

  async update(
    tx: Transaction<ShopDatabase>,
    lineId: string,
    change: OrderLineChange,
  ): Promise<void> {
    await tx.updateTable('order_lines').set(change).where('id', '=', lineId).execute();
  }
}
