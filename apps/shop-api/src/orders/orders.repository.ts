import { Inject, Injectable } from '@nestjs/common';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { OrderStatus } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { ShopDatabase } from '../shop.database';

type NewOrder = Omit<
  Insertable<ShopDatabase['orders']>,
  'crm_version' | 'work_order_version' | 'placed_at' | 'updated_at'
>;

@Injectable()
export class OrdersRepository {
  constructor(@Inject(DB) private readonly db: Kysely<ShopDatabase>) {}

  async insert(tx: Transaction<ShopDatabase>, order: NewOrder, placedAt: Date) {
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

  findByQuote(tx: Transaction<ShopDatabase>, quoteId: string) {
    return tx.selectFrom('orders').select('id').where('quote_id', '=', quoteId).executeTakeFirst();
  }

  /** The order only if it belongs to `customerId` (undefined otherwise: no existence leak). */
  findOwned(id: string, customerId: string | undefined) {
    let q = this.db.selectFrom('orders').selectAll().where('id', '=', id);
    if (customerId !== undefined) q = q.where('customer_id', '=', customerId);
    return q.executeTakeFirst();
  }

  listByCustomer(customerId: string, limit: number) {
    return this.db
      .selectFrom('orders')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('placed_at', 'desc')
      .limit(limit)
      .execute();
  }

  history(orderId: string) {
    return this.db
      .selectFrom('order_status_history')
      .select(['status', 'at', 'source', 'note'])
      .where('order_id', '=', orderId)
      .orderBy('id')
      .execute();
  }

  lockForUpdate(tx: Transaction<ShopDatabase>, id: string) {
    return tx
      .selectFrom('orders')
      .select([
        'id',
        'status',
        'crm_version',
        'work_order_version',
        'customer_id',
        'quote_id',
        'channel',
      ])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  async setStatus(
    tx: Transaction<ShopDatabase>,
    id: string,
    change: { status?: OrderStatus; crmVersion?: number; workOrderVersion?: number },
  ) {
    await tx
      .updateTable('orders')
      .set({
        ...(change.status ? { status: change.status } : {}),
        ...(change.crmVersion !== undefined ? { crm_version: change.crmVersion } : {}),
        ...(change.workOrderVersion !== undefined
          ? { work_order_version: change.workOrderVersion }
          : {}),
        updated_at: new Date(),
      })
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
      eventId: string;
    },
  ) {
    await tx
      .insertInto('order_status_history')
      .values({
        order_id: entry.orderId,
        status: entry.status,
        source: entry.source,
        note: entry.note,
        event_id: entry.eventId,
      })
      .execute();
  }
}
