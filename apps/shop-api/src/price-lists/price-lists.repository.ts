import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { EventData, PriceListPublished } from '@fabflow/contracts';
import { DB } from '@fabflow/platform';
import type { ShopDatabase } from '../shop.database';

export type PriceListRow = Selectable<ShopDatabase['price_lists']>;

@Injectable()
export class PriceListsRepository {
  constructor(@Inject(DB) private readonly db: Kysely<ShopDatabase>) {}

  /** The price list the shop offers: the most recently published one (read in `tx` if given). */
  current(tx?: Transaction<ShopDatabase>): Promise<PriceListRow | undefined> {
    return (tx ?? this.db)
      .selectFrom('price_lists')
      .selectAll()
      .orderBy('published_at', 'desc')
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * Records a published price list. A version seen before is updated only by a later
   * publication (re-activated), so a redelivered or late event changes nothing.
   */
  async upsert(
    tx: Transaction<ShopDatabase>,
    p: EventData<typeof PriceListPublished>,
  ): Promise<boolean> {
    const r = await tx
      .insertInto('price_lists')
      .values({
        version: p.priceListVersion,
        currency: p.currency,
        materials: JSON.stringify(p.materials),
        lead_times: JSON.stringify(p.leadTimes),
        minimum_order_cents: p.minimumOrderCents ?? null,
        published_at: new Date(p.publishedAt),
      })
      .onConflict((oc) =>
        oc
          .column('version')
          .doUpdateSet({
            currency: (eb) => eb.ref('excluded.currency'),
            materials: (eb) => eb.ref('excluded.materials'),
            lead_times: (eb) => eb.ref('excluded.lead_times'),
            minimum_order_cents: (eb) => eb.ref('excluded.minimum_order_cents'),
            published_at: (eb) => eb.ref('excluded.published_at'),
          })
          .where(sql<boolean>`excluded.published_at > price_lists.published_at`),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}
