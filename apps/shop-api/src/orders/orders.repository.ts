import { Inject, Injectable } from '@nestjs/common';
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { OrderStatus } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { ShopDatabase } from '../shop.database';

export type OrderRow = Selectable<ShopDatabase['orders']>;
export type NewOrder = Omit<
  Insertable<ShopDatabase['orders']>,
  'crm_version' | 'work_order_version' | 'production_version' | 'placed_at' | 'updated_at'
>;
export type OrderChange = Omit<Updateable<ShopDatabase['orders']>, 'id' | 'updated_at'>;
export type HistoryRow = Pick<
  Selectable<ShopDatabase['order_status_history']>,
  'status' | 'at' | 'source' | 'note'
>;

@Injectable()
export class OrdersRepository {
  constructor(@Inject(DB) private readonly db: Kysely<ShopDatabase>) {}

  async insert(tx: Transaction<ShopDatabase>, order: NewOrder, placedAt: Date): Promise<void> {
    await tx
      .insertInto('orders')
      .values({ ...order, placed_at: placedAt, updated_at: placedAt })
      .execute();
    await tx
      .insertInto('order_status_history')
      .values({
        order_id: order.id,
        status: order.status,
        source: 'shop',
        note: null,
        event_id: null,
        at: placedAt,
      })
      .execute();
  }

  /** The order only if it belongs to `customerId` (undefined otherwise: no existence leak). */
  findOwned(id: string, customerId: string | undefined): Promise<OrderRow | undefined> {
    let q = this.db.selectFrom('orders').selectAll().where('id', '=', id);
    if (customerId !== undefined) q = q.where('customer_id', '=', customerId);
    return q.executeTakeFirst();
  }

  listByCustomer(customerId: string, limit: number): Promise<OrderRow[]> {
    return this.db
      .selectFrom('orders')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('placed_at', 'desc')
      .limit(limit)
      .execute();
  }

  history(orderId: string): Promise<HistoryRow[]> {
    return this.db
      .selectFrom('order_status_history')
      .select(['status', 'at', 'source', 'note'])
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
  }

  /**
   * Locks the order for a change. Every change of an order or its lines locks the order first,
   * so its lines are read and written by one transaction at a time.
   */
  lockForUpdate(
    tx: Transaction<ShopDatabase>,
    id: string,
    ownerId?: string,
  ): Promise<OrderRow | undefined> {
    let q = tx.selectFrom('orders').selectAll().where('id', '=', id);
    if (ownerId !== undefined) q = q.where('customer_id', '=', ownerId);
    return q.forUpdate().executeTakeFirst();
  }

  async update(tx: Transaction<ShopDatabase>, id: string, change: OrderChange): Promise<void> {
    await tx
      .updateTable('orders')
      .set({ ...change, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  async addHistory(
    tx: Transaction<ShopDatabase>,
    entry: {
      orderId: string;
      status: OrderStatus;
      source: string;
      note: string | null;
      eventId: string | null;
      at?: Date;
    },
  ): Promise<void> {
    await tx
      .insertInto('order_status_history')
      .values({
        order_id: entry.orderId,
        status: entry.status,
        source: entry.source,
        note: entry.note,
        event_id: entry.eventId,
        ...(entry.at ? { at: entry.at } : {}),
      })
      .execute();
  }
}
